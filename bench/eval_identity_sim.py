"""Score the identity-leak detector against the arena simulator's planted leaks, over several seeds.

The simulator (``auditkit.simulate``) plants self-identifications in ten languages with ground truth
(``truth.leaks``) and hard negatives (mentions of models, makers and homonyms, ``truth.hard_negatives``).
A positive is an anonymous vote with a planted leak; a flag is a finding at or above ``medium`` (what
the default policy invalidates). Prints recall per language, precision, and the flagged hard negatives.

    .venv/bin/python bench/eval_identity_sim.py                 # demo preset, seeds 0 1 2
    .venv/bin/python bench/eval_identity_sim.py --seeds 0 --show-misses 20
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from auditkit.identity.evaluate import evaluate_simulated  # noqa: E402
from auditkit.rules import load_rules  # noqa: E402
from auditkit.simulate import preset_config, simulate_arena  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="demo")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--show-misses", type=int, default=10, help="distinct misses to print")
    args = parser.parse_args(argv)
    rules = load_rules(REPO / "rules")
    tp = fp = fn = hn = hn_flagged = 0
    langs: Counter[str] = Counter()
    planted: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    false_flags: Counter[str] = Counter()
    for seed in args.seeds:
        arena = simulate_arena(preset_config(args.preset), seed=seed)
        score = evaluate_simulated(arena.battles, arena.truth, rules)
        print(
            f"seed {seed}: recall {score.recall:.3f} ({score.tp}/{score.tp + score.fn}) "
            f"precision {score.precision:.3f} (fp {score.fp}); hard negatives flagged "
            f"{score.hard_negative_flagged}/{score.hard_negative_votes}"
        )
        tp, fp, fn = tp + score.tp, fp + score.fp, fn + score.fn
        hn, hn_flagged = hn + score.hard_negative_votes, hn_flagged + score.hard_negative_flagged
        for lang, (found, n) in score.by_language.items():
            langs[lang] += found
            planted[lang] += n
        misses.update(score.missed)
        false_flags.update(score.false_flags)
    print(
        f"\nall seeds {args.seeds}: recall {tp / max(tp + fn, 1):.3f} ({tp}/{tp + fn}), "
        f"precision {tp / max(tp + fp, 1):.3f} (fp {fp}), "
        f"hard negatives flagged {hn_flagged}/{hn}"
    )
    print("\nrecall by language of the leak sentence:")
    for lang in sorted(planted):
        print(f"  {lang}: {langs[lang] / planted[lang]:.3f} ({langs[lang]}/{planted[lang]})")
    if misses:
        print(f"\nmost frequent misses ({len(misses)} distinct):")
        for sentence, count in misses.most_common(args.show_misses):
            print(f"  {count:4d}  {sentence}")
    if false_flags:
        print(f"\nfalse flags ({sum(false_flags.values())}):")
        for snippet, count in false_flags.most_common(args.show_misses):
            print(f"  {count:4d}  {snippet}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

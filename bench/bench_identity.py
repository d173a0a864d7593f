"""Identity-leak scan speed: auditkit's prefilter + analysis vs FastChat's lower-case-and-``in`` scan.

The corpus is every response in the Arena answer files under shared/data/real (arena-bench-v1,
Arena-Hard v0.1 and v2.0), replicated by streaming (the base texts are cycled, never concatenated)
until ``--mb`` megabytes of UTF-8 response text have been scanned. Both methods see the same texts
in the same run, so the ratio is meaningful on a shared machine. One core, no multiprocessing.

    .venv/bin/python bench/bench_identity.py            # 500 MB (target: ≥ 50 MB/s for auditkit)
    .venv/bin/python bench/bench_identity.py --quick    # 40 MB
    .venv/bin/python bench/bench_identity.py --devset   # precision / recall table on the dev set
    .venv/bin/python bench/bench_identity.py --corpus   # P / R per language, claim kind and source
                                                        # on the corpus's dev and held-out test,
                                                        # test2 and test3 splits, beside FastChat's words
    .venv/bin/python bench/bench_identity.py --quick --baseline 34d37c1
        # also scans with the auditkit of an older commit (exported to a temporary folder and run
        # in a subprocess on the same texts, interleaved): its ratio to FastChat beside today's
    .venv/bin/python bench/bench_identity.py --classifier 100000
        # the deanonymisability classifier's time on N simulated responses (no per-model cap)
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from auditkit.identity.evaluate import FASTCHAT_IDENTITY_WORDS, evaluate_labelled  # noqa: E402
from auditkit.identity.lexicon import load_identity_rules  # noqa: E402
from auditkit.identity.matcher import analyze_response, has_name  # noqa: E402
from auditkit.rules import load_rules  # noqa: E402

REAL = REPO.parent / "shared" / "data" / "real"


def load_responses() -> list[str]:
    texts: list[str] = []
    with gzip.open(REAL / "arena_bench_v1_model_answers.jsonl.gz", "rt", encoding="utf-8") as fh:
        texts.extend(json.loads(line)["response"] for line in fh)
    for name in (
        "arena_hard_v0_1_model_answers.jsonl.gz",
        "arena_hard_v2_0_model_answers.jsonl.gz",
    ):
        with gzip.open(REAL / name, "rt", encoding="utf-8") as fh:
            texts.extend(json.loads(line)["messages"][1]["content"]["answer"] for line in fh)
    return texts


def stream(texts: list[str], sizes: list[int], target_bytes: int) -> Iterator[str]:
    """Cycle through ``texts`` until ``target_bytes`` of UTF-8 have been yielded."""
    done = 0
    while done < target_bytes:
        for text, size in zip(texts, sizes, strict=True):
            yield text
            done += size
            if done >= target_bytes:
                return


def timed(
    scan: Callable[[str], bool], texts: list[str], sizes: list[int], target: int
) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds of this process (= one core), texts scanned, texts flagged."""
    flagged = n = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for text in stream(texts, sizes, target):
        flagged += scan(text)
        n += 1
    return time.perf_counter() - wall, time.process_time() - cpu, n, flagged


def corpus_table() -> int:
    """Precision / recall per language, claim kind and source on the corpus's dev split (tuned on)
    and its held-out test split (measured only), each beside FastChat's word list."""
    from eval_identity_corpus import load_corpus  # bench/ is on sys.path when run as a script

    rules = load_rules(REPO / "rules")
    cols = ["subset", "method", "n", "positives", "tp", "fp", "fn", "precision", "recall"]
    splits = (
        ("dev", "rules and scorer tuned on it"),
        ("test", "never tuned on"),
        (
            "test2",
            "held-out parts of the CJK batch and the batch in 11 other languages, never tuned on",
        ),
        ("test3", "held-out part of the fourth session's CJK batch, never tuned on"),
        ("test4", "held-out part of the fourth session's non-CJK batch, never tuned on"),
    )
    for split, what in splits:
        frame = evaluate_labelled(load_corpus(split), rules, by=("lang", "kind", "source"))
        print(f"\n{split} split of tests/data/identity/corpus.jsonl ({what})")
        print(frame[cols].to_string(index=False))
    return 0


_SCAN_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from auditkit.identity.lexicon import load_identity_rules
from auditkit.identity.matcher import analyze_response, has_name
from auditkit.rules import load_rules
import gzip
bench = sys.argv[2]
sys.path.insert(0, bench)
from bench_identity import load_responses, stream, FASTCHAT_WORDS_FOR_CHILD as words
identity = load_identity_rules(load_rules(sys.argv[1] + "/rules"))
texts = load_responses()
sizes = [len(t.encode("utf-8")) for t in texts]
target = int(float(sys.argv[3]) * 1e6)
def fastchat(text):
    low = text.lower()
    return any(w in low for w in words)
def ours(text):
    return has_name(text, identity) and bool(analyze_response(text, identity))
out = {}
for label, scan in (("fastchat", fastchat), ("auditkit", ours)):
    cpu = time.process_time()
    for text in stream(texts, sizes, target):
        scan(text)
    out[label] = target / 1e6 / (time.process_time() - cpu)
print(json.dumps(out))
"""
FASTCHAT_WORDS_FOR_CHILD = FASTCHAT_IDENTITY_WORDS


def compare_baseline(ref: str, mb: float, rounds: int = 2) -> int:
    """Scan throughput of auditkit at ``ref`` and of this tree, each beside FastChat, interleaved."""
    import subprocess
    import tempfile

    if not REAL.is_dir():
        print(f"skipped: real data not found at {REAL}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", ref, "auditkit", "rules"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        trees = {f"baseline {ref}": tmp, "this tree": str(REPO)}
        ratios: dict[str, list[float]] = {k: [] for k in trees}
        for _ in range(rounds):
            for label, root in trees.items():
                result = subprocess.run(
                    [sys.executable, "-c", _SCAN_CHILD, root, str(REPO / "bench"), str(mb)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                rates = json.loads(result.stdout.strip().splitlines()[-1])
                ratio = rates["auditkit"] / rates["fastchat"]
                ratios[label].append(ratio)
                print(
                    f"{label:>22}: auditkit {rates['auditkit']:6.1f} MB/s per core, fastchat "
                    f"{rates['fastchat']:6.1f} MB/s per core, ratio {ratio:.2f}x"
                )
    for label, values in ratios.items():
        print(f"median ratio auditkit/fastchat, {label}: {sorted(values)[len(values) // 2]:.2f}x")
    return 0


def classifier_time(n_responses: int) -> int:
    """Wall and CPU time of the deanonymisability classifier on ``n_responses`` responses."""
    from auditkit.detectors.deanonymisability import model_responses, recognisability
    from auditkit.simulate import preset_config, simulate_arena

    t0 = time.perf_counter()
    arena = simulate_arena(
        preset_config("demo", n_battles=n_responses // 2, text_fraction=1.0), seed=0
    )
    print(f"simulated {n_responses // 2:,} battles with text in {time.perf_counter() - t0:.0f} s")
    wall, cpu = time.perf_counter(), time.process_time()
    models, texts = model_responses(
        arena.battles, max_per_model=n_responses, max_chars=800, random_state=0
    )
    rows = recognisability(models, texts, random_state=0)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    correct = sum(r.correct for r in rows)
    print(
        f"classifier on {len(texts):,} responses of {len(rows)} models (5-fold CV + full fit): "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU; overall accuracy {correct / len(texts):.3f}"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=500.0, help="MB of response text to scan")
    parser.add_argument("--quick", action="store_true", help="small run (40 MB)")
    parser.add_argument("--devset", action="store_true", help="print the dev-set table instead")
    parser.add_argument("--corpus", action="store_true", help="P/R on the corpus's test split")
    parser.add_argument("--baseline", metavar="REF", help="also scan with auditkit at git REF")
    parser.add_argument("--classifier", type=int, metavar="N", help="time the classifier on N")
    args = parser.parse_args()
    if args.corpus:
        return corpus_table()
    if args.classifier:
        return classifier_time(args.classifier)
    if args.baseline:
        return compare_baseline(args.baseline, 40.0 if args.quick else args.mb)
    pack = load_rules(REPO / "rules")
    if args.devset:
        items: list[dict[str, Any]] = []
        for name in ("real.jsonl", "handwritten.jsonl"):
            path = REPO / "tests" / "data" / "identity" / name
            items.extend(json.loads(line) for line in path.open(encoding="utf-8"))
        print(evaluate_labelled(items, pack).to_string(index=False))
        return 0
    if not REAL.is_dir():
        print(f"skipped: real data not found at {REAL}")
        return 0
    identity = load_identity_rules(pack)
    texts = load_responses()
    sizes = [len(t.encode("utf-8")) for t in texts]
    base_mb = sum(sizes) / 1e6
    target = int((40.0 if args.quick else args.mb) * 1e6)
    words = FASTCHAT_IDENTITY_WORDS

    def fastchat(text: str) -> bool:
        low = text.lower()
        return any(word in low for word in words)

    def auditkit(text: str) -> bool:
        # the detector's per-response path: one automaton pass, full analysis only on candidates
        return has_name(text, identity) and bool(analyze_response(text, identity))

    print(f"corpus: {len(texts):,} responses, {base_mb:.1f} MB, streamed to {target / 1e6:.0f} MB")
    print(
        "MB/s per core = MB / CPU seconds of this single-threaded process (robust to other load);"
    )
    print("wall MB/s is also shown. Both methods scan the same streamed texts.")
    cpu_rate: dict[str, float] = {}
    for label, scan in (("fastchat lower+in", fastchat), ("auditkit identity", auditkit)):
        wall, cpu, n, flagged = timed(scan, texts, sizes, target)
        cpu_rate[label] = target / 1e6 / cpu
        print(
            f"{label:>18}: {cpu_rate[label]:7.1f} MB/s per core, {target / 1e6 / wall:7.1f} MB/s "
            f"wall  ({n:,} texts, {flagged:,} flagged)"
        )
    ours = cpu_rate["auditkit identity"]
    ratio = ours / cpu_rate["fastchat lower+in"]
    verdict = "OK" if ours >= 50 else "BELOW TARGET"
    print(
        f"ratio auditkit / fastchat: {ratio:.2f}x; auditkit {ours:.1f} MB/s per core ({verdict}: >= 50)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Voter-audit benchmark on heterogeneous honest people: one table per attack, attack-free runs, speed.

Run: ``.venv/bin/python bench/bench_voters.py`` (>= 100k honest votes per arena, 3 tuning + 3
held-out seeds, and 1M votes / 200k voters for timing) or ``--quick`` (30k votes, one seed of each).

Every arena uses the simulator's default honest layer (``auditkit.simulate.people``: tie habits,
side leans, topic specialists, provider fans, heavy users combining them, shared addresses), whose
*spread* is itself drawn per seed. Each attack runs alone in its own arena so its target's rating
and rank are its own doing.

Seeds. ``TUNING_SEEDS`` are the seeds the thresholds and floors were chosen on (attack-free seeds
1-7 and the all-attacks arena of seed 1 were inspected while building the nulls; the logit-scale
pull was checked on the camouflage arenas of seeds 1-3 and attack-free seeds 1-7);
``HELD_OUT_SEEDS`` were never run before the floors were fixed and must never be tuned on
(``taste_floor`` 0.4 was chosen on the honest length lovers of tuning seed 1; the held-out length
lovers flagged under 0.25 were seen in the same look and are not a clean hold-out for that row). Both are
reported, separately; ``--never-used`` adds ``NEVER_USED_SEEDS``, run only as a final check.

Besides the attacks of issue 14, the table has what an attacker who read the docstrings would do
to camouflage (no extra visits to the target, more accounts, fewer rigged votes, all three; not
tuned on, reported as they come out; and every vote in the category where the target is strongest,
``camouflage_one_category``, whose ``category`` column names it and the target's offset there) and
two honest checks labelled honest: devoted fans of the
camouflage target (60-150 Elo, and 150-300 Elo to show where taste turns into harm).

Per attack and seed the table prints: vote recall (attack votes invalidated / attack votes; for the
adaptive attacks the rigged votes only), precision (attack-or-cover votes among invalidated votes),
honest votes invalidated (%), honest heavy users (>= 100 votes) flagged, shared addresses flagged,
and the target's rating and rank: true (fit on honest votes only, with its 95 % sandwich interval),
attacked (all votes), cleaned (invalidated votes removed; for the new-account swarm also the
``population_shift`` down-weighted rating) and whether the cleaned rating is inside the true interval;
the attack's shift of the target (attacked - true) against that interval's half-width, and
"harmless at this size" when the shift is inside it. For the honest kinds of
``auditkit.simulate.unseen`` (``UNSEEN_PERSONS`` and the habits that move no model,
``HABIT_PERSONS``) it prints their people flagged and their votes invalidated (%). ``--splits``
runs chosen seed splits only. ``bench/bench_real_dealt.py`` is the same check on the real 140k
log's votes dealt to people of another design.

Every row also runs the population check (``audit_population``) and prints ``puller_flags``: the
models the puller check (:mod:`auditkit.voters.pullers`: a rating resting on a crowd of established
voters who pull for it) holds as provisional; on attack-free and honest rows it must be ``-``. For
the camouflage rows ``puller_dw`` is the target's down-weighted rating under that check and
``pdw_in_CI`` whether it is inside the true interval (the cleaned rating's verdict when the check
flags nothing).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditkit.rules import load_rules  # noqa: E402
from auditkit.voters import audit_voters  # noqa: E402
from auditkit.voters.population import audit_population  # noqa: E402

TUNING_SEEDS = (1, 2, 3)
HELD_OUT_SEEDS = (1001, 1002, 1003)
# Run only to check that nothing honest is flagged (``--never-used``), never looked at while tuning.
NEVER_USED_SEEDS = (2001, 2002, 2003)
HONEST = ("honest", "honest_shared")
# People per unseen honest kind and votes per person at 100k (auditkit.simulate.unseen).
UNSEEN_SIZES = {
    "category_champion": (4, 300),
    "drifting_taste": (4, 300),
    "class_burst": (30, 8),
    "few_categories": (4, 300),
    "bothbad_heavy": (4, 300),
    "length_lover": (4, 300),
    "other_language": (300, 15),
    # Habits that do not say which model is better (auditkit.simulate.unseen.HABIT_PERSONS):
    "tie_drift": (4, 300),
    "never_tie": (4, 300),
    "fast_sessions": (4, 300),
    "shared_account": (4, 200),  # 4 accounts of two people, 400 votes each
    "nat_lab": (10, 30),  # one address, 300 votes in one working day
    "launch_chaser": (60, 10),
    "phone_lefty": (4, 300),
    "style_recogniser": (4, 300),
    "weekend_heavy": (3, 1500),
}


def attack_list(n_honest: int) -> dict[str, Any]:
    """The attacks, one arena each (targets are mid-table models of the preset list)."""
    from auditkit.simulate import (
        OmnipresentStuffing,
        PositionBot,
        RandomBot,
        SybilStuffing,
        TargetStuffing,
    )
    from auditkit.simulate.config import (
        PRESET_MODELS,
        CamouflageStuffing,
        DevotedFans,
        IdentityProbeStuffing,
        NewAccountSwarm,
    )
    from auditkit.simulate.unseen import UnseenHonest

    m = PRESET_MODELS
    scale = max(n_honest / 100_000, 0.3)

    def n(x: int) -> int:
        return round(x * scale)

    return {
        "target_stuffing": TargetStuffing(target=m[7], n_votes=n(600), n_voters=2),
        "omnipresent_stuffing": OmnipresentStuffing(target=m[8], n_votes=n(1500), n_voters=3),
        "sybil_stuffing": SybilStuffing(target=m[9], n_votes=n(900)),
        "position_bot": PositionBot(n_votes=n(600), n_voters=2),
        "random_bot": RandomBot(n_votes=n(600), n_voters=2),
        "camouflage": CamouflageStuffing(target=m[3], n_votes=n(400), n_voters=4),
        "identity_probe_voter": IdentityProbeStuffing(target=m[5], n_votes=n(300), n_voters=3),
        "new_account_swarm": NewAccountSwarm(target=m[11], n_votes=n(1500)),
        # The small swarm (a fifth of the size): is what goes unseen harmless? (bench_swarm `small`)
        "new_account_swarm_small": NewAccountSwarm(target=m[11], n_votes=n(300)),
        # Camouflage as an attacker who read the docstrings would adapt it (reported, not tuned on):
        # no extra visits to the target (target battles at their natural share, so concentration
        # shows nothing), the rigged votes spread over three times as many accounts, a vote for
        # the target on only 60 % of its battles (a smaller pull), and the three at once.
        "camouflage_natural_share": CamouflageStuffing(
            target=m[3], n_votes=n(400), n_voters=4, cover_ratio=5.0
        ),
        "camouflage_12_accounts": CamouflageStuffing(target=m[3], n_votes=n(400), n_voters=12),
        "camouflage_60pct": CamouflageStuffing(
            target=m[3], n_votes=n(400), n_voters=4, recognise=0.6
        ),
        "camouflage_all_three": CamouflageStuffing(
            target=m[3], n_votes=n(400), n_voters=12, cover_ratio=5.0, recognise=0.6
        ),
        # ... and three times its size (36 accounts, same votes each): where "harmless at this
        # size" ends, since per-account evidence does not grow with more accounts.
        "camouflage_all_three_x3": CamouflageStuffing(
            target=m[3], n_votes=n(1200), n_voters=36, cover_ratio=5.0, recognise=0.6
        ),
        # Camouflage whose every vote (rigged and cover) is filed under the category where the
        # target is genuinely strongest (see ONE_CATEGORY): the category-conditioned expectation
        # must not excuse its pull as that category's taste.
        "camouflage_one_category": CamouflageStuffing(target=m[3], n_votes=n(400), n_voters=4),
        # The honest twin of camouflage (labelled honest): heavy users who see the camouflage
        # target 60-150 Elo stronger, at the arena's natural share of its battles.
        "honest_devoted_fans": DevotedFans(model=m[3], n_people=4, n_votes=n(300)),
        # ... and far stronger fans (150-300 Elo), to show where the line between taste and harm
        # falls (a pull that large moves the model's rating as much as stuffing does).
        "honest_devoted_fans_150_300": DevotedFans(
            model=m[3], n_people=4, n_votes=n(300), boost=(150.0, 300.0)
        ),
        # Honest people of kinds the default layer does not draw (auditkit.simulate.unseen; never
        # tuned on): each must keep every vote. The champion is the camouflage target, so the
        # camouflage rows above are measured against the honest voter most like them.
        **{
            f"honest_{person}": UnseenHonest(person=person, model=m[3], n_people=k, n_votes=n(v))
            for person, (k, v) in UNSEEN_SIZES.items()
        },
    }


# Attacks whose votes are re-filed under the target's best category after the arena is drawn
# (auditkit.simulate.recategorise).
ONE_CATEGORY = {"camouflage_one_category"}


def _ratings(battles: Any, keep: np.ndarray | None = None) -> pd.DataFrame:
    from auditkit.ratings import RatingOptions, fit_ratings

    options = RatingOptions(ci="sandwich", anonymous_only=False, anchor=None)
    table = battles if keep is None else battles.with_frame(battles.frame[keep])
    frame = fit_ratings(table, options).to_frame().set_index("model")
    centre = float(frame["rating"].mean())
    out = frame[["rating", "ci_lower", "ci_upper"]] - centre
    out["rank"] = out["rating"].rank(ascending=False, method="min").astype(int)
    return out


def run_one(arena: Any, rules: Any, kind: str | None) -> dict[str, Any]:
    """Audit one arena; every figure of one table row."""
    started = time.perf_counter()
    audit = audit_voters(arena.battles, rules)
    seconds = time.perf_counter() - started
    frame = arena.battles.frame
    ids = frame["vote_id"].astype(str).to_numpy()
    labels = arena.truth.vote_labels.drop_duplicates("vote_id").set_index("vote_id")["label"]
    label = labels.reindex(ids).to_numpy()
    flagged = np.isin(ids, audit.vote_flags["vote_id"].astype(str).to_numpy())
    honest = np.isin(label, HONEST)
    voters = arena.truth.voter_labels
    ev = audit.evidence
    bad = set(ev.loc[ev["flagged"].astype(bool) | ev["flagged_group"].astype(bool), "voter"])
    heavy = voters[(voters["label"] == "honest") & (voters["n_votes"] >= 100)]["voter"]
    shared = voters[voters["role"] == "shared"]["voter"]
    devoted = voters[voters["role"] == "devoted_fan"]["voter"]
    row: dict[str, Any] = {
        "votes": len(ids),
        "honest_invalidated_%": 100.0 * float((flagged & honest).sum()) / max(int(honest.sum()), 1),
        "heavy_flagged": f"{len(set(heavy) & bad)}/{len(heavy)}",
        "shared_flagged": f"{len(set(shared) & bad)}/{len(shared)}",
        "audit_s": seconds,
    }
    if len(devoted):
        row["devoted_flagged"] = f"{len(set(devoted) & bad)}/{len(devoted)}"
    unseen = voters[voters["role"].astype(str).str.startswith("unseen_")]["voter"]
    if len(unseen):
        theirs = np.isin(frame["voter"].astype(str).to_numpy(), unseen.astype(str).to_numpy())
        row["unseen_flagged"] = f"{len(set(unseen) & bad)}/{len(unseen)}"
        row["unseen_invalidated_%"] = (
            100.0 * float((flagged & theirs).sum()) / max(int(theirs.sum()), 1)
        )
        model = next((a.get("models") for a in arena.truth.attacks if a["kind"] == kind), None)
        if model:
            # What these honest people do to their model's rating (all votes against all votes
            # but theirs): invalidating them would move it back by as much.
            without = _ratings(arena.battles, ~theirs)
            full = _ratings(arena.battles)
            lo, hi = without.loc[model[0], "ci_lower"], without.loc[model[0], "ci_upper"]
            pull = float(full.loc[model[0], "rating"] - without.loc[model[0], "rating"])
            row["their_shift/half_width"] = f"{pull:+.1f}/{(hi - lo) / 2:.1f}"
    population = audit_population(arena.battles, rules)
    provisional = population.puller_flagged_models
    row["puller_flags"] = ",".join(m[:12] for m in provisional) if provisional else "-"
    if kind is None or kind.startswith("honest"):
        return row
    mine = label == kind
    attackish = ~honest
    row["recall"] = float((flagged & mine).sum()) / max(int(mine.sum()), 1)
    row["precision"] = float((flagged & attackish).sum()) / max(int(flagged.sum()), 1)
    record = next((a for a in arena.truth.attacks if a["kind"] == kind), {})
    target = record.get("target")
    if target:
        true = _ratings(arena.battles, honest)
        dirty = _ratings(arena.battles)
        cleaned = _ratings(arena.battles, ~flagged)
        lo, hi = true.loc[target, "ci_lower"], true.loc[target, "ci_upper"]
        after = float(cleaned.loc[target, "rating"])
        # Harm at this size: how far the attack moves the target against the clean interval's
        # half-width (a move inside it is "harmless at this size": the honest votes alone could
        # have put the target there).
        shift = float(dirty.loc[target, "rating"] - true.loc[target, "rating"])
        half = float(hi - lo) / 2.0
        row.update(
            {
                "true": f"{true.loc[target, 'rating']:+.0f} #{true.loc[target, 'rank']}",
                "attacked": f"{dirty.loc[target, 'rating']:+.0f} #{dirty.loc[target, 'rank']}",
                "cleaned": f"{after:+.0f} #{cleaned.loc[target, 'rank']}",
                "in_CI": bool(lo <= after <= hi),
                "shift/half_width": f"{shift:+.1f}/{half:.1f}",
                # Omnipresent rigging lowers the target's rivals, not its own rating: see rank.
                "harm": "see rank"
                if kind == "omnipresent_stuffing"
                else ("harmful" if abs(shift) > half else "harmless at this size"),
            }
        )
        if population.pullers is not None and target in population.puller_flagged_models:
            # The puller check's down-weighted rating (voters/pullers.py), on its own.
            values = pd.Series(population.pullers.down_weighted_ratings)
            pw = float(values[target] - values.mean())
            row["puller_dw"] = f"{pw:+.0f}"
            row["pdw_in_CI"] = bool(lo <= pw <= hi)
        elif kind.startswith("camouflage"):
            row["puller_dw"] = "not flagged"
            row["pdw_in_CI"] = bool(lo <= after <= hi)
        if kind.startswith("new_account_swarm"):
            weighted = population.down_weighted_ratings
            if weighted:
                values = pd.Series(weighted)
                w = float(values[target] - values.mean())
                row["down_weighted"] = f"{w:+.0f}"
                row["dw_in_CI"] = bool(lo <= w <= hi)
            else:
                row["down_weighted"] = "not flagged"
                row["dw_in_CI"] = bool(lo <= after <= hi)
    return row


def bench(
    n_honest: int,
    seeds: dict[str, tuple[int, ...]],
    rules: Any,
    only: set[str] | None = None,
    attack_free: bool = True,
) -> None:
    from auditkit.simulate import ArenaConfig, simulate_arena
    from auditkit.simulate.config import PRESET_MODELS
    from auditkit.simulate.recategorise import in_best_category

    attacks = {k: v for k, v in attack_list(n_honest).items() if only is None or k in only}
    free_rows = []
    for split, group in seeds.items() if attack_free else ():
        for seed in group:
            arena = simulate_arena(ArenaConfig(n_battles=n_honest, models=PRESET_MODELS), seed)
            free_rows.append({"split": split, "seed": seed, **run_one(arena, rules, None)})
    if free_rows:
        print(f"\n== attack-free arenas ({n_honest:,} votes each) ==")
        print(pd.DataFrame(free_rows).to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    for kind, attack in attacks.items():
        rows = []
        for split, group in seeds.items():
            for seed in group:
                n_attack = (
                    int(getattr(attack, "n_votes", 0))
                    * (1 + round(getattr(attack, "cover_ratio", getattr(attack, "probe_cover", 0))))
                    * int(getattr(attack, "n_people", 1))
                    * (2 if getattr(attack, "person", "") == "shared_account" else 1)
                )
                config = ArenaConfig(
                    n_battles=n_honest + n_attack + 10, models=PRESET_MODELS, attacks=(attack,)
                )
                arena = simulate_arena(config, seed)
                extra: dict[str, Any] = {}
                if kind in ONE_CATEGORY:
                    arena, category, offset = in_best_category(arena, attack.target)
                    extra = {"category": f"{category} ({offset:+.0f} Elo)"}
                row = run_one(arena, rules, attack.kind)
                rows.append({"split": split, "seed": seed, **extra, **row})
        print(f"\n== {kind} ==")
        print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:.4f}"))


def timing(n_votes: int, n_voters: int, rules: Any) -> None:
    from auditkit.simulate import ArenaConfig, simulate_arena
    from auditkit.stats import voter_tests as vt

    config = ArenaConfig(n_battles=n_votes, n_models=40, n_voters=n_voters)
    table = simulate_arena(config, seed=0).battles
    frame = table.frame
    started = time.perf_counter()
    frame.groupby("voter", observed=True)["winner"].value_counts()
    groupby_s = time.perf_counter() - started
    started = time.perf_counter()
    codes, _ = pd.factorize(frame["voter"])
    pair = pd.factorize(frame["model_a"].astype(str) + "|" + frame["model_b"].astype(str))[0]
    order = np.argsort(codes, kind="stable")
    score = np.where(
        frame["winner"] == "model_a", 1.0, np.where(frame["winner"] == "model_b", 0, 0.5)
    )
    vt.arena_consistency_test(
        codes[order].astype(np.int64),
        pair[order].astype(np.int64),
        score[order],
        int(codes.max()) + 1,
    )
    paper_s = time.perf_counter() - started
    started = time.perf_counter()
    cpu_started = time.process_time()
    audit = audit_voters(table, rules)
    audit_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    print(
        f"timing: {n_votes:,} votes, {n_voters:,} voters, 40 models: whole voter audit {audit_s:.1f} s "
        f"wall, {cpu_s:.1f} s CPU (on a shared machine the CPU time is the steadier figure) "
        f"({audit.stats['voters_audited']:,} voters audited, {audit.stats['exact_refits']} exact "
        f"refits); baselines: pandas groupby pass {groupby_s:.2f} s (ratio {audit_s / groupby_s:.1f}x), "
        f"paper's test alone {paper_s:.2f} s (ratio {audit_s / paper_s:.1f}x); target < 60 s: "
        f"{'OK' if audit_s < 60 else 'MISSED'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="30k-vote arenas, one seed per split")
    parser.add_argument("--no-timing", action="store_true", help="skip the 1M-vote timing run")
    parser.add_argument("--attacks", default=None, help="comma-separated attack names to run")
    parser.add_argument(
        "--timing-votes", default=None, help="votes in the timing run (e.g. 3e6; voters: a fifth)"
    )
    parser.add_argument(
        "--never-used", action="store_true", help="also the never-used seeds 2001-2003"
    )
    parser.add_argument(
        "--splits",
        default=None,
        help="comma-separated seed splits to run (tuning, held-out, never-used); default: "
        "tuning and held-out (plus never-used with --never-used)",
    )
    args = parser.parse_args()
    rules = load_rules(ROOT / "rules")
    only = set(args.attacks.split(",")) if args.attacks else None
    if args.quick:
        seeds = {"tuning": TUNING_SEEDS[:1], "held-out": HELD_OUT_SEEDS[:1]}
        bench(30_000, seeds, rules, only)
    else:
        seeds = {"tuning": TUNING_SEEDS, "held-out": HELD_OUT_SEEDS}
        if args.never_used:
            seeds["never-used"] = NEVER_USED_SEEDS
        if args.splits:
            every = {"tuning": TUNING_SEEDS, "held-out": HELD_OUT_SEEDS}
            every["never-used"] = NEVER_USED_SEEDS
            wanted = args.splits.split(",")
            unknown = sorted(set(wanted) - set(every))
            if unknown:
                parser.error(f"--splits: unknown split(s) {', '.join(unknown)}")
            seeds = {name: every[name] for name in wanted}
        bench(100_000, seeds, rules, only, attack_free=only is None or "attack_free" in only)
    if not args.no_timing:
        if args.timing_votes:
            n = int(float(args.timing_votes))
            timing(n, n // 5, rules)
        elif args.quick:
            timing(100_000, 20_000, rules)
        else:
            timing(1_000_000, 200_000, rules)
    return 0


if __name__ == "__main__":
    sys.exit(main())

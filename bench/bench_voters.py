"""Voter-anomaly benchmark: detection quality on simulated attacks, FDR on clean arenas, speed at 1M.

Run: ``.venv/bin/python bench/bench_voters.py`` (full: >= 100k honest votes x 3 seeds, and 1M votes /
200k voters for timing) or ``--quick`` (smaller, for ``bench/run_all.py``).

Prints
1. per attack kind: vote-level recall, precision (share of the flagged votes from that kind's voters
   that are attack votes) and the share of honest votes invalidated, summed over seeds;
2. honest heavy users (>= 200 honest votes) flagged, and shared-address (several honest people behind
   one id) votes flagged;
3. attack-free arenas: voters flagged (every flag is a false discovery; the FDR bound says the chance
   of any flag is <= fdr under the global null);
4. the target's rating after invalidation vs the clean-only fit's CI (``auditkit.ratings``);
5. time of the whole voter audit on a simulated arena of 1M votes / 200k voters / 40 models, with
   ratios against baselines measured in the same run (one pandas groupby pass over the votes; the
   Chatbot Arena paper's test alone).
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

ATTACK_LABELS = (
    "target_stuffing",
    "omnipresent_stuffing",
    "sybil_stuffing",
    "position_bot",
    "random_bot",
)


def attacked_config(n_honest: int, seed: int) -> Any:
    from auditkit.simulate import (
        ArenaConfig,
        OmnipresentStuffing,
        PositionBot,
        RandomBot,
        SharedAddress,
        SybilStuffing,
        TargetStuffing,
    )
    from auditkit.simulate.config import PRESET_MODELS

    m = PRESET_MODELS
    attacks = (
        TargetStuffing(target=m[7], n_votes=600, n_voters=2),
        OmnipresentStuffing(target=m[8], n_votes=1500, n_voters=3),
        SybilStuffing(target=m[9], n_votes=900),
        PositionBot(n_votes=600, n_voters=2),
        RandomBot(n_votes=600, n_voters=2),
        SharedAddress(n_people=5, n_votes=600),
    )
    n_attack = 600 + 1500 + 900 + 600 + 600
    return ArenaConfig(n_battles=n_honest + n_attack + 600, models=m, attacks=attacks)


def evaluate(arena: Any, rules: Any) -> dict[str, Any]:
    """Vote-level recall/precision per attack and honest false positives for one arena."""
    started = time.perf_counter()
    audit = audit_voters(arena.battles, rules)
    audit_s = time.perf_counter() - started
    labels = arena.truth.vote_labels[["vote_id", "label"]].copy()
    frame = arena.battles.frame[["vote_id", "voter"]].astype(str)
    labels = labels.merge(frame, on="vote_id", how="left")
    flagged = set(audit.vote_flags["vote_id"].astype(str))
    labels["flagged"] = labels["vote_id"].isin(flagged)
    # The Chatbot Arena paper's test as a baseline: its per-voter flag at alpha, no FDR control,
    # read literally (as the detector reports it) and with the rarity ranking.
    ev = audit.evidence
    alpha = float(rules.section("voters")["tests"]["arena_consistency"]["alpha"])
    paper = set(ev.loc[ev["p_arena_consistency"] <= alpha, "voter"].astype(str))
    labels["paper_flagged"] = labels["voter"].isin(paper)
    labels["rarity_flagged"] = labels["voter"].isin(_paper_rarity(arena.battles, ev, alpha))
    out: dict[str, Any] = {"labels": labels, "audit": audit, "seconds": audit_s}
    # Which voters belong to which attack (the label of most of their votes).
    counts = labels.groupby(["voter", "label"]).size().reset_index(name="n")
    counts = counts.sort_values(["voter", "n", "label"], ascending=[True, False, True])
    voter_label = counts.drop_duplicates("voter").set_index("voter")["label"]
    labels["voter_label"] = labels["voter"].map(voter_label)
    return out


def _paper_rarity(battles: Any, evidence: pd.DataFrame, alpha: float) -> set[str]:
    """Voters the paper's test flags with rarity ranking (audited voters only, as the detector)."""
    from auditkit.schema import outcome_for_a
    from auditkit.stats import voter_tests as vt

    frame = battles.frame.sort_values(["voter", "tstamp", "vote_id"], kind="stable")
    codes, names = pd.factorize(frame["voter"].astype(str), sort=True)
    lo = np.minimum(frame["model_a"].astype(str), frame["model_b"].astype(str))
    hi = np.maximum(frame["model_a"].astype(str), frame["model_b"].astype(str))
    pair = pd.factorize(lo + "|" + hi)[0].astype(np.int64)
    score = outcome_for_a(frame["winner"].astype(object).to_numpy())
    score = np.where(frame["model_a"].astype(str).to_numpy() == lo.to_numpy(), score, 1 - score)
    order = np.argsort(codes, kind="stable")
    p, _ = vt.arena_consistency_test(
        codes[order].astype(np.int64), pair[order], score[order], len(names), rank="rarity"
    )
    audited = set(evidence["voter"].astype(str))
    return {str(v) for v, pv in zip(names, p, strict=True) if pv <= alpha and str(v) in audited}


def quality_table(runs: list[dict[str, Any]]) -> pd.DataFrame:
    labels = pd.concat([r["labels"] for r in runs], ignore_index=True)
    rows = []
    honest = labels["label"] == "honest"
    for kind in (*ATTACK_LABELS, "honest_shared"):
        mine = labels["label"] == kind
        if not mine.any():
            continue
        from_voters = labels["voter_label"] == kind
        flagged_here = labels["flagged"] & (from_voters | mine)
        rows.append(
            {
                "attack": kind,
                "votes": int(mine.sum()),
                "flagged": int((labels["flagged"] & mine).sum()),
                "recall": float((labels["flagged"] & mine).sum() / mine.sum()),
                "precision": float((labels["flagged"] & mine).sum() / max(flagged_here.sum(), 1)),
                "paper_recall": float((labels["paper_flagged"] & mine).sum() / mine.sum()),
                "paper_rarity_recall": float((labels["rarity_flagged"] & mine).sum() / mine.sum()),
            }
        )
    table = pd.DataFrame(rows)
    n_honest = int(honest.sum())
    fp = int((labels["flagged"] & honest).sum())
    print(f"honest votes: {n_honest:,}, invalidated: {fp:,} ({100 * fp / max(n_honest, 1):.4f} %)")
    for column, name in (("paper_flagged", "literal"), ("rarity_flagged", "rarity")):
        paper_fp = int((labels[column] & honest).sum())
        print(
            f"paper's test ({name} ranking, baseline) would flag {paper_fp:,} honest votes "
            f"({100 * paper_fp / max(n_honest, 1):.4f} %)"
        )
    total_flagged = int(labels["flagged"].sum())
    attack = labels["label"].isin(ATTACK_LABELS)
    print(
        f"overall precision: {(labels['flagged'] & attack).sum() / max(total_flagged, 1):.4f} "
        f"({total_flagged:,} votes invalidated)"
    )
    return table


def heavy_users(runs: list[dict[str, Any]]) -> None:
    flagged_heavy = 0
    n_heavy = 0
    shared_flagged = 0
    for run in runs:
        labels = run["labels"]
        honest = labels[labels["voter_label"].isin(["honest", "honest_shared"])]
        counts = honest.groupby("voter").size()
        heavy = set(counts[counts >= 200].index)
        ev = run["audit"].evidence
        bad = set(ev.loc[ev["flagged"] | ev["flagged_group"], "voter"].astype(str))
        n_heavy += len(heavy)
        flagged_heavy += len(heavy & bad)
        shared = labels[labels["label"] == "honest_shared"]
        shared_flagged += int(shared["flagged"].sum())
    print(f"honest heavy users (>= 200 votes): {n_heavy}, flagged: {flagged_heavy}")
    fdp = []
    for run in runs:
        ev = run["audit"].evidence
        bad = ev.loc[ev["flagged"] | ev["flagged_group"], "voter"].astype(str)
        vl = run["labels"].drop_duplicates("voter").set_index("voter")["voter_label"]
        honest_bad = int(vl.reindex(bad).isin(["honest", "honest_shared"]).sum())
        fdp.append(f"{honest_bad}/{len(bad)}")
    print(
        f"false discoveries among flagged voters per seed (honest/flagged; FDR target 0.01): {fdp}"
    )
    print(f"shared-address honest votes flagged: {shared_flagged}")


def clean_arenas(n: int, seeds: list[int], rules: Any) -> None:
    from auditkit.simulate import ArenaConfig, simulate_arena
    from auditkit.simulate.config import PRESET_MODELS

    flagged = []
    audited = []
    for seed in seeds:
        arena = simulate_arena(ArenaConfig(n_battles=n, models=PRESET_MODELS), seed=seed)
        audit = audit_voters(arena.battles, rules)
        ev = audit.evidence
        flagged.append(int((ev["flagged"] | ev["flagged_group"]).sum()))
        audited.append(len(ev))
    print(
        f"attack-free arenas ({n:,} votes x {len(seeds)} seeds): voters audited {audited}, "
        f"flagged {flagged} (any flag is false; FDR bound: P(any) <= {rules.section('voters')['fdr']})"
    )


def rating_recovery(run: dict[str, Any], arena: Any) -> None:
    try:
        from auditkit.ratings import RatingOptions, fit_ratings
    except ImportError:
        print("rating recovery: auditkit.ratings not available")
        return
    labels = run["labels"]
    frame = arena.battles.frame
    honest_ids = set(labels.loc[labels["label"].isin(["honest", "honest_shared"]), "vote_id"])
    flagged = set(run["audit"].vote_flags["vote_id"].astype(str))
    ids = frame["vote_id"].astype(str)
    options = RatingOptions(ci="sandwich", anonymous_only=False)
    clean = fit_ratings(arena.battles.with_frame(frame[ids.isin(honest_ids)]), options)
    dirty = fit_ratings(arena.battles, options)
    cleaned = fit_ratings(arena.battles.with_frame(frame[~ids.isin(flagged)]), options)
    cf = clean.to_frame().set_index("model")
    print("target         clean [CI]                 attacked   cleaned   within clean CI")
    for attack in arena.truth.attacks:
        target = attack.get("target") or attack.get("params", {}).get("target")
        if not target or target not in cf.index:
            continue
        lo, hi = cf.loc[target, "ci_lower"], cf.loc[target, "ci_upper"]
        after = cleaned.rating_of(target)
        print(
            f"{target[:14]:14s} {cf.loc[target, 'rating']:.1f} [{lo:.1f}, {hi:.1f}]   "
            f"{dirty.rating_of(target):9.1f} {after:9.1f}   {lo <= after <= hi}"
        )


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
    audit = audit_voters(table, rules)
    audit_s = time.perf_counter() - started
    print(
        f"timing: {n_votes:,} votes, {n_voters:,} voters, 40 models: whole voter audit {audit_s:.1f} s "
        f"({audit.stats['voters_audited']:,} voters audited, {audit.stats['exact_refits']} exact "
        f"refits); baselines: pandas groupby pass {groupby_s:.2f} s (ratio {audit_s / groupby_s:.1f}x), "
        f"paper's test alone {paper_s:.2f} s (ratio {audit_s / paper_s:.1f}x); target < 60 s: "
        f"{'OK' if audit_s < 60 else 'MISSED'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller arenas, one seed")
    args = parser.parse_args()
    rules = load_rules(ROOT / "rules")
    from auditkit.simulate import simulate_arena

    n_honest = 30_000 if args.quick else 100_000
    seeds = [0] if args.quick else [0, 1, 2]
    runs = []
    arenas = []
    for seed in seeds:
        started = time.perf_counter()
        arena = simulate_arena(attacked_config(n_honest, seed), seed=seed)
        sim_s = time.perf_counter() - started
        runs.append(evaluate(arena, rules))
        arenas.append(arena)
        print(
            f"seed {seed}: {len(arena.battles):,} votes simulated in {sim_s:.1f} s, "
            f"voter audit {runs[-1]['seconds']:.1f} s"
        )
    table = quality_table(runs)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    heavy_users(runs)
    clean_arenas(n_honest, seeds if not args.quick else [0], rules)
    if not args.quick:
        clean_arenas(30_000, list(range(100, 120)), rules)
    rating_recovery(runs[0], arenas[0])
    if args.quick:
        timing(100_000, 20_000, rules)
    else:
        timing(1_000_000, 200_000, rules)
    return 0


if __name__ == "__main__":
    sys.exit(main())

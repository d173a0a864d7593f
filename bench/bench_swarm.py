"""Population check benchmark: new-account swarms (and what an informed attacker would try).

Run: ``.venv/bin/python bench/bench_swarm.py`` (100k-vote arenas; tuning seeds 1-3, held-out seeds
1001-1003, attack-free seeds 1-3, 1001-1003 and 2001-2003) or ``--quick`` (one seed of each, 100k
votes, the default swarm only). ``--variants`` and ``--free`` choose what runs.

Every arena uses the simulator's default heterogeneous honest layer and one swarm
(:class:`auditkit.simulate.config.NewAccountSwarm`), alone, so the target's rating is its doing:

- ``swarm``: 1,500 votes for the target from accounts of 1-4 votes each, over the whole month;
- ``thin``: 750 one-vote accounts over 90 days (half the votes, no account with two);
- ``mixed``: 1,500 rigged votes plus as many honest-looking votes on other battles in the same
  accounts (no account is all wins);
- ``sink``: 1,500 votes *against* a rival (pull it down instead of lifting the target);
- ``bursts``: the default swarm arriving in three two-day bursts;
- ``small``: 300 votes (a fifth of the default: is what goes unseen harmless?);
- ``split``: two swarms of 750 votes each on two targets (half the size per model).

``--coverage N`` adds N more held-out seeds (5001, ...) per variant, and N attack-free arenas of 30
and of 90 days, and prints only the share of them with the down-weighted rating inside the clean
interval (attack-free: flagged models): the corrected rating carries the excess estimate's own error
(its standard error, ~60-150 votes here, is worth a few Elo, about the interval's half-width), so a
rate over many seeds says more than six seeds do.

Per arena: the target's true rating (fit on honest votes only) and its 95 % sandwich interval,
the attacked rating (all votes), the ``population_shift`` verdict (flagged models) and the
down-weighted rating (``down_weighted_ratings``; the attacked rating when nothing is flagged) with
its spread from the excess estimate's standard error (``±``), whether it is inside the true
interval, the swarm's size removed against the truth and the all-win floor under it, and
``harmless``: the attack moved the rating by less than the clean interval's half-width. Attack-
free arenas: the flagged models (must be none; ``pullers``: the puller check of
:mod:`auditkit.voters.pullers`, must be none too) and the largest move of any model's rating by the
check (must be zero). Ratings are centred on the mean over models.

Seeds: the estimator was built looking at tuning seeds 1-3 only; 1001-1003 and the attack-free
2001-2003 are held out and reported separately.
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
from auditkit.voters.population import audit_population  # noqa: E402

TUNING_SEEDS: tuple[int, ...] = (1, 2, 3)
HELD_OUT_SEEDS: tuple[int, ...] = (1001, 1002, 1003)
FREE_SEEDS: dict[str, tuple[int, ...]] = {
    "tuning": (1, 2, 3),
    "held-out": (1001, 1002, 1003, 2001, 2002, 2003),
}
HONEST = ("honest", "honest_shared")
N_HONEST = 100_000


def variants() -> dict[str, tuple[tuple[Any, ...], dict[str, Any]]]:
    """Each variant: its attacks and extra ``ArenaConfig`` keywords."""
    from auditkit.simulate.config import PRESET_MODELS, NewAccountSwarm

    m = PRESET_MODELS
    return {
        "swarm": ((NewAccountSwarm(target=m[11], n_votes=1500),), {}),
        "thin": (
            (NewAccountSwarm(target=m[11], n_votes=750, max_votes_per_account=1),),
            {"days": 90.0},
        ),
        "mixed": ((NewAccountSwarm(target=m[11], n_votes=1500, cover_ratio=1.0),), {}),
        "sink": ((NewAccountSwarm(target=m[10], n_votes=1500, direction="sink"),), {}),
        "bursts": ((NewAccountSwarm(target=m[11], n_votes=1500, bursts=3),), {}),
        "small": ((NewAccountSwarm(target=m[11], n_votes=300),), {}),
        "split": (
            (
                NewAccountSwarm(target=m[11], n_votes=750),
                NewAccountSwarm(target=m[9], n_votes=750),
            ),
            {},
        ),
    }


def _ratings(battles: Any, keep: np.ndarray | None = None) -> pd.DataFrame:
    from auditkit.ratings import RatingOptions, fit_ratings

    options = RatingOptions(ci="sandwich", anonymous_only=False, anchor=None)
    table = battles if keep is None else battles.with_frame(battles.frame[keep])
    frame = fit_ratings(table, options).to_frame().set_index("model")
    centre = float(frame["rating"].mean())
    return frame[["rating", "ci_lower", "ci_upper"]] - centre


def _labels(arena: Any) -> np.ndarray:
    ids = arena.battles.frame["vote_id"].astype(str).to_numpy()
    labels = arena.truth.vote_labels.drop_duplicates("vote_id").set_index("vote_id")["label"]
    return np.asarray(labels.reindex(ids).to_numpy())


def attacked_rows(arena: Any, rules: Any, targets: list[str]) -> list[dict[str, Any]]:
    started = time.perf_counter()
    population = audit_population(arena.battles, rules)
    seconds = time.perf_counter() - started
    label = _labels(arena)
    true = _ratings(arena.battles, np.isin(label, HONEST))
    dirty = _ratings(arena.battles)
    return [_target_row(arena, population, true, dirty, label, t, seconds) for t in targets]


def _target_row(
    arena: Any,
    population: Any,
    true: pd.DataFrame,
    dirty: pd.DataFrame,
    label: np.ndarray,
    target: str,
    seconds: float,
) -> dict[str, Any]:
    t = true.loc[target]
    lo, hi, mid = float(t["ci_lower"]), float(t["ci_upper"]), float(t["rating"])
    weighted = population.down_weighted_ratings
    if weighted:
        values = pd.Series(weighted)
        after = float(values[target] - values.mean())
    else:
        after = float(dirty["rating"].loc[target])
    excess = population.stats.get("excess", {}).get(target, {})
    attacked = float(dirty["rating"].loc[target])
    # Swarm votes in this target's battles (a split arena has two swarms).
    frame = arena.battles.frame
    in_battles = (frame["model_a"].astype(str) == target) | (frame["model_b"].astype(str) == target)
    return {
        "target": target,
        "true": f"{mid:+.0f} [{lo:+.0f},{hi:+.0f}]",
        "attacked": f"{attacked:+.0f}",
        "harmless": bool(abs(attacked - mid) < (hi - lo) / 2.0),
        "flagged": ",".join(population.flagged_models) or "-",
        # The puller check (voters/pullers.py) must stay quiet: swarm accounts have too few votes.
        "pullers": ",".join(population.puller_flagged_models) or "-",
        "down_weighted": f"{after:+.1f} ± {float(excess.get('rating_se_elo', 0.0)):.1f}",
        "in_CI": bool(lo <= after <= hi),
        "swarm_votes": int(((label == "new_account_swarm") & in_battles.to_numpy()).sum()),
        "removed": round(float(excess.get("removed", 0.0))),
        "floor": round(float(excess.get("all_win_floor", 0.0))),
        "check_s": round(seconds, 2),
    }


def free_row(arena: Any, rules: Any) -> dict[str, Any]:
    population = audit_population(arena.battles, rules)
    table = population.table
    moved = 0.0
    if population.down_weighted_ratings:
        w = pd.Series(population.down_weighted_ratings)
        r = table.set_index("model")["rating_all"]
        moved = float(((w - w.mean()) - (r - r.mean())).abs().max())
    return {
        "flagged": ",".join(population.flagged_models) or "-",
        # The puller check (voters/pullers.py) on the same honest arena: must flag no model.
        "pullers": ",".join(population.puller_flagged_models) or "-",
        "max_rating_move": round(moved, 2),
        "min_q": float(table["q_value"].min()) if len(table) else 1.0,
        "phi": round(float(population.stats.get("phi", 0.0)), 3),
        "count_phi": round(float(population.stats.get("count_phi", 0.0)), 3),
    }


def main() -> int:
    from auditkit.simulate import ArenaConfig, simulate_arena
    from auditkit.simulate.config import PRESET_MODELS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one seed per split, swarm only")
    parser.add_argument("--variants", default="", help="comma list (default: all)")
    parser.add_argument("--free", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--attacked", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--coverage",
        type=int,
        default=0,
        help="also N more held-out seeds (5001...) per variant: share inside the interval",
    )
    args = parser.parse_args()
    rules = load_rules(ROOT / "rules")
    chosen = variants()
    if args.variants:
        chosen = {k: v for k, v in chosen.items() if k in args.variants.split(",")}
    elif args.quick:
        chosen = {"swarm": chosen["swarm"]}
    seeds: dict[str, tuple[int, ...]] = {"tuning": TUNING_SEEDS, "held-out": HELD_OUT_SEEDS}
    free = FREE_SEEDS
    if args.quick:
        seeds = {k: v[:1] for k, v in seeds.items()}
        free = {k: v[:1] for k, v in free.items()}
    if args.coverage:
        seeds["coverage"] = tuple(range(5001, 5001 + args.coverage))
    if args.attacked:
        for name, (attacks, extra) in chosen.items():
            rows = []
            for split, group in seeds.items():
                for seed in group:
                    n = N_HONEST + sum(
                        x.n_votes + round(x.n_votes * x.cover_ratio) for x in attacks
                    )
                    config = ArenaConfig(
                        n_battles=n, models=PRESET_MODELS, attacks=attacks, **extra
                    )
                    arena = simulate_arena(config, seed)
                    targets = [x.target for x in attacks]
                    for row in attacked_rows(arena, rules, targets):
                        rows.append({"split": split, "seed": seed, **row})
            print(f"\n== {name}: {'; '.join(str(x) for x in attacks)} ==")
            table = pd.DataFrame(rows)
            print(table[table["split"] != "coverage"].to_string(index=False))
            for split, group in table.groupby("split", sort=False):
                print(
                    f"{split}: down-weighted (or unflagged) rating inside the clean 95 % interval "
                    f"on {int(group['in_CI'].sum())}/{len(group)} targets; flagged on "
                    f"{int((group['flagged'] != '-').sum())}/{len(group)}; outside but harmless "
                    f"(moved less than the half-width) on "
                    f"{int((~group['in_CI'] & group['harmless']).sum())}"
                )
    if args.free:
        rows = []
        runs = [(split, seed, 30.0) for split, group in free.items() for seed in group]
        if args.coverage:
            cover = range(5001, 5001 + args.coverage)
            runs += [("coverage", seed, days) for days in (30.0, 90.0) for seed in cover]
        for split, seed, days in runs:
            config = ArenaConfig(n_battles=N_HONEST, models=PRESET_MODELS, days=days)
            arena = simulate_arena(config, seed)
            rows.append({"split": split, "seed": seed, "days": days, **free_row(arena, rules)})
        table = pd.DataFrame(rows)
        print(f"\n== attack-free arenas ({N_HONEST:,} votes each) ==")
        print(table[table["split"] != "coverage"].to_string(index=False))
        for split, group in table.groupby("split", sort=False):
            print(
                f"{split}: a model flagged on {int((group['flagged'] != '-').sum())}/{len(group)}"
                f" arenas (puller check: {int((group['pullers'] != '-').sum())}/{len(group)})"
                f"; largest rating move {group['max_rating_move'].max():.2f}; lowest q "
                f"{group['min_q'].min():.4f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

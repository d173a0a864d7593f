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
- ``bursts``: the default swarm arriving in three two-day bursts.

``--coverage N`` adds N more held-out seeds (5001, ...) per variant and prints only the share of
them with the down-weighted rating inside the clean interval: the corrected rating carries the
excess estimate's own error (its standard error, ~100-150 votes here, is worth a few Elo, about the
interval's half-width), so a rate over many seeds says more than six seeds do.

Per arena: the target's true rating (fit on honest votes only) and its 95 % sandwich interval,
the attacked rating (all votes), the ``population_shift`` verdict (flagged models) and the
down-weighted rating (``down_weighted_ratings``; the attacked rating when nothing is flagged),
whether it is inside the true interval, and the swarm's estimated size against the truth. Attack-
free arenas: the flagged models (must be none) and the largest move of any model's rating by the
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


def variants() -> dict[str, tuple[Any, dict[str, Any]]]:
    """Each variant: the attack and extra ``ArenaConfig`` keywords."""
    from auditkit.simulate.config import PRESET_MODELS, NewAccountSwarm

    m = PRESET_MODELS
    return {
        "swarm": (NewAccountSwarm(target=m[11], n_votes=1500), {}),
        "thin": (
            NewAccountSwarm(target=m[11], n_votes=750, max_votes_per_account=1),
            {"days": 90.0},
        ),
        "mixed": (NewAccountSwarm(target=m[11], n_votes=1500, cover_ratio=1.0), {}),
        "sink": (NewAccountSwarm(target=m[10], n_votes=1500, direction="sink"), {}),
        "bursts": (NewAccountSwarm(target=m[11], n_votes=1500, bursts=3), {}),
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


def attacked_row(arena: Any, rules: Any, target: str) -> dict[str, Any]:
    started = time.perf_counter()
    population = audit_population(arena.battles, rules)
    seconds = time.perf_counter() - started
    label = _labels(arena)
    true = _ratings(arena.battles, np.isin(label, HONEST))
    dirty = _ratings(arena.battles)
    t = true.loc[target]
    lo, hi, mid = float(t["ci_lower"]), float(t["ci_upper"]), float(t["rating"])
    weighted = population.down_weighted_ratings
    if weighted:
        values = pd.Series(weighted)
        after = float(values[target] - values.mean())
    else:
        after = float(dirty["rating"].loc[target])
    voters = arena.truth.voter_labels
    return {
        "true": f"{mid:+.0f} [{lo:+.0f},{hi:+.0f}]",
        "attacked": f"{float(dirty['rating'].loc[target]):+.0f}",
        "flagged": ",".join(population.flagged_models) or "-",
        "down_weighted": f"{after:+.0f}",
        "in_CI": bool(lo <= after <= hi),
        "swarm_votes": int((label == "new_account_swarm").sum()),
        "est_votes": population.stats.get("swarm_votes_estimated", 0.0),
        "swarm_accounts": int((voters["label"] == "new_account_swarm").sum()),
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
        "max_rating_move": round(moved, 2),
        "min_q": float(table["q_value"].min()) if len(table) else 1.0,
        "phi": round(float(population.stats.get("phi", 0.0)), 3),
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
        for name, (attack, extra) in chosen.items():
            rows = []
            for split, group in seeds.items():
                for seed in group:
                    n = N_HONEST + attack.n_votes + round(attack.n_votes * attack.cover_ratio)
                    config = ArenaConfig(
                        n_battles=n, models=PRESET_MODELS, attacks=(attack,), **extra
                    )
                    arena = simulate_arena(config, seed)
                    row = attacked_row(arena, rules, attack.target)
                    rows.append({"split": split, "seed": seed, **row})
            print(f"\n== {name}: {attack} ==")
            table = pd.DataFrame(rows)
            print(table[table["split"] != "coverage"].to_string(index=False))
            for split, group in table.groupby("split", sort=False):
                print(
                    f"{split}: down-weighted (or unflagged) rating inside the clean 95 % interval "
                    f"on {int(group['in_CI'].sum())}/{len(group)} seeds; flagged on "
                    f"{int((group['flagged'] != '-').sum())}/{len(group)}"
                )
    if args.free:
        rows = []
        for split, group in free.items():
            for seed in group:
                arena = simulate_arena(ArenaConfig(n_battles=N_HONEST, models=PRESET_MODELS), seed)
                rows.append({"split": split, "seed": seed, **free_row(arena, rules)})
        print(f"\n== attack-free arenas ({N_HONEST:,} votes each) ==")
        print(pd.DataFrame(rows).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Votes-to-flip refits: each distinct set of changes is refitted once, and the fast Newton refit
gives the strengths of the reference Newton on the observed information, bit for bit."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import numpy as np
import pytest
from planted_logs import vote_log
from scipy.special import expit

import auditkit.fragility as fragility_module
from auditkit.fragility import fragility, pair_fragility, vote_cells
from auditkit.schema import BattleTable
from auditkit.stats.bradley_terry import bt_hessian, fit_bt_pairs


def _arena(seed: int = 7) -> BattleTable:
    """Five models of close strength, every pair played both ways with wins, losses and ties."""
    rng = np.random.default_rng(seed)
    models = ["m-a", "m-b", "m-c", "m-d", "m-e"]
    cells = {}
    for a, b in itertools.permutations(models, 2):
        for winner in ("model_a", "model_b", "tie"):
            cells[(a, b, winner)] = int(rng.integers(3, 40))
    return vote_log(cells)


def _reference_refit(
    a: np.ndarray, b: np.ndarray, wins: np.ndarray, totals: np.ndarray, n: int, init: np.ndarray
) -> np.ndarray:
    """The refit as first written: Newton steps on ``bt_hessian`` plus the gauge, no shortcuts."""
    theta = init.copy()
    gauge = np.full((n, n), 1.0 / n)
    previous = np.inf
    for _ in range(30):
        p = expit(theta[a] - theta[b])
        resid = wins - totals * p
        grad = np.bincount(a, resid, n) - np.bincount(b, resid, n)
        info = bt_hessian(theta, a, b, totals, n) + gauge
        step = np.linalg.solve(info, grad)
        step -= step.mean()
        size = float(np.max(np.abs(step), initial=0.0))
        if size > previous and size > 1e-8:
            break
        theta = theta + step
        previous = size
        if size < 1e-11:
            return theta - theta.mean()
    return fit_bt_pairs(a, b, wins, totals, n, init=init)


def test_refit_equals_the_reference_newton_bit_for_bit() -> None:
    cells = vote_cells(_arena())
    rng = np.random.default_rng(3)
    for _ in range(20):
        # Remove a few votes here and there: the states the searches refit.
        count = cells.count.astype(np.float64)
        count -= np.minimum(count - 1, rng.integers(0, 6, size=count.size))
        got = cells.fit(count)
        want = _reference_refit(
            cells.a, cells.b, count * cells.y, count, len(cells.models), cells.theta
        )
        assert np.array_equal(got, want)


def test_each_distinct_set_of_changes_is_refitted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    battles = _arena()
    uncached = fragility_module._refitted_many
    seen: Counter[tuple[Any, ...]] = Counter()

    def counting(cells: Any, keys: Any) -> list[np.ndarray]:
        seen.update(tuple(steps) for steps in keys)
        return uncached(cells, keys)

    monkeypatch.setattr(fragility_module, "_refitted_many", counting)
    cached = fragility(battles, top=5)
    assert seen and max(seen.values()) == 1

    # The same searches run one after another, every refit made afresh and alone, give the same
    # counts and the same votes as all of them side by side with their refits shared.
    def one_at_a_time(cells: Any, searches: Any) -> list[Any]:
        results = []
        for search in searches:
            try:
                key = search.send(None)
                while True:
                    key = search.send(uncached(cells, [key])[0])
            except StopIteration as stop:
                results.append(stop.value)
        return results

    monkeypatch.setattr(fragility_module, "_run", one_at_a_time)
    fresh = fragility(battles, top=5)

    def everything(result: fragility_module.FragilityResult) -> list[Any]:
        rows = [*result.pairs, *([result.top_spot] if result.top_spot else [])]
        return [[p.to_json() for p in rows], [p.votes_json() for p in rows]]

    assert everything(cached) == everything(fresh)


def test_refits_side_by_side_equal_each_refit_alone_bit_for_bit() -> None:
    """Stacking problems of different lengths (padded with zero-vote cells) changes no bit."""
    cells = vote_cells(_arena(5))
    n = len(cells.models)
    rng = np.random.default_rng(8)
    problems = []
    for extra_votes in range(8):
        count = cells.count.astype(np.float64)
        count -= np.minimum(count - 1, rng.integers(0, 9, size=count.size))
        extra = [
            (int(a), int(b), float(y), float(rng.integers(1, 30)))
            for a, b, y in zip(
                rng.integers(0, n, extra_votes),
                rng.integers(0, n, extra_votes),
                rng.choice([0.0, 0.5, 1.0], extra_votes),
                strict=True,
            )
            if a != b
        ]
        problems.append(cells._problem(count, extra))
    for l2 in (0.0, 0.5):
        init = fit_bt_pairs(cells.a, cells.b, cells.count * cells.y, cells.count * 1.0, n, l2=l2)
        together = fragility_module._refit_many(problems, n, l2, init)
        for problem, got in zip(problems, together, strict=True):
            alone = fragility_module._refit_many([problem], n, l2, init)[0]
            assert np.array_equal(got, alone)
            if l2 == 0.0:
                want = _reference_refit(*problem, n, init)
                assert np.array_equal(got, want)


def test_remembered_strengths_cannot_be_changed_by_a_caller() -> None:
    cells = vote_cells(_arena())
    pair = pair_fragility(cells, "m-a", "m-b")
    assert pair.drop.count is not None
    remembered = next(iter(cells._refits.values()))
    with pytest.raises(ValueError):
        remembered[0] = 0.0


def test_top_spot_reuses_the_removal_count_of_its_challenger_search() -> None:
    battles = _arena(11)
    result = fragility(battles, top=5)
    assert result.top_spot is not None
    direct = pair_fragility(vote_cells(battles), result.top_spot.higher, result.top_spot.lower)
    assert result.top_spot.drop == direct.drop
    assert (result.top_spot.flip, result.top_spot.add) == (direct.flip, direct.add)


@pytest.mark.parametrize("n_models", [6, 110])
def test_cells_hold_every_rated_vote_once_with_its_rows_in_file_order(n_models: int) -> None:
    """The cells are what grouping the votes by (A, B, A's score) in a dict gives. 110 models
    take the 64-bit cell keys (above 104 models they no longer fit in 16 bits)."""
    rng = np.random.default_rng(n_models)
    models = [f"m{i:03d}" for i in range(n_models)]
    records = [
        {"model_a": models[i], "model_b": models[(i + 1) % n_models], "winner": winner}
        for i in range(n_models)
        for winner in ("model_a", "model_b")
    ]
    for _ in range(60 * n_models):
        a, b = rng.choice(n_models, 2, replace=False)
        winner = str(rng.choice(["model_a", "model_b", "tie"]))
        records.append({"model_a": models[a], "model_b": models[b], "winner": winner})
    for k, record in enumerate(records):
        record["vote_id"] = f"v{k:05d}"
    cells = vote_cells(BattleTable.from_records(records))
    assert len(cells.models) == n_models
    score = {"model_a": 1.0, "model_b": 0.0, "tie": 0.5}
    expected: dict[tuple[str, str, float], list[int]] = {}
    for k, record in enumerate(records):
        key = (record["model_a"], record["model_b"], score[record["winner"]])
        expected.setdefault(key, []).append(k)
    got = {
        (cells.models[a], cells.models[b], float(y)): rows.tolist()
        for a, b, y, rows in zip(cells.a, cells.b, cells.y, cells.rows, strict=True)
    }
    assert got == expected
    assert cells.count.tolist() == [len(rows) for rows in cells.rows]

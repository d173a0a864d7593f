"""Votes-to-flip: planted arenas whose minimal counts are known, checked against the product."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from planted_logs import vote_log

from auditkit.fragility import added_votes_to_rank, fragility, pair_fragility, vote_cells
from auditkit.schema import BattleTable
from auditkit.stats.bradley_terry import fit_bt_pairs


@pytest.mark.parametrize(("wins", "losses", "ties"), [(30, 20, 0), (25, 18, 7), (41, 40, 12)])
def test_two_models_counts_equal_the_closed_form(wins: int, losses: int, ties: int) -> None:
    # With two models the order follows the score: X stays above Y while X's wins exceed its
    # losses (ties count half each way), so the minima are known exactly.
    battles = vote_log(
        {("X", "Y", "model_a"): wins, ("X", "Y", "model_b"): losses, ("X", "Y", "tie"): ties}
    )
    cells = vote_cells(battles)
    result = pair_fragility(cells, "X", "Y")
    assert (result.higher, result.lower) == ("X", "Y")
    assert result.drop.count == wins - losses + 1  # remove X's wins until they trail
    assert result.flip.count == (wins - losses) // 2 + 1  # each flip moves the margin by two
    assert result.add.count == wins - losses + 1  # add Y wins until they lead
    assert result.drop.one_less_checked and result.flip.one_less_checked
    assert result.drop.gap_after is not None and result.drop.gap_after < 0
    # The listed votes are X's wins, and they exist in the log.
    dropped = {v[0] for v in result.drop.votes}
    frame = battles.frame.set_index("vote_id")
    assert set(frame.loc[sorted(dropped), "winner"].astype(str)) == {"model_a"}
    assert all(v[1] == "model_b" for v in result.flip.votes)
    assert result.add.votes == (("X", "Y", "model_b", wins - losses + 1),)


_PLANTED_COUNTS = {
    ("X", "Y", "model_a"): 9,
    ("X", "Y", "model_b"): 6,
    ("X", "Y", "tie"): 2,
    ("X", "Z", "model_a"): 5,
    ("X", "Z", "model_b"): 4,
    ("Y", "Z", "model_a"): 6,
    ("Z", "Y", "model_a"): 3,
    ("Y", "Z", "tie_bothbad"): 1,
}


def _planted() -> BattleTable:
    return vote_log(_PLANTED_COUNTS)


def _gap_after(cells_counts: np.ndarray, a: np.ndarray, b: np.ndarray, y: np.ndarray) -> float:
    theta = fit_bt_pairs(a, b, cells_counts * y, cells_counts, 3)
    return float(theta[0] - theta[1])  # models sorted: X=0, Y=1, Z=2


def test_three_model_drop_count_is_minimal_by_exhaustive_search() -> None:
    battles = _planted()
    cells = vote_cells(battles)
    assert cells.models == ("X", "Y", "Z")
    result = pair_fragility(cells, "X", "Y")
    k = result.drop.count
    assert k is not None and k >= 2
    base = cells.count.astype(float)

    def reverses(removed: tuple[int, ...]) -> bool:
        return _gap_after(base - np.array(removed), cells.a, cells.b, cells.y) < -1e-9

    ranges = [range(int(c) + 1) for c in cells.count]
    smaller = [r for r in itertools.product(*ranges) if sum(r) == k - 1]
    assert smaller and not any(reverses(r) for r in smaller)  # k - 1 never suffice
    removed = np.zeros(len(base), dtype=int)
    ids = {v[0] for v in result.drop.votes}
    for cell, rows in enumerate(cells.rows):
        removed[cell] = sum(str(cells.vote_ids[r]) in ids for r in rows)
    assert removed.sum() == k and reverses(tuple(removed))  # the reported k votes do


def test_three_model_flip_and_add_counts_are_minimal_by_exhaustive_search() -> None:
    cells = vote_cells(_planted())
    result = pair_fragility(cells, "X", "Y")
    # Flips: every way to turn k-1 votes into another outcome.
    kf = result.flip.count
    assert kf is not None
    units = [(k, y) for k in range(len(cells.y)) for y in (0.0, 0.5, 1.0) if y != cells.y[k]]

    def flip_reverses(choice: tuple[int, ...]) -> bool:
        a, b, y, c = [cells.a], [cells.b], [cells.y], [cells.count.astype(float)]
        c0 = c[0].copy()
        for (cell, y_new), m in zip(units, choice, strict=True):
            c0[cell] -= m
            a.append(np.array([cells.a[cell]]))
            b.append(np.array([cells.b[cell]]))
            y.append(np.array([y_new]))
            c.append(np.array([float(m)]))
        if (c0 < 0).any():
            return False
        c[0] = c0
        return (
            _gap_after(np.concatenate(c), np.concatenate(a), np.concatenate(b), np.concatenate(y))
            < -1e-9
        )

    assert kf <= 6
    for combo in itertools.combinations_with_replacement(range(len(units)), kf - 1):
        choice = tuple(combo.count(u) for u in range(len(units)))
        assert not flip_reverses(choice)  # no kf - 1 changed winners reverse the order
    # Adds: Y beating X or Z, or X losing to Z, in any mix of k-1 votes.
    ka = result.add.count
    assert ka is not None
    options = [(1, 0), (1, 2), (2, 0)]  # (winner, loser) with X=0, Y=1, Z=2
    for split in itertools.product(range(ka), repeat=len(options)):
        if sum(split) != ka - 1:
            continue
        a = np.concatenate([cells.a, [w for w, _ in options]])
        b = np.concatenate([cells.b, [loser for _, loser in options]])
        y = np.concatenate([cells.y, np.ones(len(options))])
        c = np.concatenate([cells.count.astype(float), np.array(split, dtype=float)])
        assert _gap_after(c, a, b, y) >= -1e-9


def test_fragility_table_json_shape_and_vote_files(tmp_path: Path) -> None:
    result = fragility(_planted(), top=3).write(tmp_path)
    data = json.loads((tmp_path / "fragility.json").read_text())
    pair = data["pairs"][0]
    for key in (
        "higher",
        "lower",
        "rating_gap",
        "drop_to_flip",
        "flip_to_flip",
        "add_to_flip",
        "verified",
        "vote_ids_file",
    ):
        assert key in pair
    assert [p["label"] for p in data["pairs"]] == ["adjacent", "adjacent"]
    assert pair["verified"] is True and pair["bound"] == "upper"
    votes = json.loads(Path(pair["vote_ids_file"]).read_text())
    assert len(votes["drop"]["vote_ids"]) == pair["drop_to_flip"]
    assert data["top_spot"]["higher"] == result.pairs[0].higher
    frame = result.to_frame()
    assert list(frame["label"]) == ["top_spot", "adjacent", "adjacent"]
    assert "#1 spot" in result.summary()


def test_measures_not_asked_for_are_left_out() -> None:
    result = pair_fragility(vote_cells(_planted()), "Y", "X", measures=("drop",))
    assert (result.higher, result.lower) == ("X", "Y")  # ordered by rating whatever the call
    assert result.drop.count is not None
    assert result.flip.count is None and result.add.count is None
    assert result.to_json()["flip_to_flip"] is None


def test_attack_cost_lifts_the_target_by_the_stated_ranks() -> None:
    battles = vote_log(
        {
            ("A", "B", "model_a"): 30,
            ("A", "B", "model_b"): 20,
            ("B", "C", "model_a"): 30,
            ("B", "C", "model_b"): 20,
            ("C", "D", "model_a"): 30,
            ("C", "D", "model_b"): 20,
            ("A", "D", "model_a"): 30,
            ("A", "D", "model_b"): 20,
        }
    )
    cells = vote_cells(battles)
    one = added_votes_to_rank(cells, "D", 1)
    two = added_votes_to_rank(cells, "D", 2)
    assert one.count is not None and two.count is not None and two.count > one.count
    assert added_votes_to_rank(cells, "A", 1).count is None  # already first
    # Every added vote is a win of the target on a pair it was served.
    assert {(v[0], v[1]) for v in two.votes} <= {("A", "D"), ("C", "D")}
    assert all((v[2] == "model_b") == (v[1] == "D") for v in two.votes)


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not rated"):
        fragility(_planted(), top=2, pairs=[("X", "nobody")])


def test_ratings_the_caller_fitted_give_the_same_counts_as_fitting_again() -> None:
    # W has too few battles to be rated; the mask drops some votes; the caller's fit has CIs.
    from auditkit.ratings import RatingOptions, fit_ratings

    battles = vote_log(
        {
            **{key: 3 * n for key, n in _PLANTED_COUNTS.items()},
            ("W", "X", "model_a"): 2,
        }
    )
    rows = np.arange(len(battles)) % 7 != 3
    plain = fragility(battles, top=3, rows=rows, options=RatingOptions(ci="none"))
    fitted = fit_ratings(battles, RatingOptions(ci="sandwich"), rows=rows)
    assert not fitted.table.set_index("model").loc["W", "rateable"]
    reused = fragility(battles, top=3, rows=rows, options=RatingOptions(ci="none"), fitted=fitted)
    assert reused.to_json() | {"seconds": 0} == plain.to_json() | {"seconds": 0}
    assert reused.to_frame().equals(plain.to_frame())

"""How many votes hold an order up: votes-to-flip for leaderboard pairs, verified by exact refits.

For two rated models ``higher`` above ``lower`` this module counts

- ``drop_to_flip``: votes whose removal reverses the order of their Bradley-Terry ratings;
- ``flip_to_flip``: votes whose winner, changed, reverses it;
- ``add_to_flip``: added votes — the lower model winning, or the higher one losing, only on pairs the
  sampler served (pairs with at least one battle in the log) — that reverse it.

Method. The ratings are the BT maximum-likelihood fit of :func:`auditkit.ratings.fit_ratings` (ties
as half wins, anonymous battles, the same rated models) on aggregated (A, B, outcome) cells. The search
is greedy on the first-order (influence-function / AMIP, Broderick, Giordano & Meager 2020) effect of
one vote on the gap ``theta_h - theta_l``: removing a vote of cell ``k`` moves the gap by about
``-(y_k - p_k) * d_k`` with ``d = (e_a - e_b)^T I^+ (e_h - e_l)`` and ``I`` the observed information.
The linear estimate is never reported: the search re-linearises at the refitted strengths, applies
half the estimated votes at a time, and every count is then **verified by an exact refit** of the
cells with those votes removed, flipped or added; a final bisection over the greedy prefix finds the
shortest prefix that still reverses the order, and the prefix one vote shorter is refitted to show it
does not. The counts are therefore verified upper bounds on the true minimum (a cleverer set could be
smaller); ``bound == "upper"`` says so in every output. Removing two votes of 57,477 changed the #1
model of an arena in Huang et al. (2025), arXiv 2508.11847 — the counts here are that question asked
of a given log.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import numpy as np
import pandas as pd
from scipy.special import expit

from auditkit.jsontext import indented_json
from auditkit.ratings.engine import RatingOptions, RatingResult, fit_ratings
from auditkit.schema import BattleTable, Winner, outcome_for_a, take_values
from auditkit.stats.bradley_terry import bt_hessian, fit_bt_pairs

__all__ = [
    "FlipCount",
    "FragilityResult",
    "Measure",
    "PairFragility",
    "VoteCells",
    "VoteIds",
    "added_votes_to_rank",
    "fragility",
    "pair_fragility",
    "vote_cells",
]

Measure = Literal["drop", "flip", "add"]
MEASURES: tuple[Measure, ...] = ("drop", "flip", "add")
# A refitted gap must fall below -_EPS natural-log units to count as reversed (not a numerical tie).
_EPS = 1e-9


# ----------------------------------------------------------------------------------------- cells


@dataclass(frozen=True)
class VoteCells:
    """The rated votes of a log as cells of identical (A, B, outcome) votes, with their rows.

    ``rows[k]`` are the positions (in ``battles.frame``) of the votes of cell ``k``, in file order;
    ``theta`` the BT strengths (natural log) of ``models``; ``alpha`` rating points per unit.
    """

    models: tuple[str, ...]
    a: np.ndarray
    b: np.ndarray
    y: np.ndarray
    count: np.ndarray
    rows: tuple[np.ndarray, ...]
    vote_ids: VoteIds
    theta: np.ndarray
    alpha: float
    l2: float
    ratings: RatingResult
    # Exact refits already made, by the changes that produced them (see :func:`_run`).
    _refits: dict[tuple[tuple[_Unit, int], ...], np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # The removal and flip units (every pair's search asks for the same ones) and the columns
    # of each unit list a search was given, by the list's id (the list is kept with them).
    _units: dict[str, list[_Unit]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _columns: dict[int, tuple[Sequence[_Unit], _UnitColumns]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def n_votes(self) -> int:
        return int(self.count.sum())

    def index(self, model: str) -> int:
        try:
            return self.models.index(model)
        except ValueError:
            raise KeyError(model) from None

    def fit(
        self,
        count: np.ndarray | None = None,
        extra: Sequence[tuple[int, int, float, float]] = (),
    ) -> np.ndarray:
        """Exact BT refit with per-cell ``count`` (votes removed/flipped) plus ``extra`` cells.

        ``extra`` rows are (A, B, outcome, number of votes), e.g. flipped or added votes.
        """
        return _refit_many([self._problem(count, extra)], len(self.models), self.l2, self.theta)[0]

    def _problem(
        self, count: np.ndarray | None, extra: Sequence[tuple[int, int, float, float]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The (A, B, A's score sum, votes) cells of a refit: :meth:`fit`'s arrays."""
        c = (self.count if count is None else count).astype(np.float64)
        a, b, y = self.a, self.b, self.y
        if extra:
            ex = np.asarray(extra, dtype=np.float64).reshape(-1, 4)
            a = np.concatenate([a, ex[:, 0].astype(np.int64)])
            b = np.concatenate([b, ex[:, 1].astype(np.int64)])
            y = np.concatenate([y, ex[:, 2]])
            c = np.concatenate([c, ex[:, 3]])
        return a, b, c * y, c


def _refit_many(
    problems: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    n: int,
    l2: float,
    init: np.ndarray,
) -> list[np.ndarray]:
    """The exact BT MLE of each problem ``(a, b, wins, totals)`` by plain Newton steps from ``init``.

    A few votes moved barely shift the optimum, so Newton converges quadratically in 2-4 steps
    without a line search; should it not (a growing step, no convergence in 30 steps),
    :func:`fit_bt_pairs` with its backtracking safeguards takes over from ``init``.

    The problems are solved side by side, one numpy call per step for all of them (the searches
    of an audit make a thousand refits on a dozen models: numpy's call overhead is their cost),
    and each gets the strengths it would get alone, to the bit: each problem's sums run over its
    own cells in their order (the stack only appends zero-vote cells, which add exact zeros),
    every other operation is elementwise or per problem, and a problem stops stepping the moment
    it converges. The arithmetic is that of :func:`bt_hessian` plus the gauge.
    """
    count = len(problems)
    width = max(len(p[0]) for p in problems)
    # One row per problem; shorter problems end in zero-vote cells between models 0 and 1.
    a = np.zeros((count, width), dtype=np.int64)
    b = np.ones((count, width), dtype=np.int64)
    wins = np.zeros((count, width))
    totals = np.zeros((count, width))
    for row, (pa, pb, pw, pt) in enumerate(problems):
        a[row, : len(pa)], b[row, : len(pb)] = pa, pb
        wins[row, : len(pw)], totals[row, : len(pt)] = pw, pt
    gauge = l2 * np.eye(n) if l2 > 0 else np.full((n, n), 1.0 / n)
    diagonal = np.arange(n) * (n + 1)
    theta = np.tile(init, (count, 1))
    previous = np.full(count, math.inf)
    out: list[np.ndarray | None] = [None] * count
    # Flat positions: each cell's models in ``theta.reshape(-1)`` (and in the ``count * n`` sums),
    # its (A, B) bin among the ``count * n * n`` of the information matrices.
    shift = np.arange(count)[:, None]
    all_a, all_b = (a + shift * n).reshape(-1), (b + shift * n).reshape(-1)
    all_key = (a * n + b + shift * (n * n)).reshape(-1)
    all_wins, all_totals = wins.reshape(-1), totals.reshape(-1)
    flat = theta.reshape(-1)  # a view: the steps below update ``theta`` in place
    live = np.arange(count)  # problems still stepping
    fa, fb, key, lw, lt = all_a, all_b, all_key, all_wins, all_totals
    add, bincount = np.add.reduce, np.bincount
    for _ in range(30):
        k = len(live)
        if len(fa) != k * width:  # problems stopped: their cells leave the arrays
            cells = (live[:, None] * width + np.arange(width)).reshape(-1)
            fa, fb, key = all_a[cells], all_b[cells], all_key[cells]
            lw, lt = all_wins[cells], all_totals[cells]
        p = expit(flat[fa] - flat[fb])
        expected = lt * p
        resid = lw - expected
        grad: np.ndarray = bincount(fa, resid, count * n) - bincount(fb, resid, count * n)
        grad = grad.reshape(count, n)[live]
        if l2 > 0:
            grad = grad - l2 * theta[live]
        # ``totals * p * (1 - p)`` evaluates ``totals * p`` first: the same product as above.
        off = bincount(key, expected * (1.0 - p), count * n * n).reshape(count, n, n)[live]
        off = off + off.transpose(0, 2, 1)
        # ``-off`` plus the gauge, its diagonal (zero in ``off``) plus the row sums: the same
        # sums as ``(-off with row sums on the diagonal) + gauge``, in one array.
        system = gauge - off
        system.reshape(k, n * n)[:, diagonal] += add(off, axis=2)
        step, failed = _solve_each(system, grad)
        if l2 <= 0:
            step -= add(step, axis=1)[:, None] / n  # the mean, as ndarray.mean computes it
        size = np.abs(step).max(axis=1)
        # Not the quadratic convergence a nearby start gives (or a singular system): safe fit.
        unsafe = failed | ~np.isfinite(size) | ((size > previous[live]) & (size > 1e-8))
        moving = live[~unsafe]
        theta[moving] += step[~unsafe]
        previous[moving] = size[~unsafe]
        done = ~unsafe & (size < 1e-11)
        for at in live[done].tolist():
            found = theta[at]
            out[at] = found.copy() if l2 > 0 else found - add(found) / n
        for at in live[unsafe].tolist():
            pa, pb, pw, pt = problems[at]
            out[at] = fit_bt_pairs(pa, pb, pw, pt, n, l2=l2, init=init)
        live = live[~unsafe & ~done]
        if not len(live):
            break
    for at in live.tolist():
        pa, pb, pw, pt = problems[at]
        out[at] = fit_bt_pairs(pa, pb, pw, pt, n, l2=l2, init=init)
    return cast(list[np.ndarray], out)  # every problem was given its strengths above


def _solve_each(system: np.ndarray, grad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each stacked system solved (as ``np.linalg.solve`` solves it alone); which were singular."""
    failed = np.zeros(len(system), dtype=bool)
    try:
        return np.linalg.solve(system, grad[..., None])[..., 0], failed
    except np.linalg.LinAlgError:
        pass
    step = np.zeros_like(grad)
    for row in range(len(system)):
        try:
            step[row] = np.linalg.solve(system[row], grad[row])
        except np.linalg.LinAlgError:
            failed[row] = True  # a model lost all its votes: the safe fit centres each component
    return step, failed


class VoteIds:
    """The battle table's vote ids, read only at the rows asked for.

    Why not an object array of every id: at 10M votes that is 10M Python strings (about 0.7 GiB
    and seconds to build) for the few thousand votes a votes-to-flip set names.
    """

    def __init__(self, column: pd.Series) -> None:
        self._column = column

    def __len__(self) -> int:
        return len(self._column)

    def __getitem__(self, position: int) -> str:
        return str(self.take(np.array([position]))[0])

    def take(self, positions: np.ndarray) -> np.ndarray:
        """The ids at row ``positions`` as an object array of ``str``."""
        return take_values(self._column, np.asarray(positions, dtype=np.int64))


def vote_cells(
    battles: BattleTable,
    options: RatingOptions | None = None,
    *,
    rows: np.ndarray | None = None,
    fitted: RatingResult | None = None,
) -> VoteCells:
    """Aggregate the votes :func:`fit_ratings` rates (same models, same filters) into cells.

    Supports the rating conventions whose fit is a plain BT likelihood on cells: ties as half wins,
    no reweighting, no style control, no Davidson ties (ValueError otherwise). ``rows`` (one bool
    per row) takes only those votes — the cells of ``battles.frame[rows]`` without copying the
    table; ``VoteCells.rows`` then index the whole ``battles.frame``. ``fitted``: the
    :func:`fit_ratings` result of these rows under ``options`` (any ``ci``: which models are
    rated does not depend on it) when the caller has it, so they are not fitted again.
    """
    options = options or RatingOptions(ci="none")
    if (
        options.ties != "half"
        or options.style_control
        or options.reweight != "none"
        or options.weight_column
        or options.disconnected != "main"
    ):
        raise ValueError(
            "votes-to-flip supports the default BT conventions only (ties as half wins, "
            "no reweighting, no style control, main component)"
        )
    if rows is not None and len(rows) != len(battles):
        raise ValueError(f"rows has {len(rows)} flags for {len(battles)} battles")
    ratings = fitted if fitted is not None else fit_ratings(battles, options, rows=rows)
    rated = ratings.table[ratings.table["rateable"]]
    models = tuple(str(m) for m in rated.sort_values("model")["model"])
    frame = battles.frame
    n = len(models)
    # Each vote's cell key ``(A * n + B) * 3 + 2 * A's score``. With up to 104 models the keys fit
    # in 16 bits: the per-vote arrays are int16 (a quarter of int64's memory and passes), and
    # numpy sorts them by radix, in linear time.
    small = n * n * 3 < 2**15
    width = np.int16 if small else np.int64
    # Each row's index among the rated models (-1: not rated or missing), from the table's codes.
    ia = battles.codes.positions("model_a", models, width)
    ib = battles.codes.positions("model_b", models, width)
    keep = (ia >= 0) & (ib >= 0) & (ia != ib)
    if rows is not None:
        keep &= np.asarray(rows, dtype=bool)
    if options.anonymous_only:
        keep &= frame["anony"].to_numpy(dtype=bool)
    pos = np.flatnonzero(keep)
    # Each per-vote temporary is freed once used (80 MB apiece at 10M votes: together they set
    # the robustness stage's memory peak).
    del keep
    key = ia[pos]
    del ia
    key *= n
    key += ib[pos]
    del ib
    key *= 3
    key += _doubled_score(frame["winner"], width)[pos]
    order = np.argsort(key, kind="stable")
    if small:
        # The stable order groups the keys ascending: each cell's votes start where the votes
        # of the smaller keys end.
        per_key = np.bincount(key, minlength=n * n * 3)
        uniq = np.flatnonzero(per_key)
        counts = per_key[uniq]
        starts = np.cumsum(counts)[:-1]
    else:
        ordered = key[order]
        bounds = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if ordered.size else order
        uniq, counts = ordered[bounds], np.diff(np.r_[bounds, ordered.size])
        starts = bounds[1:]
    del key
    cell_rows = tuple(np.split(pos[order], starts)) if len(uniq) else ()
    uniq = uniq.astype(np.int64)
    pair = uniq // 3
    ca, cb, cy = pair // n, pair % n, (uniq % 3) / 2.0
    theta = fit_bt_pairs(ca, cb, counts * cy, counts.astype(np.float64), n, l2=options.l2)
    return VoteCells(
        models=models,
        a=ca.astype(np.int64),
        b=cb.astype(np.int64),
        y=cy,
        count=counts.astype(np.int64),
        rows=cell_rows,
        vote_ids=VoteIds(frame["vote_id"]),
        theta=theta,
        alpha=options.alpha,
        l2=options.l2,
        ratings=ratings,
    )


def _doubled_score(winner: pd.Series, dtype: type[np.signedinteger[Any]]) -> np.ndarray:
    """Twice A's score per battle (2 win, 1 tie, 0 loss): ``2 * outcome_for_a(winner)`` as
    integers, looked up per category for a categorical column (no float per battle)."""
    if isinstance(winner.dtype, pd.CategoricalDtype):
        # outcome_for_a of the categories, and 0.5 for a missing winner (code -1), doubled.
        scores = np.append(outcome_for_a(np.asarray(winner.cat.categories, dtype=object)), 0.5)
        return np.rint(2 * scores).astype(dtype)[np.asarray(winner.cat.codes)]
    return np.rint(2 * outcome_for_a(winner)).astype(dtype)


# ---------------------------------------------------------------------------------------- search


@dataclass(frozen=True)
class _Unit:
    """One kind of change: ``cell`` (or -1 for an added vote), the new outcome, votes available."""

    cell: int
    a: int
    b: int
    y_new: float | None  # None: removal
    available: int


@dataclass
class _Plan:
    """Changes applied so far, in greedy order: (unit, votes)."""

    steps: list[tuple[_Unit, int]] = field(default_factory=list)

    def total(self) -> int:
        return sum(k for _, k in self.steps)

    def prefix(self, k: int) -> list[tuple[_Unit, int]]:
        out: list[tuple[_Unit, int]] = []
        left = k
        for unit, m in self.steps:
            if left <= 0:
                break
            take = min(m, left)
            out.append((unit, take))
            left -= take
        return out


# A search asks for exact refits by yielding the changes to refit (a tuple of (unit, votes)) and
# is sent the strengths there; it returns its result. :func:`_run` answers the refits of many
# searches at once (:func:`_refit_many`), so searches are written as generators.
_Changes = tuple[tuple["_Unit", int], ...]
_T = TypeVar("_T")
_Refits = Generator[_Changes, np.ndarray, _T]


def _run(cells: VoteCells, searches: Sequence[_Refits[_T]]) -> list[_T]:
    """Run searches side by side: each round refits what every waiting search asked for at once.

    The searches ask for the same changes more than once (the greedy's last state is the
    bisection's first; pairs share challengers): each distinct list of changes is refitted once
    per ``cells`` and its strengths kept read-only. A search's result depends only on the
    strengths it is sent, which do not depend on what else is refitted beside them.
    """
    results: list[Any] = [None] * len(searches)
    waiting: dict[int, _Changes] = {}

    def advance(index: int, theta: np.ndarray | None) -> None:
        search = searches[index]
        try:
            key = search.send(theta)  # type: ignore[arg-type]  # None starts a generator
            while key in cells._refits:  # refitted already: answered at once
                key = search.send(cells._refits[key])
        except StopIteration as stop:
            results[index] = stop.value
            return
        waiting[index] = key

    for index in range(len(searches)):
        advance(index, None)
    while waiting:
        _remember(cells, list(dict.fromkeys(waiting.values())))
        asked, waiting = waiting, {}
        for index, key in asked.items():
            advance(index, cells._refits[key])
    return results


def _run_one(cells: VoteCells, search: _Refits[_T]) -> _T:
    return _run(cells, [search])[0]


def _remember(cells: VoteCells, keys: Sequence[_Changes]) -> None:
    """Refit each list of changes (all at once) and keep the strengths, read-only, in ``cells``."""
    for key, theta in zip(keys, _refitted_many(cells, keys), strict=True):
        theta.setflags(write=False)
        cells._refits[key] = theta


def _refitted_many(cells: VoteCells, keys: Sequence[_Changes]) -> list[np.ndarray]:
    """The exact refit after each list of changes (all in one stacked solve), not remembered;
    all-NaN where a model would be left without a vote (it has no rating at all then, so such a
    state never counts as a reversal)."""
    n = len(cells.models)
    out: list[np.ndarray | None] = []
    problems, places = [], []
    for steps in keys:
        count = cells.count.astype(np.float64).copy()
        extra: list[tuple[int, int, float, float]] = []
        for unit, k in steps:
            if unit.cell >= 0:
                count[unit.cell] -= k
            if unit.y_new is not None:
                extra.append((unit.a, unit.b, unit.y_new, float(k)))
        left = np.bincount(cells.a, count, n) + np.bincount(cells.b, count, n)
        if (left <= 0).any():
            out.append(np.full(n, np.nan))
            continue
        places.append(len(out))
        out.append(None)
        problems.append(cells._problem(count, extra))
    if problems:
        for place, theta in zip(
            places, _refit_many(problems, n, cells.l2, cells.theta), strict=True
        ):
            out[place] = theta
    return cast(list[np.ndarray], out)


def _checked(reversed_at: Callable[[np.ndarray], bool]) -> Callable[[np.ndarray], bool]:
    """``reversed_at`` that refuses states without finite strengths for every model."""
    return lambda theta: bool(np.isfinite(theta).all()) and reversed_at(theta)


def _cell_lists(cells: VoteCells) -> tuple[list[int], list[int], list[int], list[float]]:
    """Each cell's A, B, votes and outcome as Python numbers (one C loop each, not a numpy
    scalar per cell)."""
    return (
        [int(v) for v in cells.a.tolist()],
        [int(v) for v in cells.b.tolist()],
        [int(v) for v in cells.count.tolist()],
        [float(v) for v in cells.y.tolist()],
    )


def _removal_units(cells: VoteCells) -> list[_Unit]:
    """Every cell's votes removed (built once per ``cells``; searches only read the list)."""
    units = cells._units.get("drop")
    if units is None:
        a, b, count, y = _cell_lists(cells)
        units = [_Unit(k, a[k], b[k], None, count[k]) for k in range(len(y))]
        cells._units["drop"] = units
    return units


def _flip_units(cells: VoteCells) -> list[_Unit]:
    """Every cell's votes changed to each other outcome (a win either way, or a tie); built
    once per ``cells``."""
    units = cells._units.get("flip")
    if units is None:
        a, b, count, y = _cell_lists(cells)
        units = [
            _Unit(k, a[k], b[k], y_new, count[k])
            for k in range(len(y))
            for y_new in (0.0, 0.5, 1.0)
            if y_new != y[k]
        ]
        cells._units["flip"] = units
    return units


def _win_units(pairs: Sequence[tuple[int, int, int]]) -> list[_Unit]:
    """Added votes (A, B, winner index) with no limit on how many."""
    return [_Unit(-1, a, b, 1.0 if w == a else 0.0, 1 << 40) for a, b, w in pairs]


@dataclass(frozen=True)
class _UnitColumns:
    """The units of one search as arrays (built once per search, not once per step)."""

    a: np.ndarray
    b: np.ndarray
    cell: np.ndarray
    y_old: np.ndarray
    y_new: np.ndarray  # NaN: removal
    available: np.ndarray


def _unit_columns(cells: VoteCells, units: Sequence[_Unit]) -> _UnitColumns:
    """The units as arrays, built once per list of units (the shared removal and flip lists
    are searched for every pair)."""
    known = cells._columns.get(id(units))
    if known is not None and known[0] is units:
        return known[1]
    columns = _build_unit_columns(cells, units)
    for array in vars(columns).values():
        array.setflags(write=False)  # shared by every later search of these units
    cells._columns[id(units)] = (units, columns)
    return columns


def _build_unit_columns(cells: VoteCells, units: Sequence[_Unit]) -> _UnitColumns:
    cell = np.array([u.cell for u in units], dtype=np.int64)
    return _UnitColumns(
        a=np.array([u.a for u in units], dtype=np.int64),
        b=np.array([u.b for u in units], dtype=np.int64),
        cell=cell,
        y_old=np.where(cell >= 0, cells.y[np.maximum(cell, 0)], 0.0),
        y_new=np.array([np.nan if u.y_new is None else u.y_new for u in units]),
        available=np.array([u.available for u in units]),
    )


def _gains(
    cells: VoteCells, theta: np.ndarray, count: np.ndarray, units: _UnitColumns, c: np.ndarray
) -> np.ndarray:
    """First-order decrease of ``c @ theta`` per vote of each unit, at ``theta``."""
    n = len(theta)
    info = bt_hessian(theta, cells.a, cells.b, count, n)
    info += cells.l2 * np.eye(n) if cells.l2 > 0 else 1.0 / n
    v = np.linalg.lstsq(info, c, rcond=None)[0]
    ua, ub, cell, y_old, y_new = units.a, units.b, units.cell, units.y_old, units.y_new
    d = v[ua] - v[ub]
    p = expit(theta[ua] - theta[ub])
    # Removal: the score (y - p) leaves the gradient; flip: y_old -> y_new; add: (y_new - p) joins.
    effect = np.where(
        np.isnan(y_new),
        -(y_old - p) * d,
        np.where(cell >= 0, (y_new - y_old) * d, (y_new - p) * d),
    )
    return np.asarray(-effect)


Objective = Callable[[np.ndarray], np.ndarray]


def _greedy(
    cells: VoteCells,
    units: Sequence[_Unit],
    objective: Objective,
    reversed_at: Callable[[np.ndarray], bool],
    cap: int,
) -> _Refits[_Plan | None]:
    """Adaptive greedy: apply half the linear estimate, refit, re-linearise; None if unreachable.

    ``objective(theta) @ theta`` is the gap to push below zero (the vector may change with theta,
    e.g. the rival to overtake); ``reversed_at`` decides on the refitted strengths.
    """
    if not units:
        return None
    columns = _unit_columns(cells, units)
    used = np.zeros(len(units), dtype=np.int64)
    used_cell = np.zeros(len(cells.y), dtype=np.int64)
    plan = _Plan()
    theta = cells.theta
    for _ in range(200):
        if reversed_at(theta):
            return plan
        if not np.isfinite(theta).all():
            return None  # the changes so far left a model without votes
        count = cells.count - used_cell
        c = objective(theta)
        gains = _gains(cells, theta, count.astype(np.float64), columns, c)
        cell_idx = columns.cell
        left = np.where(
            cell_idx >= 0,
            count[np.maximum(cell_idx, 0)],
            columns.available - used,
        )
        useful = (gains > 0) & (left > 0)
        if not useful.any() or plan.total() >= cap:
            return None
        need = max(float(c @ theta), 0.0) + _EPS
        order = np.flatnonzero(useful)[np.argsort(-gains[useful], kind="stable")]
        cum = np.cumsum(gains[order] * left[order])
        reach = int(np.searchsorted(cum, need))
        if reach >= len(order):
            estimate = int(left[order].sum())
        else:
            before = float(cum[reach - 1]) if reach else 0.0
            estimate = int(left[order[:reach]].sum()) + math.ceil(
                (need - before) / gains[order[reach]]
            )
        budget = max(1, estimate // 2)
        for u in order:
            if budget <= 0:
                break
            unit = units[u]
            # Live room: two changes of one cell (to a loss, to a tie) share its votes.
            room = (
                int(cells.count[unit.cell] - used_cell[unit.cell])
                if unit.cell >= 0
                else int(unit.available - used[u])
            )
            take = min(budget, room)
            if take <= 0:
                continue
            plan.steps.append((unit, take))
            used[u] += take
            if unit.cell >= 0:
                used_cell[unit.cell] += take
            budget -= take
        theta = yield tuple(plan.steps)
    return None


def _shortest(
    cells: VoteCells, plan: _Plan, reversed_at: Callable[[np.ndarray], bool]
) -> _Refits[tuple[int, np.ndarray, bool]]:
    """Shortest verified prefix of the plan; (count, theta there, prefix count-1 checked not to)."""
    total = plan.total()
    lo, hi = 0, total  # prefix lo does not reverse (0 does not), prefix hi does
    theta_hi = yield tuple(plan.prefix(hi))
    if not reversed_at(theta_hi):
        raise RuntimeError("the greedy plan does not reverse the order on refit")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        theta_mid = yield tuple(plan.prefix(mid))
        if reversed_at(theta_mid):
            hi, theta_hi = mid, theta_mid
        else:
            lo = mid
    one_less = not reversed_at((yield tuple(plan.prefix(hi - 1)))) if hi > 0 else True
    return hi, theta_hi, one_less


# --------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class FlipCount:
    """A verified votes-to-flip count and the votes that achieve it.

    ``count`` None means no change of this kind reverses the order. ``votes``: for ``drop`` the vote
    ids removed; for ``flip`` (vote id, new winner); for ``add`` (model_a, model_b, winner, votes).
    ``one_less_checked``: the search's own set one vote shorter was refitted and does not reverse.
    """

    measure: Measure
    count: int | None
    gap_after: float | None
    one_less_checked: bool
    votes: tuple[tuple[Any, ...], ...] = ()

    @property
    def verified(self) -> bool:
        return self.count is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "count": self.count,
            "gap_after": None if self.gap_after is None else round(self.gap_after, 4),
            "one_less_checked": self.one_less_checked,
        }


@dataclass(frozen=True)
class PairFragility:
    """Votes-to-flip for one ordered pair (``higher`` rated above ``lower``)."""

    higher: str
    lower: str
    rank_higher: int
    rank_lower: int
    rating_gap: float
    drop: FlipCount
    flip: FlipCount
    add: FlipCount
    n_votes: int
    vote_ids_file: str | None = None
    label: str = ""

    @property
    def verified(self) -> bool:
        """Every count given was confirmed by an exact refit (None counts are 'unreachable')."""
        return all(
            m.count is None or m.gap_after is not None for m in (self.drop, self.flip, self.add)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "higher": self.higher,
            "lower": self.lower,
            "rank_higher": self.rank_higher,
            "rank_lower": self.rank_lower,
            "rating_gap": round(self.rating_gap, 4),
            "drop_to_flip": self.drop.count,
            "flip_to_flip": self.flip.count,
            "add_to_flip": self.add.count,
            "verified": self.verified,
            "bound": "upper",
            "vote_ids_file": self.vote_ids_file,
            "label": self.label,
            "details": {m.measure: m.to_json() for m in (self.drop, self.flip, self.add)},
        }

    def votes_json(self) -> dict[str, Any]:
        """What the vote-ids file holds: the exact changes behind each count."""
        return {
            "higher": self.higher,
            "lower": self.lower,
            "drop": {"count": self.drop.count, "vote_ids": [v[0] for v in self.drop.votes]},
            "flip": {
                "count": self.flip.count,
                "votes": [{"vote_id": v[0], "new_winner": v[1]} for v in self.flip.votes],
            },
            "add": {
                "count": self.add.count,
                "votes": [
                    {"model_a": v[0], "model_b": v[1], "winner": v[2], "count": v[3]}
                    for v in self.add.votes
                ],
            },
        }


@dataclass(frozen=True)
class FragilityResult:
    """Votes-to-flip for the top of a leaderboard (and any pairs asked for)."""

    pairs: tuple[PairFragility, ...]
    top_spot: PairFragility | None
    n_votes: int
    n_models: int
    top: int
    seconds: float
    notes: tuple[str, ...] = ()

    def _repr_html_(self) -> str:
        from auditkit.report.notebook import fragility_html

        return fragility_html(self)

    def to_frame(self) -> pd.DataFrame:
        rows = [
            {k: v for k, v in p.to_json().items() if k != "details"}
            for p in ([self.top_spot] if self.top_spot else []) + list(self.pairs)
        ]
        return pd.DataFrame(
            rows,
            columns=[
                "label",
                "higher",
                "lower",
                "rank_higher",
                "rank_lower",
                "rating_gap",
                "drop_to_flip",
                "flip_to_flip",
                "add_to_flip",
                "verified",
                "bound",
                "vote_ids_file",
            ],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "pairs": [p.to_json() for p in self.pairs],
            "top_spot": None if self.top_spot is None else self.top_spot.to_json(),
            "n_votes": self.n_votes,
            "n_models": self.n_models,
            "top": self.top,
            "method": (
                "greedy on influence (re-linearised), every count verified by an exact BT refit "
                "of the aggregated cells; counts are verified upper bounds"
            ),
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        lines = [
            f"votes-to-flip on {self.n_votes:,} rated votes, {self.n_models} models "
            f"(verified by exact refit; upper bounds from a greedy search; {self.seconds:.1f} s)",
            f"  {'pair':<58} {'gap':>7} {'drop':>7} {'flip':>7} {'add':>7}",
        ]

        def num(value: int | None) -> str:
            return "never" if value is None else f"{value:,}"

        rows = ([self.top_spot] if self.top_spot else []) + list(self.pairs)
        for p in rows:
            name = f"#{p.rank_higher} {p.higher} > #{p.rank_lower} {p.lower}"
            if p.label == "top_spot":
                name = f"#1 spot: {p.higher} vs {p.lower}"
            lines.append(
                f"  {name[:58]:<58} {p.rating_gap:7.1f} {num(p.drop.count):>7} "
                f"{num(p.flip.count):>7} {num(p.add.count):>7}"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def write(self, out_dir: str | Path, *, relative: bool = False) -> FragilityResult:
        """Write one vote-ids file per pair and ``fragility.json``; returns the result with paths.

        ``relative``: record each ``vote_ids_file`` relative to ``out_dir`` (reports, whose
        summary must not depend on where the run folder lives).
        """
        out = Path(out_dir)
        folder = out / "fragility_votes"
        folder.mkdir(parents=True, exist_ok=True)

        def dump(p: PairFragility, name: str) -> PairFragility:
            path = folder / name
            path.write_text(indented_json(p.votes_json(), indent=1) + "\n", "utf-8")
            shown = path.relative_to(out).as_posix() if relative else str(path)
            return replace(p, vote_ids_file=shown)

        pairs = tuple(dump(p, f"pair-{k:02d}.json") for k, p in enumerate(self.pairs, start=1))
        top = None if self.top_spot is None else dump(self.top_spot, "top-spot.json")
        result = replace(self, pairs=pairs, top_spot=top)
        (out / "fragility.json").write_text(
            json.dumps(result.to_json(), indent=2, sort_keys=True) + "\n", "utf-8"
        )
        return result


# ------------------------------------------------------------------------------------- public API


def _served_pairs(cells: VoteCells) -> set[tuple[int, int]]:
    """Unordered pairs (low index, high index) with at least one rated vote: what the sampler served."""
    return {
        (min(int(a), int(b)), max(int(a), int(b))) for a, b in zip(cells.a, cells.b, strict=True)
    }


@dataclass(frozen=True)
class _Found:
    """A verified search: these ``k`` changes (``steps``) reverse the order; ``theta`` there."""

    k: int
    theta: np.ndarray
    one_less: bool
    steps: tuple[tuple[_Unit, int], ...]


def _search(
    cells: VoteCells,
    units: Sequence[_Unit],
    objective: Objective,
    reversed_at: Callable[[np.ndarray], bool],
    cap: int,
) -> _Refits[_Found | None]:
    """Greedy search, bisection to the shortest reversing prefix, exact refits throughout."""
    reversed_at = _checked(reversed_at)
    plan = yield from _greedy(cells, units, objective, reversed_at, cap)
    if plan is None:
        return None
    k, theta, one_less = yield from _shortest(cells, plan, reversed_at)
    steps = plan.prefix(k)
    second = yield from _midpoint_order(cells, units, objective, steps, k)
    if second is not None and reversed_at((yield tuple(second.steps))):
        k2, theta2, one_less2 = yield from _shortest(cells, second, reversed_at)
        if k2 < k:
            k, theta, one_less, steps = k2, theta2, one_less2, second.prefix(k2)
    return _Found(k, theta, one_less, tuple(steps))


def _flip_count(
    cells: VoteCells, measure: Measure, objective: Objective, found: _Found | None
) -> FlipCount:
    """The count of a search with the concrete votes behind it (None: nothing reverses it)."""
    if found is None:
        return FlipCount(measure, None, None, False)
    return FlipCount(
        measure,
        found.k,
        float(cells.alpha * (objective(found.theta) @ found.theta)),
        found.one_less,
        votes=tuple(_votes(cells, measure, found.steps)),
    )


def _count(
    cells: VoteCells,
    measure: Measure,
    units: Sequence[_Unit],
    objective: Objective,
    reversed_at: Callable[[np.ndarray], bool],
    cap: int,
) -> FlipCount:
    """:func:`_search`, verified, as a :class:`FlipCount` with its votes."""
    return _flip_count(
        cells,
        measure,
        objective,
        _run_one(cells, _search(cells, units, objective, reversed_at, cap)),
    )


def _midpoint_order(
    cells: VoteCells,
    units: Sequence[_Unit],
    objective: Objective,
    steps: Sequence[tuple[_Unit, int]],
    k: int,
) -> _Refits[_Plan | None]:
    """A second candidate set of ``k`` changes, ranked by their effect halfway along the first.

    The first-order effect of a vote changes as the gap closes; ranking every change once by its
    effect at the midpoint of the found path (a secant rather than a tangent) can pick a
    cheaper mix. The caller verifies it by refit and keeps it only if it is shorter.
    """
    if k < 4:
        return None
    theta_mid = yield tuple(_Plan(list(steps)).prefix(k // 2))
    columns = _unit_columns(cells, units)
    gains = _gains(cells, theta_mid, cells.count.astype(np.float64), columns, objective(theta_mid))
    left_cell = cells.count.astype(np.int64).copy()
    plan = _Plan()
    budget = k
    for u in np.argsort(-gains, kind="stable"):
        if budget <= 0 or gains[u] <= 0:
            break
        unit = units[u]
        room = unit.available if unit.cell < 0 else int(left_cell[unit.cell])
        take = min(budget, room)
        if take <= 0:
            continue
        plan.steps.append((unit, take))
        if unit.cell >= 0:
            left_cell[unit.cell] -= take
        budget -= take
    return plan if budget == 0 else None


_WINNER_OF = {1.0: Winner.MODEL_A.value, 0.0: Winner.MODEL_B.value, 0.5: Winner.TIE.value}


def _votes(
    cells: VoteCells, measure: Measure, steps: Sequence[tuple[_Unit, int]]
) -> list[tuple[Any, ...]]:
    """The concrete votes of a plan: the first votes (file order) of each cell it touches."""
    taken: dict[int, int] = {}
    picked: list[np.ndarray] = []  # rows of the changed votes, in plan order
    winners: list[str] = []
    added: dict[tuple[str, str, str], int] = {}
    for unit, k in steps:
        y_new = 0.0 if unit.y_new is None else float(unit.y_new)
        if unit.cell < 0:
            key = (cells.models[unit.a], cells.models[unit.b], _WINNER_OF[y_new])
            added[key] = added.get(key, 0) + int(k)
            continue
        start = taken.get(unit.cell, 0)
        taken[unit.cell] = start + k
        chosen = cells.rows[unit.cell][start : start + k]
        picked.append(chosen)
        winners.extend([_WINNER_OF[y_new]] * len(chosen))
    # One read of the id column for every changed vote (not one per vote).
    ids = cells.vote_ids.take(np.concatenate(picked)) if picked else np.empty(0, dtype=object)
    names = map(str, ids.tolist())
    # (vote id,) for a removal, (vote id, new winner) for a flip; zip builds the tuples.
    out: list[tuple[Any, ...]] = (
        list(zip(names)) if measure == "drop" else list(zip(names, winners, strict=True))
    )
    return out + [(*key, k) for key, k in added.items()]


def _ordered(cells: VoteCells, higher: str, lower: str) -> tuple[int, int, str, str]:
    """The pair's model indices and names, the higher rated first."""
    h, lo = cells.index(higher), cells.index(lower)
    if h == lo:
        raise ValueError("a pair needs two different models")
    if cells.theta[h] < cells.theta[lo]:
        h, lo, higher, lower = lo, h, lower, higher
    return h, lo, higher, lower


def _pair_goal(cells: VoteCells, h: int, lo: int) -> tuple[Objective, Callable[[np.ndarray], bool]]:
    """The gap ``theta_h - theta_l`` to push below zero, and the test that it is reversed."""
    c = np.zeros(len(cells.models))
    c[h], c[lo] = 1.0, -1.0

    def objective(theta: np.ndarray) -> np.ndarray:
        return c

    def reversed_at(theta: np.ndarray) -> bool:
        return bool(theta[h] - theta[lo] < -_EPS)

    return objective, reversed_at


def _drop_search(
    cells: VoteCells, higher: str, lower: str
) -> tuple[Objective, _Refits[_Found | None]]:
    """:func:`pair_fragility`'s removal search alone (to run), its votes not yet read."""
    h, lo, _, _ = _ordered(cells, higher, lower)
    objective, reversed_at = _pair_goal(cells, h, lo)
    units = _removal_units(cells)
    return objective, _search(cells, units, objective, reversed_at, cells.n_votes)


def pair_fragility(
    cells: VoteCells,
    higher: str,
    lower: str,
    *,
    ranks: dict[str, int] | None = None,
    measures: Sequence[Measure] = MEASURES,
    label: str = "",
) -> PairFragility:
    """Verified drop/flip/add-to-flip counts for two rated models (ordered by their ratings).

    ``add`` uses only pairs the log served: the lower model beats an opponent it met, or an
    opponent the higher model met beats it (the direct pair included when it was served).
    """
    pair = _PairSearches(cells, higher, lower, measures)
    return pair.result(_run(cells, pair.searches), ranks=ranks, label=label)


class _PairSearches:
    """The searches of :func:`pair_fragility` for one pair, to run (with others) by :func:`_run`."""

    def __init__(
        self, cells: VoteCells, higher: str, lower: str, measures: Sequence[Measure]
    ) -> None:
        h, lo, self.higher, self.lower = _ordered(cells, higher, lower)
        self.cells, self.h, self.lo = cells, h, lo
        self.objective, reversed_at = _pair_goal(cells, h, lo)
        self.measures = [m for m in MEASURES if m in measures]
        self.searches: list[_Refits[_Found | None]] = []
        for measure in self.measures:
            if measure == "drop":
                units, cap = _removal_units(cells), cells.n_votes
            elif measure == "flip":
                units, cap = _flip_units(cells), cells.n_votes
            else:
                adds = []
                for a, b in sorted(_served_pairs(cells)):
                    if lo in (a, b):
                        adds.append((a, b, lo))
                    elif h in (a, b):
                        adds.append((a, b, b if a == h else a))
                units, cap = _win_units(adds), 4 * cells.n_votes
            self.searches.append(_search(cells, units, self.objective, reversed_at, cap))

    def result(
        self,
        found: Sequence[_Found | None],
        *,
        ranks: dict[str, int] | None = None,
        label: str = "",
    ) -> PairFragility:
        """The pair's row from its searches' results (in the order of :attr:`searches`)."""
        cells = self.cells
        results = {m: FlipCount(m, None, None, False) for m in MEASURES}
        for measure, one in zip(self.measures, found, strict=True):
            results[measure] = _flip_count(cells, measure, self.objective, one)
        ranks = ranks or {}
        return PairFragility(
            higher=self.higher,
            lower=self.lower,
            rank_higher=ranks.get(self.higher, 0),
            rank_lower=ranks.get(self.lower, 0),
            rating_gap=float(cells.alpha * (cells.theta[self.h] - cells.theta[self.lo])),
            drop=results["drop"],
            flip=results["flip"],
            add=results["add"],
            n_votes=cells.n_votes,
            label=label,
        )


def _ranking(cells: VoteCells) -> list[str]:
    """Rated models by strength, best first (ties broken by name, as the leaderboard does)."""
    return sorted(cells.models, key=lambda m: (-cells.theta[cells.index(m)], m))


def added_votes_to_rank(cells: VoteCells, target: str, places: int) -> FlipCount:
    """Fewest added wins of ``target`` (on pairs it was served) that lift it ``places`` ranks.

    The rank after is ``1 +`` the models rated strictly above it on the exact refit; the count is
    verified like every other (and an upper bound). None when the target is already within
    ``places`` of the top, or no number of such votes gets it there.
    """
    order = _ranking(cells)
    t = cells.index(target)
    rank = order.index(target) + 1
    goal = rank - places
    if goal < 1:
        return FlipCount("add", None, None, False)

    def objective(theta: np.ndarray) -> np.ndarray:
        # The binding rival: the model the target must pass to reach ``goal`` on these strengths.
        others = [k for k in np.argsort(-theta, kind="stable") if k != t]
        c = np.zeros(len(theta))
        c[others[goal - 1]], c[t] = 1.0, -1.0
        return c

    def reversed_at(theta: np.ndarray) -> bool:
        return int((theta > theta[t] + _EPS).sum()) + 1 <= goal

    adds = [(a, b, t) for a, b in sorted(_served_pairs(cells)) if t in (a, b)]
    return _count(cells, "add", _win_units(adds), objective, reversed_at, 4 * cells.n_votes)


def fragility(
    battles: BattleTable,
    *,
    top: int = 10,
    pairs: Sequence[tuple[str, str]] = (),
    options: RatingOptions | None = None,
    measures: Sequence[Measure] = MEASURES,
    top_spot: bool = True,
    rows: np.ndarray | None = None,
    fitted: RatingResult | None = None,
) -> FragilityResult:
    """Votes-to-flip for each adjacent pair of the top ``top`` models, the #1 spot and ``pairs``.

    The #1 spot row is the challenger among the top ``top`` whose order with #1 is cheapest to
    reverse by removal (ties: the better ranked); every count is verified by exact refit.
    ``rows`` (one bool per row) asks about ``battles.frame[rows]`` only, without copying it.
    ``fitted``: those rows' ratings under ``options`` if the caller has them (:func:`vote_cells`).
    """
    started = time.perf_counter()
    if top < 2:
        raise ValueError("--top must be at least 2")
    cells = vote_cells(battles, options, rows=rows, fitted=fitted)
    order = _ranking(cells)
    ranks = {m: k for k, m in enumerate(order, start=1)}
    notes: list[str] = []
    if len(order) < 2:
        raise ValueError("fewer than two rated models: there is no order to reverse")
    head = order[: min(top, len(order))]
    if len(head) < top:
        notes.append(f"only {len(head)} rated models")
    known = set(cells.models)
    for a, b in pairs:
        for m in (a, b):
            if m not in known:
                raise ValueError(f"model {m!r} is not rated in this log")
    wanted = [(head[k], head[k + 1], "adjacent") for k in range(len(head) - 1)]
    wanted += [(a, b, "requested") for a, b in pairs]
    keys = list(dict.fromkeys((a, b) if ranks[a] < ranks[b] else (b, a) for a, b, _ in wanted))
    # The removal searches of the #1 spot's challengers not among those pairs (only the chosen
    # one's votes are read). Every search runs at once, their refits side by side (:func:`_run`).
    challengers = [(head[0], m) for m in head[1:] if (head[0], m) not in keys] if top_spot else []
    searches = {key: _PairSearches(cells, *key, measures) for key in keys}
    drop_searches = {key: _drop_search(cells, *key) for key in challengers}
    found = iter(
        _run(
            cells,
            [one for pair in searches.values() for one in pair.searches]
            + [search for _, search in drop_searches.values()],
        )
    )
    computed = {
        key: pair.result([next(found) for _ in pair.searches], ranks=ranks)
        for key, pair in searches.items()
    }
    drops = {key: (objective, next(found)) for key, (objective, _) in drop_searches.items()}
    result_pairs = tuple(
        replace(computed[(a, b) if ranks[a] < ranks[b] else (b, a)], label=label)
        for a, b, label in wanted
    )
    spot = None
    if top_spot:
        # Cheapest challenger by removals first (the headline count), then its full row.
        def drop_cost(m: str) -> float:
            key = (head[0], m)
            if key in computed:
                count = computed[key].drop.count
            else:
                one = drops[key][1]
                count = None if one is None else one.k
            return math.inf if count is None else float(count)

        costs = {m: drop_cost(m) for m in head[1:]}
        best = min(head[1:], key=lambda m: (costs[m], ranks[m]))
        key = (head[0], best)
        if key not in computed:
            if "drop" in measures:
                # The search is deterministic: the removal count already found is the same.
                rest = tuple(m for m in measures if m != "drop")
                pair = pair_fragility(cells, *key, ranks=ranks, measures=rest)
                computed[key] = replace(pair, drop=_flip_count(cells, "drop", *drops[key]))
            else:
                computed[key] = pair_fragility(cells, *key, ranks=ranks, measures=measures)
        spot = replace(computed[key], label="top_spot")
    return FragilityResult(
        pairs=result_pairs,
        top_spot=spot,
        n_votes=cells.n_votes,
        n_models=len(cells.models),
        top=len(head),
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )

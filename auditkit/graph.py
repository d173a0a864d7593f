"""The battle graph and the sampling audit: who met whom, how often, and whether that was fair.

"The Leaderboard Illusion" (Singh et al. 2025) showed large differences in how often providers'
models were sampled, many private variants with only the best published, and silent deprecations.
A graph that is barely connected makes ratings between its parts meaningless. :func:`audit_graph`
measures all of that once and returns a :class:`GraphAudit`, used by ``auditkit graph`` and by the
``sampling`` detector.

The sampling null (see :mod:`auditkit.stats.sampling`): each battle draws an unordered pair of the
models *active* at that time — between a model's first and last battle in the log — with probability
∝ ``w_a · w_b`` (weights from ``rules/sampling.yaml``, uniform by default). Battles are grouped into
epochs of constant active set, so models entering and leaving do not look like imbalance.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from auditkit.codes import TableCodes, row_positions
from auditkit.errors import RuleError
from auditkit.findings import Severity, jsonable
from auditkit.lazy import lazy_module
from auditkit.rulepack import require
from auditkit.schema import models_in
from auditkit.stats.pvalues import adjust_pvalues, binomial_two_sided
from auditkit.stats.sampling import (
    best_of_n_bias,
    drift_chi_square,
    epoch_moments,
    fiedler_value,
    next_pair_priorities,
    quadratic_form_test,
    z_test_counts,
)

if TYPE_CHECKING:
    import networkx as nx
    from scipy.sparse import csgraph

    from auditkit.models_map import ModelMap
    from auditkit.rulepack import RulePack
    from auditkit.schema import BattleTable
else:
    nx = lazy_module("networkx")  # imported on first use (auditkit.lazy)
    csgraph = lazy_module("scipy.sparse.csgraph")  # imported on first use (auditkit.lazy)

__all__ = [
    "GraphAudit",
    "PairCounts",
    "SamplingConfig",
    "SamplingFlag",
    "audit_graph",
    "battle_graph",
    "family_key",
    "fit_ratings_frame",
    "pair_counts",
]

_DAY = 86_400.0
# Elo points per natural-log unit at the LMArena scale (400 / ln 10).
_ELO_PER_NAT = 400.0 / math.log(10.0)
# Stoer-Wagner is pure Python, O(n^3 log n): beyond this many models the min cut is skipped.
_MAX_MIN_CUT_MODELS = 200
# Models with fewer battles do not enter the CI-width-vs-battles slope (their CIs are unreliable).
_SLOPE_MIN_BATTLES = 50


@dataclass(frozen=True)
class SamplingConfig:
    """The ``sampling`` section of the rule pack, validated."""

    alpha: float = 0.001
    correction: str = "bonferroni"
    weights: Mapping[str, float] = field(default_factory=dict)
    default_weight: float = 1.0
    min_ratio: float = 1.5
    window_days: float = 7.0
    max_windows: int = 52
    deprecation_gap_days: float = 14.0
    min_cut_battles: int = 20
    weakest_links: int = 10
    position_min_battles: int = 50
    provider_tests: bool = True
    max_pair_weight: float = 10.0
    next_pairs: int = 10
    family_strip_patterns: tuple[str, ...] = ()

    @classmethod
    def from_rules(cls, rules: RulePack) -> SamplingConfig:
        s = rules.section("sampling", default={})
        where = rules.where("sampling")
        num = (int, float)
        correction = require(s, "correction", str, where=where, default="bonferroni")
        if correction not in ("bonferroni", "bh"):
            raise RuleError("key 'correction' must be 'bonferroni' or 'bh'", path=where)
        raw_weights = require(s, "weights", dict, where=where, default={}) or {}
        weights = {str(k): float(require(raw_weights, k, num, where=where)) for k in raw_weights}
        patterns = tuple(
            str(p) for p in require(s, "family_strip_patterns", list, where=where, default=[])
        )
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise RuleError(f"bad family pattern {pattern!r}: {exc}", path=where) from None
        return cls(
            alpha=float(require(s, "alpha", num, where=where, default=0.001)),
            correction=correction,
            weights=weights,
            default_weight=float(require(s, "default_weight", num, where=where, default=1.0)),
            min_ratio=float(require(s, "min_ratio", num, where=where, default=1.5)),
            window_days=float(require(s, "window_days", num, where=where, default=7)),
            max_windows=int(require(s, "max_windows", int, where=where, default=52)),
            deprecation_gap_days=float(
                require(s, "deprecation_gap_days", num, where=where, default=14)
            ),
            min_cut_battles=int(require(s, "min_cut_battles", int, where=where, default=20)),
            weakest_links=int(require(s, "weakest_links", int, where=where, default=10)),
            position_min_battles=int(
                require(s, "position_min_battles", int, where=where, default=50)
            ),
            provider_tests=bool(require(s, "provider_tests", bool, where=where, default=True)),
            max_pair_weight=float(require(s, "max_pair_weight", num, where=where, default=10.0)),
            next_pairs=int(require(s, "next_pairs", int, where=where, default=10)),
            family_strip_patterns=patterns,
        )


@dataclass(frozen=True)
class SamplingFlag:
    """One thing the sampling audit flags; becomes one table-level finding of detector ``sampling``."""

    kind: str
    subject: str
    statistic: float | None
    p_value: float | None
    message: str
    severity: Severity = Severity.MEDIUM
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("statistic", "p_value"):
            value = getattr(self, name)
            object.__setattr__(self, name, None if value is None else jsonable(float(value)))
        object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "evidence", jsonable(dict(self.evidence)))

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "statistic": jsonable(self.statistic),
            "p_value": jsonable(self.p_value),
            "message": self.message,
            "severity": self.severity.value,
            "evidence": jsonable(dict(self.evidence)),
        }


@dataclass(frozen=True, eq=False)
class PairCounts:
    """Integer-coded battles: ``models`` sorted, ``a``/``b`` codes per battle, symmetric counts."""

    models: tuple[str, ...]
    a: np.ndarray
    b: np.ndarray
    counts: np.ndarray

    @property
    def appearances(self) -> np.ndarray:
        return self.counts.sum(axis=1)


def pair_counts(frame: pd.DataFrame, table_codes: TableCodes | None = None) -> PairCounts:
    """Code ``model_a``/``model_b`` against the sorted model list and count battles per pair.

    Vectorised (factorize + bincount) so a few million battles take well under a second.
    ``table_codes``: the table's own model codes (``BattleTable.codes``) when ``frame`` is its frame.
    """
    n = len(frame)
    if frame["model_a"].isna().any() or frame["model_b"].isna().any():
        # A missing name counts as the model "<NA>" here (as ``astype(str)`` spells it).
        both = pd.concat([frame["model_a"], frame["model_b"]], ignore_index=True).astype(str)
        codes, uniques = pd.factorize(both, sort=True)
        a = codes[:n].astype(np.int64)
        b = codes[n:].astype(np.int64)
    else:
        # Each side looked up in the sorted names over its Arrow buffers: no Python string per
        # row (the joined, stringified columns were 20M objects at 10M battles).
        if table_codes is not None:
            uniques = pd.Index(list(table_codes.models), dtype=object)
            # The shared int32 codes themselves (read only here): every key made of them below
            # (``a * k + b`` and the like) stays under k² < 2³¹; past that, int64 copies.
            small = len(uniques) ** 2 < 2**31
            a = table_codes.model_a if small else table_codes.model_a.astype(np.int64)
            b = table_codes.model_b if small else table_codes.model_b.astype(np.int64)
        else:
            uniques = pd.Index(models_in(frame), dtype=object)
            a = row_positions(frame["model_a"], list(uniques))
            b = row_positions(frame["model_b"], list(uniques))
    k = len(uniques)
    flat = np.bincount(a * k + b, minlength=k * k).reshape(k, k) if k else np.zeros((0, 0))
    counts = (flat + flat.T).astype(np.int64)
    np.fill_diagonal(counts, np.diag(flat))  # self-battles (if any slipped through) count once
    return PairCounts(models=tuple(str(m) for m in uniques), a=a, b=b, counts=counts)


def battle_graph(pairs: PairCounts) -> nx.Graph:
    """Models as nodes, one edge per observed pair with ``weight`` = number of battles."""
    graph = nx.Graph()
    graph.add_nodes_from(pairs.models)
    rows, cols = np.nonzero(np.triu(pairs.counts, k=1))
    graph.add_weighted_edges_from(
        (pairs.models[i], pairs.models[j], int(pairs.counts[i, j]))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
    )
    return graph


def family_key(model: str, patterns: Sequence[str]) -> str:
    """The family a model variant belongs to: its lower-cased name with variant suffixes stripped."""
    key = model.strip().lower()
    changed = True
    while changed:
        changed = False
        for pattern in patterns:
            stripped = re.sub(pattern, "", key)
            if stripped != key and stripped:
                key, changed = stripped, True
    return key


@dataclass(frozen=True, eq=False)
class GraphAudit:
    """Everything the sampling audit measured; JSON keys are the CLI's ``--json`` contract."""

    n_battles: int
    models: tuple[str, ...]
    components: tuple[tuple[str, ...], ...]
    fiedler: Mapping[str, Any]
    pair_coverage: Mapping[str, Any]
    connectivity: Mapping[str, Any]
    share_test: Mapping[str, Any]
    model_share: tuple[Mapping[str, Any], ...]
    provider_share: tuple[Mapping[str, Any], ...]
    position_balance: tuple[Mapping[str, Any], ...]
    windows: tuple[Mapping[str, Any], ...]
    drift: tuple[Mapping[str, Any], ...]
    deprecations: tuple[Mapping[str, Any], ...]
    families: tuple[Mapping[str, Any], ...]
    ci_vs_battles: Mapping[str, Any] | None
    pair_weights: pd.DataFrame
    next_pairs: tuple[Mapping[str, Any], ...]
    flags: tuple[SamplingFlag, ...]
    notes: tuple[str, ...] = ()

    @property
    def expected_shares(self) -> dict[str, float]:
        """Model → expected share of appearances under the null (what the report plots)."""
        return {str(r["model"]): float(r["expected"]) for r in self.model_share}

    @property
    def variants_by_provider(self) -> dict[str, dict[str, Any]]:
        """Provider → how many variant families and variants it ran (see ``families``)."""
        out: dict[str, dict[str, Any]] = {}
        for fam in self.families:
            entry = out.setdefault(
                str(fam["provider"]), {"families": 0, "variants": 0, "models": []}
            )
            entry["families"] += 1
            entry["variants"] += int(fam["variants"])
            entry["models"].extend(str(m["model"]) for m in fam["members"])
        return {k: out[k] for k in sorted(out)}

    def to_frame(self) -> pd.DataFrame:
        """Per-model table: battles, share, expected, residual, p-values, position and anony shares."""
        frame = pd.DataFrame([dict(r) for r in self.model_share])
        if frame.empty:
            return frame
        position = pd.DataFrame([dict(r) for r in self.position_balance])
        if not position.empty:
            frame = frame.merge(
                position[["model", "a_share", "position_p_value"]], on="model", how="left"
            )
        return frame

    def to_json(self) -> dict[str, Any]:
        out = {
            "n_battles": self.n_battles,
            "models": list(self.models),
            "components": [list(c) for c in self.components],
            "fiedler": dict(self.fiedler),
            "pair_coverage": dict(self.pair_coverage),
            "connectivity": dict(self.connectivity),
            "share_test": dict(self.share_test),
            "model_share": [dict(r) for r in self.model_share],
            "provider_share": [dict(r) for r in self.provider_share],
            "position_balance": [dict(r) for r in self.position_balance],
            "windows": [dict(r) for r in self.windows],
            "drift": [dict(r) for r in self.drift],
            "deprecations": [dict(r) for r in self.deprecations],
            "families": [dict(r) for r in self.families],
            "variants_by_provider": self.variants_by_provider,
            "ci_vs_battles": dict(self.ci_vs_battles) if self.ci_vs_battles else None,
            "pair_weights": self.pair_weights.to_dict(orient="records"),
            "next_pairs": [dict(r) for r in self.next_pairs],
            "expected_shares": self.expected_shares,
            "flags": [f.to_json() for f in self.flags],
            "notes": list(self.notes),
        }
        result: dict[str, Any] = jsonable(out)
        return result

    def _repr_html_(self) -> str:
        from auditkit.report.notebook import graph_html

        return graph_html(self)

    def summary(self) -> str:
        cov = self.pair_coverage
        lines = [
            f"battle graph: {len(self.models)} models, {self.n_battles:,} battles, "
            f"{len(self.components)} component(s)",
            f"pair coverage: {cov.get('observed', 0):,} of {cov.get('possible', 0):,} pairs "
            f"({100.0 * float(cov.get('share') or 0.0):.1f}%)",
            f"algebraic connectivity (Fiedler): {self.fiedler.get('value', 0.0):.3g} "
            f"(normalized {self.fiedler.get('normalized', 0.0):.3g})",
        ]
        test = self.share_test
        if test:
            lines.append(
                f"share test vs {test.get('policy')}: chi2={test.get('statistic', 0.0):.1f} "
                f"dof={test.get('dof')} p={test.get('p_value', 1.0):.3g}"
            )
        ranked = sorted(self.model_share, key=lambda r: -int(r["battles"]))
        if ranked:
            top, low = ranked[0], ranked[-1]
            lines.append(
                f"most sampled: {top['model']} ({top['battles']:,}); "
                f"least sampled: {low['model']} ({low['battles']:,})"
            )
        weakest = self.connectivity.get("weakest_pairs") or []
        if weakest:
            w = weakest[0]
            lines.append(
                f"weakest pair: {w['model_a']} vs {w['model_b']} ({w['battles']} battle(s))"
            )
        for fam in sorted(self.families, key=lambda f: -float(f["best_of_n_bias"] or 0))[:5]:
            lines.append(
                f"variant family {fam['family']} ({fam['provider']}): {fam['variants']} variants, "
                f"best-of-N bias ≈ {float(fam['best_of_n_bias'] or 0):.1f} Elo"
            )
        if self.deprecations:
            lines.append(f"deprecated models: {len(self.deprecations)}")
        if self.next_pairs:
            shown = ", ".join(f"{p['model_a']} vs {p['model_b']}" for p in self.next_pairs[:3])
            lines.append(f"sample next: {shown}")
        lines.append(f"flags: {len(self.flags)}")
        lines.extend(f"  [{f.kind}] {f.message}" for f in self.flags)
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)


def fit_ratings_frame(battles: BattleTable) -> pd.DataFrame | None:
    """Ratings with sandwich CIs for the audit's CI-vs-battles table; None if the engine is absent."""
    try:
        from auditkit.ratings import RatingOptions, fit_ratings
    except ImportError:
        return None
    frame: pd.DataFrame = fit_ratings(battles, RatingOptions(ci="sandwich")).to_frame()
    return frame


# --------------------------------------------------------------------------------------------------
# the audit


def audit_graph(
    battles: BattleTable,
    rules: RulePack,
    *,
    ratings: pd.DataFrame | None = None,
    model_map: ModelMap | None = None,
    config: SamplingConfig | None = None,
) -> GraphAudit:
    """Audit the battle graph and the sampling shares of ``battles`` under the rule pack's policy.

    ``ratings`` (optional, a ``RatingResult.to_frame()``: model, rating, ci_lower, ci_upper,
    battles) enables the CI-width-vs-battles table and rating-based best-of-N selection bias; without
    it the bias uses the binomial approximation SE ≈ (400/ln 10)·2/√battles.
    """
    cfg = config or SamplingConfig.from_rules(rules)
    if model_map is None:
        from auditkit.models_map import load_model_map

        model_map = load_model_map(rules)
    frame = battles.frame
    notes: list[str] = []
    pairs = pair_counts(frame, battles.codes)
    k = len(pairs.models)
    n = len(frame)
    flags: list[SamplingFlag] = []

    graph = battle_graph(pairs)
    components = _components(graph)
    coverage = _coverage(pairs.counts)
    fiedler = _fiedler(pairs, components)
    connectivity = _connectivity(graph, components, cfg, flags, notes)

    times = frame["tstamp"].to_numpy(dtype=np.float64)
    timed = bool(np.isfinite(times).any())
    if not timed:
        notes.append(
            "no timestamps: every model counted as active throughout; no drift/deprecation"
        )
    component = np.zeros(k, dtype=np.int64)
    for c, members in enumerate(components):
        component[[pairs.models.index(m) for m in members]] = c
    epochs, epoch_of, first, last = _epochs(pairs, times, component)
    weights = np.array([cfg.weights.get(m, cfg.default_weight) for m in pairs.models])
    active = np.stack([e["active"] for e in epochs]) if epochs else np.zeros((0, k), dtype=bool)
    epoch_n = np.array([e["n"] for e in epochs], dtype=np.float64)
    mean, cov, expected_pairs = epoch_moments(active, epoch_n, weights)
    policy = "declared weights" if cfg.weights else "uniform pairs among active models"

    observed = pairs.appearances.astype(np.float64)
    model_share, share_test = _model_shares(
        pairs, frame, observed, (mean, cov), (first, last), policy, cfg, flags
    )

    provider_share = (
        _provider_shares(pairs, observed, mean, cov, model_map, cfg, n, flags)
        if cfg.provider_tests
        else []
    )
    position = _position_balance(pairs, observed, cfg, flags)
    windows: list[dict[str, Any]] = []
    drift: list[dict[str, Any]] = []
    deprecations: list[dict[str, Any]] = []
    if timed:
        windows, drift = _windows(pairs, times, epochs, epoch_of, weights, cfg, flags)
        deprecations = _deprecations(pairs, first, last, times, cfg, flags)
    families = _families(pairs, first, last, model_map, ratings, cfg)
    ci_vs = _ci_vs_battles(ratings, flags)
    # Without ratings the best-of-N bias uses SE ≈ 347.4/sqrt(battles); each family row says so
    # (``se_source``), so no note: the audit computes ratings after this detector, and a note
    # "no ratings given" printed beside them read as false.
    pair_weights = _pair_weights(pairs, expected_pairs, cfg)
    # "current" models: not deprecated (all of them without timestamps)
    end = float(np.nanmax(times)) if timed else math.inf
    current = ~(np.isfinite(last) & (end - last >= cfg.deprecation_gap_days * _DAY))
    next_pairs = _next_pairs(frame, pairs, current, cfg)

    def rows(items: Sequence[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
        return tuple(jsonable(dict(r)) for r in items)

    return GraphAudit(
        n_battles=n,
        models=pairs.models,
        components=components,
        fiedler=jsonable(fiedler),
        pair_coverage=jsonable(coverage),
        connectivity=jsonable(connectivity),
        share_test=jsonable(share_test),
        model_share=rows(model_share),
        provider_share=rows(provider_share),
        position_balance=rows(position),
        windows=rows(windows),
        drift=rows(drift),
        deprecations=rows(deprecations),
        families=rows(families),
        ci_vs_battles=jsonable(ci_vs) if ci_vs is not None else None,
        pair_weights=pair_weights,
        next_pairs=rows(next_pairs),
        flags=tuple(sorted(flags, key=lambda f: (f.kind, f.subject))),
        notes=tuple(notes),
    )


def _fiedler(pairs: PairCounts, components: tuple[tuple[str, ...], ...]) -> dict[str, float]:
    """Algebraic connectivity of the battle graph (0 when it is disconnected) and of its largest
    component, plain and normalised."""
    largest = list(components[0]) if components else []
    idx = [pairs.models.index(m) for m in largest]
    sub = pairs.counts[np.ix_(idx, idx)].astype(np.float64)
    np.fill_diagonal(sub, 0.0)
    return {
        "value": fiedler_value(sub) if len(components) == 1 else 0.0,
        "normalized": fiedler_value(sub, normalized=True) if len(components) == 1 else 0.0,
        "largest_component_value": fiedler_value(sub),
        "largest_component_normalized": fiedler_value(sub, normalized=True),
    }


def _model_shares(
    pairs: PairCounts,
    frame: pd.DataFrame,
    observed: np.ndarray,
    moments: tuple[np.ndarray, np.ndarray],
    seen: tuple[np.ndarray, np.ndarray],
    policy: str,
    cfg: SamplingConfig,
    flags: list[SamplingFlag],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Each model's share of battles against the policy's expectation (``moments``: mean and
    covariance of the appearance counts), and the global share test; appends over- and
    under-sampling flags."""
    mean, cov = moments
    first, last = seen
    k = len(pairs.models)
    n = len(frame)
    z, p_raw = z_test_counts(observed, mean, np.diag(cov))
    p_adj = adjust_pvalues(p_raw, cfg.correction)
    stat, dof, p_global = quadratic_form_test(observed, mean, cov)
    share_test = {"policy": policy, "statistic": stat, "dof": dof, "p_value": p_global}
    anony = frame["anony"].to_numpy(dtype=bool)
    anony_counts = np.bincount(pairs.a[anony], minlength=k) + np.bincount(
        pairs.b[anony], minlength=k
    )
    model_share = []
    for i, model in enumerate(pairs.models):
        ratio = observed[i] / mean[i] if mean[i] > 0 else math.inf
        row = {
            "model": model,
            "battles": int(observed[i]),
            "share": observed[i] / (2.0 * n) if n else 0.0,
            "expected": mean[i] / (2.0 * n) if n else 0.0,
            "expected_battles": float(mean[i]),
            "ratio": ratio,
            "residual": float(z[i]),
            "p_value": float(p_raw[i]),
            "p_adjusted": float(p_adj[i]),
            "anony_share": anony_counts[i] / observed[i] if observed[i] else None,
            "first_seen": _ts(first[i]),
            "last_seen": _ts(last[i]),
        }
        model_share.append(row)
        if not p_adj[i] <= cfg.alpha:  # (NaN never flags)
            continue
        if ratio >= cfg.min_ratio:
            kind, severity = "oversampled", Severity.MEDIUM
        elif ratio <= 1.0 / cfg.min_ratio:
            kind, severity = "undersampled", Severity.LOW
        else:
            continue
        flags.append(
            SamplingFlag(
                kind,
                model,
                float(z[i]),
                float(p_adj[i]),
                f"{model} appeared in {int(observed[i]):,} battles, {ratio:.2f}x the "
                f"{mean[i]:,.0f} expected under {policy}",
                severity,
                {"ratio": ratio, "expected_battles": mean[i], "battles": observed[i]},
            )
        )
    return model_share, share_test


def _ts(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _components(graph: nx.Graph) -> tuple[tuple[str, ...], ...]:
    """Connected components, the main one (most battles, then most models) first."""
    comps = [tuple(sorted(str(m) for m in c)) for c in nx.connected_components(graph)]

    def battles(comp: tuple[str, ...]) -> float:
        return float(graph.subgraph(comp).size(weight="weight"))

    return tuple(sorted(comps, key=lambda c: (-battles(c), -len(c), c)))


def _coverage(counts: np.ndarray) -> dict[str, Any]:
    k = counts.shape[0]
    possible = k * (k - 1) // 2
    observed = int(np.count_nonzero(np.triu(counts, k=1)))
    return {
        "observed": observed,
        "possible": possible,
        "share": observed / possible if possible else None,
    }


def _connectivity(
    graph: nx.Graph,
    components: tuple[tuple[str, ...], ...],
    cfg: SamplingConfig,
    flags: list[SamplingFlag],
    notes: list[str],
) -> dict[str, Any]:
    """Components, bridges, the weakest pairs and the global minimum cut of the largest component."""
    for comp in components[1:]:
        battles = int(graph.subgraph(comp).size(weight="weight"))
        flags.append(
            SamplingFlag(
                "disconnected",
                ",".join(comp),
                float(len(comp)),
                None,
                f"{len(comp)} model(s) never battled the main component "
                f"({len(components[0])} models, most battles): {', '.join(comp[:8])}"
                f"{' …' if len(comp) > 8 else ''}; ratings across the gap are not comparable",
                Severity.HIGH,
                {"models": list(comp), "internal_battles": battles},
            )
        )
    edges = sorted(
        ((int(d["weight"]), u, v) for u, v, d in graph.edges(data=True)),
        key=lambda e: (e[0], min(e[1], e[2]), max(e[1], e[2])),
    )
    weakest = [
        {"model_a": min(u, v), "model_b": max(u, v), "battles": w}
        for w, u, v in edges[: cfg.weakest_links]
    ]
    bridges = sorted(
        (
            {"model_a": min(u, v), "model_b": max(u, v), "battles": int(graph[u][v]["weight"])}
            for comp in components
            if len(comp) >= 3  # in a two-model component the one edge is trivially a bridge
            for u, v in nx.bridges(graph.subgraph(comp))
        ),
        key=lambda r: (r["battles"], r["model_a"], r["model_b"]),
    )
    out: dict[str, Any] = {"bridges": bridges, "weakest_pairs": weakest, "min_cut": None}
    if components and 3 <= len(components[0]) <= _MAX_MIN_CUT_MODELS:
        sub = graph.subgraph(components[0])
        cut_value, (side_1, side_2) = nx.stoer_wagner(sub, weight="weight")
        sides = sorted((sorted(side_1), sorted(side_2)), key=lambda s: (len(s), s))
        small = tuple(str(m) for m in sides[0])
        out["min_cut"] = {"battles": int(cut_value), "side": list(small)}
        if cut_value < cfg.min_cut_battles:
            flags.append(
                SamplingFlag(
                    "low_connectivity",
                    ",".join(small),
                    float(cut_value),
                    None,
                    f"only {int(cut_value)} battle(s) connect {', '.join(small[:8])}"
                    f"{' …' if len(small) > 8 else ''} to the rest of the graph "
                    f"(minimum cut < {cfg.min_cut_battles})",
                    Severity.MEDIUM,
                    {"min_cut": int(cut_value), "side": list(small), "bridges": bridges[:10]},
                )
            )
    elif components and len(components[0]) > _MAX_MIN_CUT_MODELS:
        notes.append(
            f"minimum cut skipped: more than {_MAX_MIN_CUT_MODELS} models in the main component"
        )
    return out


def _epochs(
    pairs: PairCounts, times: np.ndarray, component: np.ndarray
) -> tuple[list[dict[str, Any]], np.ndarray, np.ndarray, np.ndarray]:
    """Group battles into epochs of constant active-model set.

    A model is active from its first to its last battle, and only within its connected component
    (``component[i]`` labels model ``i``): a disconnected group is its own arena, reported once by the
    ``disconnected`` flag rather than again as every model's share. Untimed battles form one epoch
    per component in which all of its models are active.
    """
    k = len(pairs.models)
    n = len(times)
    timed = np.isfinite(times)
    first = np.full(k, np.inf)
    last = np.full(k, -np.inf)
    if timed.any():
        for codes in (pairs.a, pairs.b):
            np.minimum.at(first, codes[timed], times[timed])
            np.maximum.at(last, codes[timed], times[timed])
    seen = np.isfinite(first)
    bounds = np.unique(np.concatenate([first[seen], np.nextafter(last[seen], np.inf)]))
    # time label 0 = untimed; otherwise 1 + the interval between consecutive bounds
    time_label = np.zeros(n, dtype=np.int64)
    time_label[timed] = 1 + np.searchsorted(bounds, times[timed], side="right")
    comp = component[pairs.a] if n else np.zeros(0, dtype=np.int64)
    key = comp * (len(bounds) + 2) + time_label
    # np.unique(key, return_inverse=True) by counting: the keys are small non-negative labels.
    per_key = np.bincount(key) if n else np.zeros(0, dtype=np.int64)
    keys = np.flatnonzero(per_key)
    epoch_of = (np.cumsum(per_key > 0) - 1)[key] if n else np.zeros(0, dtype=np.int64)
    counts = per_key[keys]
    epochs: list[dict[str, Any]] = []
    for e, value in enumerate(keys.tolist()):
        c, label = divmod(value, len(bounds) + 2)
        in_comp = component == c
        if label == 0:
            active = in_comp
        else:
            start = bounds[label - 2] if label >= 2 else -np.inf
            active = in_comp & (first <= start) & (last >= start)
        epochs.append({"active": active, "n": int(counts[e])})
    return epochs, epoch_of.astype(np.int64), first, last


def _provider_shares(
    pairs: PairCounts,
    observed: np.ndarray,
    mean: np.ndarray,
    cov: np.ndarray,
    model_map: ModelMap,
    cfg: SamplingConfig,
    n: int,
    flags: list[SamplingFlag],
) -> list[dict[str, Any]]:
    makers = [model_map.lookup(m).maker or "unknown" for m in pairs.models]
    names = sorted(set(makers))
    member = np.array([[mk == name for mk in makers] for name in names], dtype=np.float64)
    o = member @ observed
    e = member @ mean
    var = np.einsum("ij,jk,ik->i", member, cov, member)
    z, p = z_test_counts(o, e, var)
    p_adj = adjust_pvalues(p, cfg.correction)
    rows = []
    for i, name in enumerate(names):
        ratio = o[i] / e[i] if e[i] > 0 else math.inf
        models = [m for m, mk in zip(pairs.models, makers, strict=True) if mk == name]
        rows.append(
            {
                "provider": name,
                "models": len(models),
                "battles": int(o[i]),
                "share": o[i] / (2.0 * n) if n else 0.0,
                "expected": e[i] / (2.0 * n) if n else 0.0,
                "ratio": ratio,
                "residual": float(z[i]),
                "p_value": float(p[i]),
                "p_adjusted": float(p_adj[i]),
            }
        )
        material = ratio >= cfg.min_ratio or ratio <= 1.0 / cfg.min_ratio
        if name != "unknown" and len(names) > 1 and p_adj[i] <= cfg.alpha and material:
            direction = "more" if ratio > 1 else "fewer"
            flags.append(
                SamplingFlag(
                    "provider_share",
                    name,
                    float(z[i]),
                    float(p_adj[i]),
                    f"provider {name} ({len(models)} model(s)) got {ratio:.2f}x the expected "
                    f"battles ({direction} than its models' fair share)",
                    Severity.MEDIUM,
                    {"models": models, "battles": o[i], "expected_battles": e[i]},
                )
            )
    return rows


def _position_balance(
    pairs: PairCounts, observed: np.ndarray, cfg: SamplingConfig, flags: list[SamplingFlag]
) -> list[dict[str, Any]]:
    k = len(pairs.models)
    as_a = np.bincount(pairs.a, minlength=k).astype(np.float64)
    tested = observed >= cfg.position_min_battles
    p = binomial_two_sided(as_a, observed, 0.5)
    p_adj = np.ones(k)
    p_adj[tested] = adjust_pvalues(p[tested], cfg.correction)
    rows = []
    for i, model in enumerate(pairs.models):
        share = as_a[i] / observed[i] if observed[i] else None
        rows.append(
            {
                "model": model,
                "as_a": int(as_a[i]),
                "battles": int(observed[i]),
                "a_share": share,
                "position_p_value": float(p[i]),
                "p_adjusted": float(p_adj[i]) if tested[i] else None,
            }
        )
        if tested[i] and p_adj[i] <= cfg.alpha:
            flags.append(
                SamplingFlag(
                    "position_imbalance",
                    model,
                    share,
                    float(p_adj[i]),
                    f"{model} was shown as model A in {int(as_a[i]):,} of {int(observed[i]):,} "
                    f"battles ({100 * (share or 0):.1f}%, expected 50%)",
                    Severity.MEDIUM,
                    {"as_a": as_a[i], "battles": observed[i]},
                )
            )
    return rows


def _windows(
    pairs: PairCounts,
    times: np.ndarray,
    epochs: list[dict[str, Any]],
    epoch_of: np.ndarray,
    weights: np.ndarray,
    cfg: SamplingConfig,
    flags: list[SamplingFlag],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per-window graph facts and each model's share drift across windows."""
    k = len(pairs.models)
    timed = np.isfinite(times)
    t0, t1 = float(np.nanmin(times)), float(np.nanmax(times))
    width = cfg.window_days * _DAY
    n_windows = max(1, min(cfg.max_windows, math.ceil((t1 - t0) / width) if t1 > t0 else 1))
    width = max(width, (t1 - t0) / n_windows) if t1 > t0 else width
    window = np.clip(((times[timed] - t0) // width).astype(np.int64), 0, n_windows - 1)
    a, b, ep = pairs.a[timed], pairs.b[timed], epoch_of[timed]
    obs = np.bincount(window * k + a, minlength=n_windows * k).astype(np.float64)
    obs += np.bincount(window * k + b, minlength=n_windows * k)
    obs = obs.reshape(n_windows, k)
    # expected appearances per window = Σ over epochs (battles of the epoch in the window) · p_epoch
    n_ep = len(epochs)
    we = np.bincount(window * n_ep + ep, minlength=n_windows * n_ep).astype(np.float64)
    we = we.reshape(n_windows, n_ep)
    p_epoch = np.zeros((n_ep, k))
    for e, epoch in enumerate(epochs):
        mean, _, _ = epoch_moments(epoch["active"][None, :], np.array([1.0]), weights)
        p_epoch[e] = mean
    exp = we @ p_epoch
    per_window = np.bincount((window * k + a) * k + b, minlength=n_windows * k * k)
    per_window = per_window.reshape(n_windows, k, k).astype(np.float64)
    battles_in = np.bincount(window, minlength=n_windows)
    rows = []
    for w in range(n_windows):
        counts = per_window[w] + per_window[w].T
        present = np.nonzero(obs[w] > 0)[0]
        sub = counts[np.ix_(present, present)]
        np.fill_diagonal(sub, 0.0)
        n_comp = (
            int(csgraph.connected_components(sub > 0, directed=False)[0]) if present.size else 0
        )
        possible = present.size * (present.size - 1) // 2
        observed_pairs = int(np.count_nonzero(np.triu(sub, k=1)))
        rows.append(
            {
                "window": w,
                "start": t0 + w * width,
                "end": t0 + (w + 1) * width,
                "battles": int(battles_in[w]),
                "models": int(present.size),
                "components": n_comp,
                "pair_coverage": observed_pairs / possible if possible else None,
                "fiedler_normalized": fiedler_value(sub, normalized=True) if n_comp == 1 else 0.0,
            }
        )
    drift_rows = []
    stats_ = [drift_chi_square(obs[:, i], exp[:, i]) for i in range(k)]
    p_raw = np.array([s[2] for s in stats_])
    testable = np.array([s[1] > 0 for s in stats_])
    p_adj = np.ones(k)
    if testable.any():
        p_adj[testable] = adjust_pvalues(p_raw[testable], cfg.correction)
    for i, model in enumerate(pairs.models):
        stat, dof, p = stats_[i]
        if dof == 0:
            continue
        drift_rows.append(
            {
                "model": model,
                "statistic": stat,
                "dof": dof,
                "p_value": p,
                "p_adjusted": float(p_adj[i]),
                "observed": obs[:, i].astype(int).tolist(),
                "expected": exp[:, i].round(2).tolist(),
            }
        )
        if p_adj[i] <= cfg.alpha:
            flags.append(
                SamplingFlag(
                    "share_drift",
                    model,
                    stat,
                    float(p_adj[i]),
                    f"{model}'s share changed across {dof + 1} time windows beyond what its "
                    f"active period explains (chi2={stat:.1f}, dof={dof})",
                    Severity.LOW,
                    {"observed": obs[:, i], "expected": exp[:, i].round(2)},
                )
            )
    return rows, drift_rows


def _deprecations(
    pairs: PairCounts,
    first: np.ndarray,
    last: np.ndarray,
    times: np.ndarray,
    cfg: SamplingConfig,
    flags: list[SamplingFlag],
) -> list[dict[str, Any]]:
    """Models whose battles stop well before the log ends, and the comparisons that then never happen."""
    end = float(np.nanmax(times))
    gap = cfg.deprecation_gap_days * _DAY
    rows = []
    for i, model in enumerate(pairs.models):
        if not math.isfinite(last[i]) or end - last[i] < gap:
            continue
        later = [pairs.models[j] for j in range(len(pairs.models)) if first[j] > last[i]]
        rows.append(
            {
                "model": model,
                "last_seen": float(last[i]),
                "days_before_end": (end - last[i]) / _DAY,
                "battles": int(pairs.appearances[i]),
                "missing_comparisons": len(later),
                "never_met": later,
            }
        )
        flags.append(
            SamplingFlag(
                "deprecated",
                model,
                float(len(later)),
                None,
                f"{model} stopped appearing {(end - last[i]) / _DAY:.0f} days before the log ends; "
                f"{len(later)} model(s) introduced later can never be compared with it",
                Severity.INFO,
                {"last_seen": last[i], "missing_comparisons": len(later), "never_met": later},
            )
        )
    return rows


def _families(
    pairs: PairCounts,
    first: np.ndarray,
    last: np.ndarray,
    model_map: ModelMap,
    ratings: pd.DataFrame | None,
    cfg: SamplingConfig,
) -> list[dict[str, Any]]:
    """Variant families, their lifetimes, and the best-of-N bias of publishing only the best one."""
    ses: dict[str, float] = {}
    values: dict[str, float] = {}
    if ratings is not None and not ratings.empty:
        for row in ratings.itertuples(index=False):
            lo, hi = (
                float(getattr(row, "ci_lower", np.nan)),
                float(getattr(row, "ci_upper", np.nan)),
            )
            if math.isfinite(lo) and math.isfinite(hi):
                ses[str(row.model)] = (hi - lo) / (2.0 * 1.959964)
            values[str(row.model)] = float(getattr(row, "rating", np.nan))
    groups: dict[str, list[int]] = {}
    for i, model in enumerate(pairs.models):
        groups.setdefault(family_key(model, cfg.family_strip_patterns), []).append(i)
    rows = []
    for key, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        variants = []
        se_list = []
        for i in members:
            model = pairs.models[i]
            n_i = int(pairs.appearances[i])
            se = ses.get(model, 2.0 * _ELO_PER_NAT / math.sqrt(n_i) if n_i else math.inf)
            se_list.append(se)
            days = (last[i] - first[i]) / _DAY if math.isfinite(first[i]) else None
            variants.append(
                {
                    "model": model,
                    "battles": n_i,
                    "first_seen": _ts(first[i]),
                    "last_seen": _ts(last[i]),
                    "days_active": days,
                    "rating": values.get(model),
                    "se": se,
                }
            )
        rows.append(
            {
                "family": key,
                "provider": model_map.lookup(pairs.models[members[0]]).maker or "unknown",
                "variants": len(members),
                "best_of_n_bias": best_of_n_bias(np.array(se_list)),
                "se_source": "ratings" if ses else "binomial approximation",
                "members": variants,
            }
        )
    return rows


def _ci_vs_battles(
    ratings: pd.DataFrame | None, flags: list[SamplingFlag]
) -> dict[str, Any] | None:
    """How CI width scales with battles, and CIs too narrow for the battles behind them.

    The log-log slope is ≈ -0.5 when battle count is the only driver (fit on models with at least
    ``_SLOPE_MIN_BATTLES``). A 95 % interval of a model rated from ``n`` battles cannot be much
    narrower than that of one Bernoulli(½) rate, ``2·1.96·(400/ln 10)·2/√n`` Elo; below half of that
    floor the interval is implausible (e.g. a degenerate sandwich estimate from a handful of ties)
    and is flagged ``implausible_ci``.
    """
    if ratings is None or ratings.empty or not {"ci_lower", "ci_upper", "battles"} <= set(ratings):
        return None
    width = (ratings["ci_upper"] - ratings["ci_lower"]).to_numpy(dtype=np.float64)
    battles = ratings["battles"].to_numpy(dtype=np.float64)
    models = ratings["model"].astype(str).tolist()
    ok = np.isfinite(width) & (width > 0) & (battles > 0)
    floor = np.where(
        battles > 0, 2 * 1.959964 * 2 * _ELO_PER_NAT / np.sqrt(np.maximum(battles, 1)), 0
    )
    rows = []
    for i in np.nonzero(ok)[0].tolist():
        implausible = bool(width[i] < 0.5 * floor[i])
        rows.append(
            {
                "model": models[i],
                "battles": int(battles[i]),
                "ci_width": float(width[i]),
                "binomial_floor": float(floor[i]),
                "implausible": implausible,
            }
        )
        if implausible:
            flags.append(
                SamplingFlag(
                    "implausible_ci",
                    models[i],
                    float(width[i]),
                    None,
                    f"{models[i]}'s 95% interval is {width[i]:.1f} Elo wide from only "
                    f"{int(battles[i]):,} battles (a single Bernoulli rate would give "
                    f"{floor[i]:.0f}); treat its rank as unknown",
                    Severity.LOW,
                    {"ci_width": width[i], "battles": battles[i], "binomial_floor": floor[i]},
                )
            )
    fit = ok & (battles >= _SLOPE_MIN_BATTLES)
    slope = None
    if fit.sum() >= 3 and np.ptp(np.log(battles[fit])) > 0:
        slope = float(np.polyfit(np.log(battles[fit]), np.log(width[fit]), 1)[0])
    return {"log_log_slope": slope, "models": sorted(rows, key=lambda r: -r["ci_width"])}


def _pair_weights(
    pairs: PairCounts, expected_pairs: np.ndarray, cfg: SamplingConfig
) -> pd.DataFrame:
    """Inverse-probability weights per observed pair: expected / observed battles under the policy.

    Normalised so the weighted battle total equals the observed total, then clipped to
    ``[1/max_pair_weight, max_pair_weight]``. Model names are ordered ``model_a < model_b``.
    """
    rows, cols = np.nonzero(np.triu(pairs.counts, k=1))
    observed = pairs.counts[rows, cols].astype(np.float64)
    expected = expected_pairs[rows, cols]
    raw = np.where(observed > 0, expected / np.maximum(observed, 1.0), 0.0)
    total = float((raw * observed).sum())
    if total > 0:
        raw = raw * observed.sum() / total
    weight = np.clip(raw, 1.0 / cfg.max_pair_weight, cfg.max_pair_weight)
    return pd.DataFrame(
        {
            "model_a": [pairs.models[i] for i in rows.tolist()],
            "model_b": [pairs.models[j] for j in cols.tolist()],
            "weight": weight.astype(np.float64),
        }
    )


def _next_pairs(
    frame: pd.DataFrame, pairs: PairCounts, current: np.ndarray, cfg: SamplingConfig
) -> list[dict[str, Any]]:
    """Pairs to sample next among the currently active models (active-sampling rule)."""
    from auditkit.schema import outcome_for_a

    k = len(pairs.models)
    score = outcome_for_a(frame["winner"])
    lo, hi = np.minimum(pairs.a, pairs.b), np.maximum(pairs.a, pairs.b)
    # orient every score to the lower-coded model, so a pair's outcomes share one direction
    oriented = np.where(pairs.a == lo, score, 1.0 - score)
    key = lo * k + hi
    n = np.bincount(key, minlength=k * k).astype(np.float64)
    s1 = np.bincount(key, weights=oriented, minlength=k * k)
    s2 = np.bincount(key, weights=oriented**2, minlength=k * k)
    idx_i, idx_j = np.triu_indices(k, 1)
    mask = current[idx_i] & current[idx_j]
    idx_i, idx_j = idx_i[mask], idx_j[mask]
    flat = idx_i * k + idx_j
    cnt = n[flat]
    mean = np.where(cnt > 0, s1[flat] / np.maximum(cnt, 1.0), 0.5)
    ss = np.maximum(s2[flat] - cnt * mean**2, 0.0)
    # one pseudo-battle of maximal variance (0.25) keeps small pairs from looking certain
    variance = (ss + 0.25) / (cnt + 1.0)
    prob = next_pair_priorities(cnt, variance)
    # ties (e.g. among never-observed pairs) go to the pairs of the least-sampled models first:
    # their intervals are the widest
    load = pairs.appearances[idx_i] + pairs.appearances[idx_j]
    order = np.lexsort((flat, load, -prob))[: cfg.next_pairs]
    return [
        {
            "model_a": pairs.models[int(idx_i[o])],
            "model_b": pairs.models[int(idx_j[o])],
            "battles": int(cnt[o]),
            "probability": float(prob[o]),
        }
        for o in order
    ]

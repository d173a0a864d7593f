"""The night's self-test: plant known attacks in a copy of tonight's votes and see what we catch.

:func:`selftest` copies the loaded votes, simulates the simulator's attacks (every vote-casting kind in
:data:`auditkit.simulate.ATTACK_KINDS`, at a stated budget each, or the attacks given) on an arena
shaped like tonight's (the same rated models, strengths from tonight's ratings, sampling weights from
tonight's battle shares, tonight's time range), appends the attack votes and a layer of planted
honest look-alikes (heavy honest users, several honest people behind one address, ordinary voters)
to the copy, runs the detectors and the rule pack's policy on it, and reports, measured on tonight's
data:

- vote recall per attack kind (with a Wilson 95 % interval): planted votes of the kind invalidated;
- the honest false-positive rate on the planted look-alikes (per role, Wilson interval);
- the attack cost: the fewest rigged votes the detectors miss (wins of the model on pairs it was
  served, verified by exact refit — :func:`auditkit.fragility.added_votes_to_rank`) that lift each
  top-10 model one rank and five ranks, and what an attacker must cast for that many to slip
  through at tonight's recall of the stealthiest targeted kind (``undetected / (1 - recall)``).

What the data lacks limits what can be tested and the result says so: without usable voter ids the
planted votes carry none either (tonight's detectors would see none), so account-level attacks are
"not testable"; without response text no identity leaks are planted; without timestamps the planted
votes carry none. Everything is seeded: the same votes, rules and seed give the same result.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from auditkit.clean import apply_policy
from auditkit.detectors import get_detector
from auditkit.findings import Finding
from auditkit.fragility import VoteCells, added_votes_to_rank, vote_cells
from auditkit.rulepack import RulePack
from auditkit.schema import BattleTable, coerce_frame
from auditkit.simulate.config import ATTACK_KINDS, ArenaConfig, Attack
from auditkit.simulate.truth import HONEST_LABELS, SimulatedArena

__all__ = ["AttackCost", "KindRecall", "SelftestResult", "default_attacks", "selftest"]

DEFAULT_TARGET_RANK = 6
LOOKALIKE_HONEST_VOTES = 3000
SELFTEST_DETECTORS = ("identity_leak", "voter_anomaly", "sampling", "prompt_dedup")
# Kinds planted by the simulator that are text-level (they need response text, not voter ids).
TEXT_KINDS = frozenset({"identity_leak"})


def default_budget(n_votes: int) -> int:
    """Votes per attack kind when none is stated: 0.5 % of tonight's votes, within [200, 2000]."""
    return int(min(2000, max(200, round(0.005 * n_votes))))


def default_attacks(
    models: Sequence[str], target: str, budget: int, *, with_text: bool
) -> tuple[list[Attack], list[str]]:
    """One attack of every simulator kind that casts votes (plus identity leaks with text).

    Kinds are read from :data:`ATTACK_KINDS`, so a kind added to the simulator is planted too when
    its required fields are ones this function can fill (``target``/``model`` → ``target``,
    ``n_votes`` → ``budget``). Returns the attacks and notes on kinds left out and why.
    """
    attacks: list[Attack] = []
    notes: list[str] = []
    seen: set[type[Attack]] = set()
    for name, cls in sorted(ATTACK_KINDS.items()):
        if cls in seen:
            continue
        seen.add(cls)
        fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
        casts_votes = "n_votes" in fields
        if not casts_votes and cls.kind not in TEXT_KINDS:
            notes.append(f"{cls.kind}: a table-level condition with no votes to recall")
            continue
        if cls.kind in TEXT_KINDS and not with_text:
            notes.append(f"{cls.kind}: not testable, the log has no response text")
            continue
        kwargs: dict[str, Any] = {}
        missing = []
        for fname, f in fields.items():
            if fname in ("target", "model"):
                kwargs[fname] = target
            elif fname == "n_votes":
                kwargs[fname] = budget
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                missing.append(fname)
        if missing:
            notes.append(f"{name}: needs {', '.join(missing)}; give it with --attack")
            continue
        attacks.append(cls(**kwargs))
    return attacks, notes


@dataclass(frozen=True)
class KindRecall:
    """Planted votes of one kind and how many the detectors and policy invalidated."""

    kind: str
    planted: int
    caught: int
    testable: bool
    note: str = ""

    @property
    def recall(self) -> float:
        return self.caught / self.planted if self.planted else math.nan

    def interval(self) -> tuple[float, float]:
        if not self.planted:
            return math.nan, math.nan
        lo, hi = proportion_confint(self.caught, self.planted, alpha=0.05, method="wilson")
        return float(lo), float(hi)

    def to_json(self) -> dict[str, Any]:
        lo, hi = self.interval()
        return {
            "kind": self.kind,
            "planted": self.planted,
            "caught": self.caught,
            "recall": None if not self.planted else round(self.recall, 4),
            "ci_lower": None if not self.planted else round(lo, 4),
            "ci_upper": None if not self.planted else round(hi, 4),
            "testable": self.testable,
            "note": self.note,
        }


@dataclass(frozen=True)
class AttackCost:
    """Undetected rigged votes that lift ``model`` one and five ranks (None: cannot / no need)."""

    model: str
    rank: int
    up_one: int | None
    up_five: int | None
    cast_up_one: int | None
    cast_up_five: int | None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class SelftestResult:
    """What the self-test planted, what the detectors caught and what an attack would cost."""

    seed: int
    budget: int
    target: str | None
    attacks: tuple[dict[str, Any], ...]
    recall: tuple[KindRecall, ...]
    honest: tuple[KindRecall, ...]
    night_flag_rate: float
    costs: tuple[AttackCost, ...]
    stealthiest: str | None
    cannot_test: tuple[str, ...]
    notes: tuple[str, ...] = ()
    n_votes: int = 0

    @property
    def honest_fp_rate(self) -> float:
        planted = sum(h.planted for h in self.honest)
        return sum(h.caught for h in self.honest) / planted if planted else math.nan

    def to_json(self) -> dict[str, Any]:
        planted = sum(h.planted for h in self.honest)
        caught = sum(h.caught for h in self.honest)
        lo, hi = (
            proportion_confint(caught, planted, alpha=0.05, method="wilson")
            if planted
            else (math.nan, math.nan)
        )
        return {
            "seed": self.seed,
            "budget_per_attack": self.budget,
            "target": self.target,
            "votes": self.n_votes,
            "attacks": list(self.attacks),
            "recall": [r.to_json() for r in self.recall],
            "honest_fp": {
                "planted": planted,
                "flagged": caught,
                "rate": None if not planted else round(caught / planted, 5),
                "ci_lower": None if not planted else round(float(lo), 5),
                "ci_upper": None if not planted else round(float(hi), 5),
                "by_role": [h.to_json() for h in self.honest],
            },
            "night_flag_rate": round(self.night_flag_rate, 5),
            "attack_cost": [c.to_json() for c in self.costs],
            "stealthiest_kind": self.stealthiest,
            "cannot_test": list(self.cannot_test),
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """Recall per attack kind and false positives per honest role, one row each."""
        rows = [{"group": "attack", **r.to_json()} for r in self.recall]
        rows += [{"group": "honest", **h.to_json()} for h in self.honest]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        lines = [
            f"self-test (seed {self.seed}): {self.budget:,} planted votes per attack kind"
            + (f", targeted kinds aim at {self.target}" if self.target else "")
        ]
        for r in self.recall:
            rec = "–" if not r.planted else f"{r.recall:6.1%}"
            flag = "" if r.testable else "  (not testable here)"
            lines.append(
                f"  recall {r.kind:<24} {rec:>7}  ({r.caught:,}/{r.planted:,}){flag}"
                + (f"  {r.note}" if r.note else "")
            )
        fp = self.honest_fp_rate
        lines.append(
            "  honest look-alikes flagged: "
            + ("–" if math.isnan(fp) else f"{fp:.2%}")
            + "  ("
            + ", ".join(f"{h.kind} {h.caught}/{h.planted}" for h in self.honest)
            + ")"
        )
        lines.append(f"  tonight's own votes flagged on the copy: {self.night_flag_rate:.2%}")
        lines.append("  attack cost (undetected votes to lift a model; cast at tonight's recall):")
        for c in self.costs:
            lines.append(
                f"    #{c.rank:<3} {c.model[:44]:<44} up 1: {_n(c.up_one, c.rank, 1):>6} "
                f"({_n(c.cast_up_one, c.rank, 1)})   up 5: {_n(c.up_five, c.rank, 5):>6} "
                f"({_n(c.cast_up_five, c.rank, 5)})"
            )
        lines += [f"  cannot test: {why}" for why in self.cannot_test]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_json_str(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True)


def _n(value: int | None, rank: int = 0, places: int = 0) -> str:
    if value is None:
        return "n/a" if rank - places < 1 else "never"
    return f"{value:,}"


def _arena_like(
    cells: VoteCells,
    battles: BattleTable,
    attacks: Sequence[Attack],
    seed: int,
    with_text: bool,
) -> SimulatedArena:
    """Simulate the attacks (and honest look-alikes) on an arena shaped like tonight's."""
    from auditkit.simulate import simulate_arena

    strengths = {
        m: float(1000.0 + cells.alpha * cells.theta[k]) for k, m in enumerate(cells.models)
    }
    share = np.bincount(cells.a, cells.count, len(cells.models)) + np.bincount(
        cells.b, cells.count, len(cells.models)
    )
    weights = {m: float(max(share[k], 1.0)) for k, m in enumerate(cells.models)}
    tstamp = battles.frame["tstamp"].to_numpy(dtype=np.float64, na_value=np.nan)
    timing: dict[str, float] = {}
    if len(tstamp) and not np.isnan(tstamp).all():
        start, end = float(np.nanmin(tstamp)), float(np.nanmax(tstamp))
        timing = {"start_time": start, "days": max((end - start) / 86_400.0, 1.0)}
    votes = sum(int(getattr(a, "n_votes", 0)) for a in attacks)
    config = ArenaConfig(
        n_battles=votes + LOOKALIKE_HONEST_VOTES,
        models=cells.models,
        strengths=strengths,
        sampling_weights=weights,
        anony_rate=1.0,
        heavy_share_cap=0.6,
        text_fraction=1.0 if with_text else 0.0,
        attacks=tuple(attacks),
        **timing,  # type: ignore[arg-type]
    )
    return simulate_arena(config, seed=seed)


def _merge(battles: BattleTable, planted: BattleTable) -> tuple[BattleTable, dict[str, str]]:
    """Tonight's votes plus the planted ones, the planted shaped like tonight's (same columns)."""
    real = battles.frame
    extra = planted.frame.copy()
    renamed = {str(v): f"selftest-{v}" for v in extra["vote_id"]}
    extra["vote_id"] = extra["vote_id"].astype(str).map(renamed)
    if not battles.voters_usable:
        extra["voter"] = pd.NA
    else:
        # A planted account must not merge with a real one that happens to share its id.
        taken = set(real["voter"].dropna().astype(str))
        voter = extra["voter"].astype("string")
        clash = voter.isin(taken).fillna(False).to_numpy(dtype=bool)
        extra.loc[clash, "voter"] = voter[clash] + "~selftest"
    if real["tstamp"].isna().all():
        extra["tstamp"] = np.nan
    if "language" in real.columns and real["language"].isna().all():
        extra["language"] = pd.NA
    extra["source_file"] = "<selftest>"
    extra = extra[[c for c in extra.columns if c in real.columns]]
    for col in real.columns:
        if col not in extra.columns:
            extra[col] = pd.NA if real[col].dtype == object else None
    frame = pd.concat([real, extra[real.columns]], ignore_index=True)
    for col in real.columns:
        if isinstance(real[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype("category")
    merged = battles.with_frame(coerce_frame(frame))
    return merged, renamed


def _detect(
    battles: BattleTable, rules: RulePack, detectors: Sequence[str], seed: int
) -> tuple[set[str], list[str]]:
    findings: list[Finding] = []
    notes: list[str] = []
    for name in detectors:
        try:
            detector = get_detector(name)(random_state=seed)
        except KeyError:
            notes.append(f"detector {name} is not installed")
            continue
        findings.extend(detector.detect(battles, rules).findings)
    findings.sort(key=lambda f: (f.detector, f.rule, f.subject, f.vote_id or "", f.finding_id))
    cleaning = apply_policy(battles, findings, rules, {})
    return set(cleaning.invalidated_ids), notes


def selftest(
    battles: BattleTable,
    rules: RulePack,
    *,
    seed: int = 0,
    budget: int | None = None,
    attacks: Sequence[Attack] | None = None,
    target: str | None = None,
    detectors: Sequence[str] = SELFTEST_DETECTORS,
    top: int = 10,
) -> SelftestResult:
    """Plant attacks and honest look-alikes in a copy of ``battles``; measure detection and cost.

    ``budget``: votes per attack kind (default :func:`default_budget`); ``attacks`` replaces the
    default plan (one attack of every kind); ``target``: the model targeted attacks promote
    (default: the model ranked :data:`DEFAULT_TARGET_RANK`). ``battles`` is not modified.
    """
    cells = vote_cells(battles)
    order = sorted(cells.models, key=lambda m: (-cells.theta[cells.index(m)], m))
    if len(order) < 2:
        raise ValueError("the self-test needs at least two rated models")
    target = target or order[min(DEFAULT_TARGET_RANK, len(order)) - 1]
    if target not in cells.models:
        raise ValueError(f"target model {target!r} is not rated in this log")
    budget = budget or default_budget(len(battles))
    with_text = battles.has_text and bool(battles.frame["conversation_a"].notna().any())
    notes: list[str] = []
    cannot: list[str] = []
    if attacks is None:
        attacks, kind_notes = default_attacks(order, target, budget, with_text=with_text)
        notes += kind_notes
    if not battles.voters_usable:
        cannot.append(
            "account-level attacks (stuffing, sybils, bots) leave no trace the detectors can "
            "read: the log has no usable voter ids"
            + (f" ({battles.voter_note})" if battles.voter_note else "")
        )
    if not with_text:
        cannot.append("identity leaks and style: the log has no response text")
    if battles.frame["tstamp"].isna().all():
        cannot.append("timing (bot cadence, sybil session overlap): the log has no timestamps")
    if "prompt" not in battles.frame.columns and "prompt_exact" not in battles.frame.columns:
        cannot.append("repeated prompts: the log has no prompt text")

    arena = _arena_like(cells, battles, attacks, seed, with_text)
    merged, renamed = _merge(battles, arena.battles)
    flagged, det_notes = _detect(merged, rules, detectors, seed)
    notes += det_notes

    labels = arena.truth.vote_labels
    labels = labels.assign(vote_id=labels["vote_id"].astype(str).map(renamed))
    leaked = set(labels.loc[labels["label"] == "identity_leak", "vote_id"])
    recall: list[KindRecall] = []
    for kind in sorted(set(labels["label"]) - set(HONEST_LABELS)):
        ids = set(labels.loc[labels["label"] == kind, "vote_id"])
        testable = with_text if kind in TEXT_KINDS else battles.voters_usable
        note = "" if testable else "the log lacks what this attack's detection needs"
        recall.append(KindRecall(kind, len(ids), len(ids & flagged), testable, note))
    # Honest look-alikes: every planted honest vote whose answers did not leak, by voter role.
    voters = arena.truth.voter_labels.set_index("voter")
    sim_frame = arena.battles.frame
    vote_role = pd.Series(
        sim_frame["voter"].astype(str).map(voters["role"]).to_numpy(),
        index=sim_frame["vote_id"].astype(str).map(renamed).to_numpy(),
    )
    honest_ids = set(labels.loc[labels["label"].isin(list(HONEST_LABELS)), "vote_id"]) - leaked
    honest: list[KindRecall] = []
    for role in sorted(set(vote_role.loc[sorted(honest_ids)].astype(str))):
        ids = {v for v in honest_ids if str(vote_role.get(v)) == role}
        honest.append(KindRecall(role, len(ids), len(ids & flagged), battles.voters_usable))
    real_ids = set(battles.frame["vote_id"].astype(str))
    night_rate = len(flagged & real_ids) / len(real_ids) if real_ids else 0.0

    # The attacker picks the kind tonight's detectors catch least often (measured, testable or not:
    # a kind the data cannot reveal is caught at rate 0, and every rigged vote of it counts).
    targeted = [r for r in recall if r.planted and r.kind not in TEXT_KINDS and _aims(r.kind)]
    stealthiest = min(targeted, key=lambda r: (r.recall, r.kind)) if targeted else None
    if stealthiest is None:
        notes.append("no targeted attack kind was planted: cast counts are not estimated")

    def cast(n: int | None) -> int | None:
        if n is None or stealthiest is None:
            return None
        if stealthiest.recall >= 1.0:
            return None
        return math.ceil(n / (1.0 - stealthiest.recall))

    costs = []
    for rank, model in enumerate(order[:top], start=1):
        one = added_votes_to_rank(cells, model, 1).count
        five = added_votes_to_rank(cells, model, 5).count
        costs.append(AttackCost(model, rank, one, five, cast(one), cast(five)))
    if stealthiest is not None and stealthiest.recall >= 1.0:
        notes.append(f"{stealthiest.kind}: every planted vote was caught at this budget")
    return SelftestResult(
        seed=seed,
        budget=budget,
        target=target,
        attacks=tuple({"kind": a.kind, **a.params()} for a in attacks),
        recall=tuple(recall),
        honest=tuple(honest),
        night_flag_rate=night_rate,
        costs=tuple(costs),
        stealthiest=None if stealthiest is None else stealthiest.kind,
        cannot_test=tuple(cannot),
        notes=tuple(notes),
        n_votes=len(battles),
    )


def _aims(kind: str) -> bool:
    """Whether a kind promotes a target (its class has a ``target`` field)."""
    cls = ATTACK_KINDS.get(kind)
    return cls is not None and any(f.name == "target" for f in dataclasses.fields(cls))

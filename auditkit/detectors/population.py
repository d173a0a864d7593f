"""The ``population_shift`` detector: models whose rating depends on new accounts.

The statistics are in :mod:`auditkit.voters.population`; this module turns each flagged model into
one table-level finding (``vote_id`` None, so it can never invalidate a vote) whose evidence names
the policy from ``rules/population.yaml``: ``report``, ``provisional`` (hold the rating as
provisional) or ``down_weight`` (the rating refitted with the new cohort's excess votes down-
weighted is the one to read). Whatever the policy, the finding, ``summary.json``
(``population_flags``) and the report show the all-votes, established-only and down-weighted
ratings, the estimated excess and which votes were down-weighted by how much (the new cohort's
wins — losses, for a model pulled down — against each opponent, one weight per opponent; the vote
ids: ``audit_population(...).vote_weights``). Models whose results depend on the period
(:mod:`auditkit.voters.timeshift`) get a ``time_dependence`` finding at ``low``, for review.
Models whose rating rests on a few established voters who pull for it beyond the honest spread
(:mod:`auditkit.voters.pullers`) get a ``rating_rests_on_pullers`` finding (table-level, never an
invalidation) under ``puller_policy``; ``summary.json`` lists them as ``puller_flags`` with the
down-weighted rating, and every down-weighted vote is in ``audit_population(...).
puller_vote_weights`` with its weight.
"""

from __future__ import annotations

from typing import Any, ClassVar

from auditkit.detectors.base import Detector, DetectorResult, Finding, Severity, register
from auditkit.rulepack import RulePack
from auditkit.schema import BattleTable
from auditkit.voters.population import PopulationAudit, PopulationConfig, audit_population
from auditkit.voters.pullers import PullerConfig

__all__ = ["PopulationShiftDetector"]


@register
class PopulationShiftDetector(Detector):
    """A model doing better (or worse) among few-vote accounts than among established voters."""

    name = "population_shift"
    description = "Models whose rating depends on the votes of new, few-vote accounts."
    default = True
    order = 50
    lazy_imports = (
        "scipy.special",
        "scipy.sparse.csgraph",
        "scipy.stats",
        "statsmodels.stats.multitest",
    )
    report_title: ClassVar[str | None] = "New accounts (population check)"
    report_template: ClassVar[str] = """\
{% if data.models %}
<p>These models' ratings depend on accounts with at most {{ data.new_max_votes | fmt }} votes beyond
what honest newcomers explain. No vote is invalidated on this evidence; the policy is
<strong>{{ data.policy }}</strong>.</p>
<table id="population-flags">
<tr><th>model</th><th>status</th><th>rating, all votes</th><th>established voters only</th>
<th>down-weighted</th><th>estimated excess votes</th><th>votes down-weighted</th></tr>
{% for m in data.models %}
<tr><td>{{ m.model }}</td><td>{{ m.status }}</td><td>{{ m.rating_all | fmt }}</td>
<td>{{ m.rating_established | fmt }}</td><td>{{ m.rating_down_weighted | fmt }}{% if m.down_weighted_se_elo is not none %} ± {{ m.down_weighted_se_elo | fmt }}{% endif %}</td>
<td>{{ m.excess_votes | fmt }} ± {{ m.excess_se | fmt }} ({{ m.direction }})</td>
<td>{{ m.down_weighted_votes | fmt }}</td></tr>
{% endfor %}
</table>
<p>Down-weighted: the new cohort's votes in which the model won (lost, when it was pulled down)
count less, one weight per opponent, so that the estimated excess is removed in expectation
(ratings on the check's own mean-zero scale). The excess is at least what the accounts of two or
more votes that all went the model's way show beyond honest chance; the ± after the down-weighted
rating is how far it moves with one standard error more or less removed.</p>
{% else %}
<p>No model's rating depends on new accounts beyond chance
({{ data.new_votes | fmt }} votes from accounts with at most {{ data.new_max_votes | fmt }}).</p>
{% endif %}
{% if data.time_models %}
<p>Results that depend on the period (for review): {{ data.time_models | join(", ") }}.</p>
{% endif %}
{% if data.pullers %}
<p>These models' ratings rest on a few established voters who pull for (or against) them beyond
the honest spread of pulls every model shows. No vote is invalidated; those voters' votes in the
model's battles are down-weighted in the refit below.</p>
<table id="puller-flags">
<tr><th>model</th><th>status</th><th>direction</th><th>voters pulling</th><th>rating, all votes</th>
<th>down-weighted</th><th>their votes' weight</th><th>votes down-weighted</th></tr>
{% for m in data.pullers %}
<tr><td>{{ m.model }}</td><td>{{ m.status }}</td><td>{{ m.direction }}</td><td>{{ m.pullers | fmt }}</td>
<td>{{ m.rating_all | fmt }}</td><td>{{ m.rating_down_weighted | fmt }}</td>
<td>{{ m.weight | fmt }}</td><td>{{ m.down_weighted_votes | fmt }}</td></tr>
{% endfor %}
</table>
{% endif %}
"""
    report_markdown: ClassVar[str] = """\
{% if data.models %}
Ratings that depend on accounts with at most {{ data.new_max_votes | fmt }} votes beyond what honest newcomers explain (no vote invalidated; policy: {{ data.policy | md }}).

| model | status | rating, all votes | established only | down-weighted | estimated excess votes | votes down-weighted |
|---|---|---|---|---|---|---|
{% for m in data.models %}| {{ m.model | md }} | {{ m.status | md }} | {{ m.rating_all | fmt }} | {{ m.rating_established | fmt }} | {{ m.rating_down_weighted | fmt }}{% if m.down_weighted_se_elo is not none %} ± {{ m.down_weighted_se_elo | fmt }}{% endif %} | {{ m.excess_votes | fmt }} ± {{ m.excess_se | fmt }} ({{ m.direction | md }}) | {{ m.down_weighted_votes | fmt }} |
{% endfor %}{% else %}
No model's rating depends on new accounts beyond chance ({{ data.new_votes | fmt }} votes from accounts with at most {{ data.new_max_votes | fmt }}).
{% endif %}{% if data.time_models %}
Results that depend on the period (for review): {% for m in data.time_models %}{{ m | md }}{% if not loop.last %}, {% endif %}{% endfor %}.
{% endif %}{% if data.pullers %}
Ratings that rest on a few established voters who pull for (or against) the model beyond the honest spread (no vote invalidated).

| model | status | direction | voters pulling | rating, all votes | down-weighted | their votes' weight | votes down-weighted |
|---|---|---|---|---|---|---|---|
{% for m in data.pullers %}| {{ m.model | md }} | {{ m.status | md }} | {{ m.direction | md }} | {{ m.pullers | fmt }} | {{ m.rating_all | fmt }} | {{ m.rating_down_weighted | fmt }} | {{ m.weight | fmt }} | {{ m.down_weighted_votes | fmt }} |
{% endfor %}{% endif %}"""

    @classmethod
    def check_rules(cls, rules: RulePack) -> None:
        PopulationConfig.from_rules(rules)
        PullerConfig.from_rules(rules)

    @classmethod
    def rule_ids(cls, rules: RulePack) -> frozenset[str] | None:
        return frozenset({"new_account_dependence", "time_dependence", "rating_rests_on_pullers"})

    @classmethod
    def summary_entries(cls, result: DetectorResult | None) -> dict[str, Any]:
        """``population_flags``: each flagged model's ratings, status under the policy, excess."""
        if result is None or not result.ran:
            return {"population_flags": [], "puller_flags": []}
        return {"population_flags": _flag_rows(result), "puller_flags": _puller_rows(result)}

    @classmethod
    def report_data(cls, result: DetectorResult) -> dict[str, Any] | None:
        if not result.ran:
            return None
        stats = result.summary.get("stats", {})
        return {
            "models": _flag_rows(result),
            "policy": stats.get("policy", ""),
            "new_max_votes": stats.get("new_max_votes", 0),
            "new_votes": stats.get("new_votes", 0),
            "time_models": sorted(
                str(row["model"])
                for row in result.summary.get("time_models", [])
                if row.get("flagged")
            ),
            "pullers": _puller_rows(result),
        }

    def audit(self, battles: BattleTable, rules: RulePack) -> PopulationAudit:
        return audit_population(battles, rules)

    def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
        cfg = PopulationConfig.from_rules(rules)
        result = self.audit(battles, rules)
        if not result.usable:
            return DetectorResult(
                detector=self.name,
                summary={"usable": False, "ran": False, **result.stats},
                notes=result.notes,
            )
        findings = []
        excess = result.stats.get("excess", {})
        for row in result.table[result.table["flagged"]].to_dict(orient="records"):
            model = str(row["model"])
            weighted = result.down_weighted_ratings.get(model)
            findings.append(
                Finding(
                    detector=self.name,
                    rule="new_account_dependence",
                    severity=Severity(cfg.severity),
                    subject=model,
                    score=float(row["z"]),
                    p_value=float(row["p_value"]),
                    message=(
                        f"rating moves {float(row['shift_elo']):+.1f} Elo with the votes of "
                        f"accounts with <= {cfg.new_max_votes} votes (policy: {cfg.policy})"
                    ),
                    evidence={
                        **{str(key): value for key, value in row.items()},
                        "policy": cfg.policy,
                        "down_weighted_rating": weighted,
                        "down_weight_change_elo": (
                            None if weighted is None else weighted - float(row["rating_all"])
                        ),
                        "excess": excess.get(model),
                        "new_max_votes": cfg.new_max_votes,
                    },
                )
            )
        time_table = result.time_table
        time_rows = (
            time_table[time_table["flagged"].astype(bool)].to_dict(orient="records")
            if len(time_table)
            else []
        )
        for row in time_rows:
            findings.append(
                Finding(
                    detector=self.name,
                    rule="time_dependence",
                    severity=Severity.LOW,
                    subject=str(row["model"]),
                    score=float(row["q_stat"]),
                    p_value=float(row["p_value"]),
                    message=(
                        f"results depend on the period beyond the drift every model shows "
                        f"(period {int(row['worst_period']) + 1}: "
                        f"{float(row['max_period_shift_elo']):+.1f} Elo); for review"
                    ),
                    evidence={str(key): value for key, value in row.items()},
                )
            )
        findings.extend(_puller_findings(self.name, result, PullerConfig.from_rules(rules)))
        return DetectorResult(
            detector=self.name,
            findings=tuple(findings),
            summary=result.to_json(),
            notes=result.notes,
        )


_STATUS = {"report": "reported", "provisional": "provisional", "down_weight": "down-weighted"}


def _flag_rows(result: DetectorResult) -> list[dict[str, Any]]:
    """One row per flagged model (from the detector's summary): what the report and summary show."""
    summary = result.summary
    policy = str(summary.get("stats", {}).get("policy", ""))
    weighted = summary.get("down_weighted_ratings", {})
    excess = summary.get("stats", {}).get("excess", {})
    rows = []
    for row in summary.get("models", []):
        if not row.get("flagged"):
            continue
        model = str(row["model"])
        est = excess.get(model, {})
        down = weighted.get(model)
        rows.append(
            {
                "model": model,
                "status": _STATUS.get(policy, policy),
                "rating_all": float(row["rating_all"]),
                "rating_established": float(row["rating_established"]),
                "rating_down_weighted": None if down is None else float(down),
                "down_weight_change_elo": (
                    None if down is None else float(down) - float(row["rating_all"])
                ),
                "direction": est.get("direction", "lift" if float(row["z"]) > 0 else "sink"),
                # What is removed: the traces' estimate raised by the all-win floor.
                "excess_votes": est.get("removed", est.get("votes")),
                "excess_floor": est.get("all_win_floor"),
                "down_weighted_se_elo": est.get("rating_se_elo"),
                "excess_se": est.get("se"),
                "down_weighted_votes": sum(int(o["votes"]) for o in est.get("by_opponent", [])),
                "p_value": float(row["p_value"]),
                "q_value": float(row["q_value"]),
            }
        )
    return rows


def _puller_findings(detector: str, result: PopulationAudit, cfg: PullerConfig) -> list[Finding]:
    """One table-level finding per model whose rating rests on a few pullers (never a vote)."""
    if result.pullers is None:
        return []
    findings = []
    table = result.pullers.table
    weights = result.puller_vote_weights
    for row in table[table["flagged"]].to_dict(orient="records"):
        model = str(row["model"])
        mine = (
            int(((weights["model_a"] == model) | (weights["model_b"] == model)).sum())
            if len(weights)
            else 0
        )
        findings.append(
            Finding(
                detector=detector,
                rule="rating_rests_on_pullers",
                severity=Severity(cfg.severity),
                subject=model,
                score=float(row["z"]),
                p_value=float(row["p_value"]),
                message=(
                    f"rating rests on {int(row['pullers'])} voters pulling {row['direction']} it "
                    f"beyond the honest spread: {float(row['shift_elo']):+.1f} rating points "
                    f"with their votes down-weighted (policy: {cfg.policy})"
                ),
                evidence={
                    **{str(key): value for key, value in row.items()},
                    "policy": cfg.policy,
                    "down_weighted_rating": result.pullers.down_weighted_ratings.get(model),
                    "down_weighted_votes": mine,
                },
            )
        )
    return findings


def _puller_rows(result: DetectorResult) -> list[dict[str, Any]]:
    """One row per model flagged by the puller check (from the detector's summary)."""
    part = result.summary.get("pullers") or {}
    policy = str(part.get("policy", ""))
    counts = {
        f.subject: f.evidence.get("down_weighted_votes")
        for f in result.findings
        if f.rule == "rating_rests_on_pullers"
    }
    return [
        {
            "model": str(row["model"]),
            "status": _STATUS.get(policy, policy),
            "direction": str(row["direction"]),
            "pullers": int(row["pullers"]),
            "rating_all": float(row["rating_all"]),
            "rating_down_weighted": float(row["rating_down_weighted"]),
            "shift_elo": float(row["shift_elo"]),
            "weight": float(row["puller_weight"]),
            "down_weighted_votes": counts.get(str(row["model"])),
            "p_value": float(row["p_value"]),
            "q_value": float(row["q_value"]),
        }
        for row in part.get("models", [])
        if row.get("flagged")
    ]

"""The ``population_shift`` detector: models whose rating depends on new accounts.

The statistics are in :mod:`auditkit.voters.population`; this module turns each flagged model into
one table-level finding (``vote_id`` None, so it can never invalidate a vote) whose evidence names
the policy from ``rules/population.yaml``: ``report``, ``provisional`` (hold the rating as
provisional) or ``down_weight`` (the summary carries ratings refitted with the new cohort's votes
in that model's battles weighted by ``down_weight``). Models whose results depend on the period
(:mod:`auditkit.voters.timeshift`) get a ``time_dependence`` finding at ``low``, for review.
"""

from __future__ import annotations

from auditkit.detectors.base import Detector, DetectorResult, Finding, Severity, register
from auditkit.rulepack import RulePack
from auditkit.schema import BattleTable
from auditkit.voters.population import PopulationAudit, PopulationConfig, audit_population

__all__ = ["PopulationShiftDetector"]


@register
class PopulationShiftDetector(Detector):
    """A model doing better (or worse) among few-vote accounts than among established voters."""

    name = "population_shift"
    description = "Models whose rating depends on the votes of new, few-vote accounts."
    default = True
    order = 50

    @classmethod
    def check_rules(cls, rules: RulePack) -> None:
        PopulationConfig.from_rules(rules)

    @classmethod
    def rule_ids(cls, rules: RulePack) -> frozenset[str] | None:
        return frozenset({"new_account_dependence", "time_dependence"})

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
        for row in result.table[result.table["flagged"]].to_dict(orient="records"):
            model = str(row["model"])
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
                        "down_weighted_rating": result.down_weighted_ratings.get(model),
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
        return DetectorResult(
            detector=self.name,
            findings=tuple(findings),
            summary=result.to_json(),
            notes=result.notes,
        )

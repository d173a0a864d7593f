"""Validated options of the voter audit, read once from the rule pack's ``voters`` section."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auditkit.errors import RuleError
from auditkit.findings import Severity
from auditkit.rulepack import RulePack, require

__all__ = ["INDIVIDUAL_TESTS", "OPTION_NAMES", "CategoryConfig", "TestConfig", "VoterConfig"]

# Per-voter tests in a fixed order (the order of columns in the evidence table).
INDIVIDUAL_TESTS: tuple[str, ...] = (
    "consensus_loo",
    "consensus_sequential",
    "position_bias",
    "target_concentration",
    "tie_spam",
    "speed",
    "repeated_prompt",
    "arena_consistency",
    "position_clicking",
)


# Every numeric option a test or the group search reads (``TestConfig.option``): a key in a test's
# entry that is not one of these is a typo, reported with the nearest name (strict rule packs).
OPTION_NAMES = frozenset(
    {
        "alpha",
        "burst_window_seconds",
        "link_z",
        "member_alpha",
        "member_min_z",
        "member_time_ratio",
        "member_window_share",
        "min_gap_seconds",
        "min_votes",
        "n_checks",
        "null_fast_rate",
        "own_tie_prior",
        "null_repeat_rate",
        "pace_alpha",
        "pull_alpha",
        "pull_floor",
        "pull_spread_ceiling",
        "pull_tail_dof",
        "ridge",
        "share_spread_floor",
        "side_spread_floor",
        "slope_floor",
        "spread_floor",
        "surprise_floor",
        "taste_floor",
        "tolerance",
        "window_slack_seconds",
    }
)


@dataclass(frozen=True)
class TestConfig:
    """One test's switch, severity and numeric options."""

    enabled: bool
    severity: Severity
    options: Mapping[str, float] = field(default_factory=dict)

    def option(self, key: str, default: float) -> float:
        return float(self.options.get(key, default))


@dataclass(frozen=True)
class CategoryConfig:
    """Where a vote's category is read from and how per-category strengths are shrunk
    (``voters.categories``; :mod:`auditkit.voters.category`)."""

    enabled: bool = True
    # Columns whose values (combined) are a vote's category; a ``tag.<leaf>`` entry also matches
    # any ``tag.*`` column whose last dotted part is ``<leaf>`` (``tag.math_v0.1.math``).
    columns: tuple[str, ...] = ("tag.category", "is_code", "tag.math", "tag.creative_writing")
    prior_sd_floor: float = 0.5
    max_categories: int = 32


def _category_config(section: Mapping[str, Any], where: str) -> CategoryConfig:
    raw = require(section, "categories", Mapping, where=where, default={})
    here = f"{where} categories"
    columns = require(raw, "columns", list, where=here, default=list(CategoryConfig.columns))
    if not all(isinstance(c, str) and c for c in columns):
        raise RuleError("key 'columns' must be a list of column names", path=here)
    floor = float(require(raw, "prior_sd_floor", (int, float), where=here, default=0.5))
    most = int(require(raw, "max_categories", int, where=here, default=32))
    if not floor > 0.0 or most < 2:
        raise RuleError("prior_sd_floor must be > 0 and max_categories >= 2", path=here)
    return CategoryConfig(
        enabled=bool(require(raw, "enabled", bool, where=here, default=True)),
        columns=tuple(columns),
        prior_sd_floor=floor,
        max_categories=most,
    )


@dataclass(frozen=True)
class VoterConfig:
    """Everything ``rules/voters.yaml`` says, with defaults for omitted keys."""

    fdr: float = 0.01
    min_votes: int = 10
    invalidate: str = "all"
    anonymous_only: bool = False
    exact_min_votes: int = 100
    max_exact_refits: int = 2000
    tie_prior_votes: float = 20.0
    tests: Mapping[str, TestConfig] = field(default_factory=dict)
    group: TestConfig = TestConfig(True, Severity.HIGH)
    evidence_top_n: int = 200
    invalidating_severity: Severity = Severity.MEDIUM
    # BH weight of voters with review evidence (machine pace, repeated identity probes), relative
    # to the others; 1 = plain BH. See auditkit.voters.review.
    review_weight: float = 1.0
    # Identity-probing votes that make a repeat prober (the identity rules' probe_repeat_min), and
    # the one-sided level at which their probing rate is beyond the honest population's.
    probe_repeat_min: int = 3
    probe_alpha: float = 1e-3
    categories: CategoryConfig = CategoryConfig()

    def test(self, name: str) -> TestConfig:
        return self.tests.get(name, TestConfig(False, Severity.INFO))

    def invalidating(self, name: str) -> bool:
        """Whether a test's findings can invalidate votes under the pack policy."""
        cfg = self.test(name)
        return cfg.enabled and cfg.severity >= self.invalidating_severity

    @classmethod
    def from_rules(cls, rules: RulePack) -> VoterConfig:
        section = rules.section("voters", default={})
        where = rules.where("voters")
        fdr = float(require(section, "fdr", (int, float), where=where, default=0.01))
        if not 0.0 < fdr < 1.0:
            raise RuleError("key 'fdr' must be in (0, 1)", path=where)
        invalidate = require(section, "invalidate", str, where=where, default="all")
        if invalidate not in ("all", "after_detection"):
            raise RuleError("key 'invalidate' must be 'all' or 'after_detection'", path=where)
        loo = require(section, "loo", Mapping, where=where, default={})
        raw_tests = require(section, "tests", Mapping, where=where, default={})
        tests: dict[str, TestConfig] = {}
        for name in INDIVIDUAL_TESTS:
            # The sequential test rides on consensus_loo's switch and severity unless named.
            source = name if name in raw_tests else "consensus_loo"
            raw = raw_tests.get(source, {"enabled": True, "severity": "high"})
            tests[name] = _test_config(raw, f"{where} tests.{source}")
        unknown = sorted(set(raw_tests) - set(INDIVIDUAL_TESTS))
        if unknown:
            raise RuleError(f"unknown voter tests: {', '.join(unknown)}", path=where)
        group_raw = require(section, "coordinated_group", Mapping, where=where, default={})
        return cls(
            fdr=fdr,
            min_votes=int(require(section, "min_votes", int, where=where, default=10)),
            invalidate=invalidate,
            anonymous_only=bool(
                require(section, "anonymous_only", bool, where=where, default=False)
            ),
            exact_min_votes=int(
                require(loo, "exact_min_votes", int, where=f"{where} loo", default=100)
            ),
            max_exact_refits=int(
                require(loo, "max_exact_refits", int, where=f"{where} loo", default=2000)
            ),
            tie_prior_votes=float(
                require(loo, "tie_prior_votes", (int, float), where=f"{where} loo", default=20)
            ),
            tests=tests,
            group=_test_config(group_raw or {"enabled": True}, f"{where} coordinated_group"),
            evidence_top_n=int(require(section, "evidence_top_n", int, where=where, default=200)),
            review_weight=_review_weight(section, where),
            probe_alpha=float(
                require(section, "probe_alpha", (int, float), where=where, default=1e-3)
            ),
            invalidating_severity=_policy_severity(rules),
            categories=_category_config(section, where),
        )


def _review_weight(section: Mapping[str, Any], where: str) -> float:
    weight = float(require(section, "review_weight", (int, float), where=where, default=1.0))
    if not weight >= 1.0:
        raise RuleError("key 'review_weight' must be at least 1", path=where)
    return weight


def _test_config(raw: Any, where: str) -> TestConfig:
    if not isinstance(raw, Mapping):
        raise RuleError("a test entry must be a mapping", path=where)
    enabled = bool(require(raw, "enabled", bool, where=where, default=True))
    try:
        severity = Severity(str(require(raw, "severity", str, where=where, default="high")))
    except ValueError:
        raise RuleError(
            "key 'severity' must be info/low/medium/high/critical", path=where
        ) from None
    options: dict[str, float] = {}
    for key, value in raw.items():
        if key in ("enabled", "severity", "description"):
            continue
        if key not in OPTION_NAMES:
            close = difflib.get_close_matches(str(key), sorted(OPTION_NAMES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise RuleError(f"unknown option {key!r}{hint}", path=where)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RuleError(f"key {key!r} must be a number", path=where)
        options[str(key)] = float(value)
    return TestConfig(enabled=enabled, severity=severity, options=options)


def _policy_severity(rules: RulePack) -> Severity:
    """The lowest severity at which the pack policy invalidates ``voter_anomaly`` findings."""
    entries = rules.policy().get("invalidate", [])
    levels = [
        Severity(str(entry.get("min_severity", "medium")))
        for entry in entries
        if isinstance(entry, Mapping)
        if entry.get("detector") == "voter_anomaly"
    ]
    if not levels:
        return Severity.MEDIUM  # no entry: keep the default family (cleaning will not invalidate)
    return min(levels, key=lambda s: s.rank)

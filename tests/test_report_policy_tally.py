"""The report's per-subject tally of invalidated votes, restricted to the subjects of the
table-level rows (``wanted``), gives those rows exactly the tallies of the full count."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from auditkit.clean import InvalidationReason, VoteInvalidation
from auditkit.findings import Finding, Severity
from auditkit.report.context import _policy_by_subject

names = st.sampled_from(["u1", "u2", "g1", "g2", "m"])
detectors = st.sampled_from(["voter_anomaly", "sampling", "identity_leak"])


@st.composite
def vote_findings(draw: st.DrawFn, vote: int) -> Finding:
    return Finding(
        detector=draw(detectors),
        rule=draw(st.sampled_from(["a", "b"])),
        severity=draw(st.sampled_from(list(Severity))),
        subject=draw(names),
        vote_id=f"v{vote}",
        evidence=draw(
            st.dictionaries(st.sampled_from(["group", "n", "who"]), names | st.integers())
        ),
    )


@st.composite
def audits(draw: st.DrawFn) -> tuple[list[Finding], Any, set[tuple[str, str]]]:
    found = [draw(vote_findings(v)) for v in range(draw(st.integers(0, 8))) for _ in range(2)]
    invalidations = []
    for vote in sorted({f.vote_id or "" for f in found}):
        reasons = tuple(
            InvalidationReason(f.detector, f.rule, f.severity.value, f.finding_id, "p@1", "", {})
            for f in found
            if f.vote_id == vote
        )
        status = draw(st.sampled_from(["invalidated", "invalidated", "revoked"]))
        invalidations.append(VoteInvalidation(vote, reasons, status))
    wanted = draw(st.sets(st.tuples(detectors, names)))
    return found, SimpleNamespace(invalidations=invalidations), wanted


@given(audits())
def test_the_tally_of_the_wanted_subjects_is_the_full_tallys(
    audit: tuple[list[Finding], Any, set[tuple[str, str]]],
) -> None:
    found, cleaning, wanted = audit
    full = _policy_by_subject(found, cleaning)
    kept = _policy_by_subject(found, cleaning, wanted=wanted)
    assert set(kept) <= wanted
    assert {key: full.get(key) for key in wanted} == {key: kept.get(key) for key in wanted}

"""``findings.jsonl`` and ``invalidations.jsonl`` lines built from templates are, character for
character, ``canonical_json`` of the record's dict: for any strings (quotes, backslashes, control
characters, non-ASCII, lone surrogates), any floats (NaN, infinities, -0.0, tiny and huge ones),
nested evidence, evidence shared between a finding and its vote's reasons, and fields of
unexpected types (which take the general path)."""

from __future__ import annotations

import math
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditkit.clean import (
    EvidenceMemo,
    InvalidationReason,
    VoteInvalidation,
    canonical_json,
    finding_json,
    finding_line,
    invalidation_json,
    invalidation_line,
)
from auditkit.findings import Finding, Severity
from auditkit.ledger import Decision

texts = st.text(alphabet=st.characters(codec=None), max_size=12)  # every code point, surrogates too
names = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)  # hashed into finding ids
floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [0.0, -0.0, 1e-5, 1e16, 1.5e300, 5e-324, 0.1 + 0.2, 123456789.123456789]
)
leaves = st.none() | st.booleans() | st.integers() | floats | texts
evidence = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=12,
)
maybe_float = st.none() | floats | st.integers(-(10**20), 10**20)


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    return Finding(
        detector=draw(names),
        rule=draw(names),
        severity=draw(st.sampled_from(list(Severity))),
        subject=draw(names),
        vote_id=draw(st.none() | names),
        score=draw(maybe_float),
        p_value=draw(maybe_float),
        message=draw(texts),
        evidence=draw(st.dictionaries(texts, evidence, max_size=4)),
        finding_id=draw(st.sampled_from(["", "f00d"])),
    )


def reason_of(finding: Finding, source: str = "policy") -> InvalidationReason:
    return InvalidationReason(
        detector=finding.detector,
        rule=finding.rule,
        severity=finding.severity.value,
        finding_id=finding.finding_id,
        rule_pack_version="pack@1#abc",
        reason=finding.message or f"{finding.detector}/{finding.rule}",
        evidence=finding.evidence,
        source=source,
    )


def _same_bytes(line: Any, text: str) -> None:
    """``line()`` is ``text`` in UTF-8, or raises as encoding ``text`` does (a lone surrogate)."""
    try:
        expected = text.encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            line()
        return
    assert line() == expected


@given(evidence, st.integers(0, 12))
def test_canonical_json_is_the_standard_encoders_text_for_any_value(
    value: Any, digits: int
) -> None:
    from auditkit.clean import _CANONICAL, _plain_rounded

    assert canonical_json(value, digits=digits) == _CANONICAL.encode(_plain_rounded(value, digits))


@given(
    st.floats(allow_nan=False, allow_infinity=False) | st.floats(-1e17, 1e17), st.integers(0, 12)
)
def test_orjson_writes_the_floats_it_is_given_as_repr_does(value: float, digits: int) -> None:
    """The orjson path hands orjson a float itself only in the range where orjson writes
    ``float.__repr__``'s text (zero and magnitudes in [1e-4, 1e16)); others as fragments."""
    from auditkit.clean import _ready_float

    ready = _ready_float(value, digits)
    if type(ready) is float:
        assert ready == 0.0 or 1e-4 <= abs(ready) < 1e16
    assert orjson.dumps(ready) == float.__repr__(round(value, digits)).encode()


@pytest.mark.parametrize("magnitude", range(-4, 16))
def test_orjson_float_text_matches_repr_across_the_plain_range(magnitude: int) -> None:
    values = [m * 10.0**magnitude for m in (1.0, 1.5, 9.999999999, 1.234567891, 3.3333333333)]
    values += [math.nextafter(v, math.inf) for v in values] + [-v for v in values]
    for value in values:
        assert orjson.dumps(value) == float.__repr__(value).encode()


@given(findings())
def test_a_finding_line_is_the_canonical_json_of_its_dict(finding: Finding) -> None:
    assert finding_json(finding) == canonical_json(finding.to_dict())
    memo: EvidenceMemo = {}
    assert finding_json(finding, memo) == finding_json(finding, memo) == finding_json(finding)
    _same_bytes(lambda: finding_line(finding, memo), finding_json(finding))


@given(
    st.lists(findings(), max_size=4),
    st.sampled_from(["invalidated", "revoked"]),
    texts,
    st.none() | st.builds(Decision, texts, texts, texts, texts, texts, st.none() | st.integers()),
)
def test_an_invalidation_line_is_the_canonical_json_of_its_dict(
    found: list[Finding], status: str, vote_id: str, decision: Decision | None
) -> None:
    inv = VoteInvalidation(
        vote_id=vote_id,
        reasons=tuple(reason_of(f, source) for f in found for source in ("policy", "manual")),
        status=status,
        decision=decision,
    )
    assert invalidation_json(inv) == canonical_json(inv.to_dict())
    # One memo over both files, as write_outputs uses it: the findings' lines do not change.
    memo: EvidenceMemo = {}
    assert invalidation_json(inv, memo) == canonical_json(inv.to_dict())
    _same_bytes(lambda: invalidation_line(inv, memo), canonical_json(inv.to_dict()))
    assert [finding_json(f, memo) for f in found] == [canonical_json(f.to_dict()) for f in found]


def test_fields_of_unexpected_types_take_the_general_path() -> None:
    class Name(str):
        pass

    finding = Finding(
        detector=Name("voter_anomaly"),
        rule="burst",
        severity=Severity.HIGH,
        subject=7,  # type: ignore[arg-type]
        evidence={"n": 3, "share": 0.1234567891234, "when": [1.0, float("nan")]},
        finding_id="f1",
    )
    assert finding_json(finding) == canonical_json(finding.to_dict())
    inv = VoteInvalidation("v1", (reason_of(finding),), "invalidated")
    odd = VoteInvalidation(Name("v1"), (reason_of(finding),), "invalidated")
    assert invalidation_json(inv) == invalidation_json(odd) == canonical_json(inv.to_dict())

"""Prompt fingerprints with Arrow kernels are those of the plain pandas path, byte for byte.

Specification: :func:`auditkit.prompts.prompt_fingerprints` computes the near-duplicate key with
RE2 and Arrow's string kernels (NFKC by :mod:`unicodedata` on non-ASCII prompts only). For any
prompts — ASCII and not, every whitespace and case, code, digits of other scripts, empty, missing,
characters Python's ``re`` and RE2 classify differently — every column (values, missing cells and
dtypes) equals the plain path: :func:`auditkit.prompts.normalise_prompts` (pandas and
Python's ``re``) and the pandas string methods it was written with, kept as
:func:`auditkit.prompts.reference_fingerprints`.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditkit import prompts
from auditkit.prompts import (
    PROMPT_PREVIEW,
    PROMPT_REPEAT,
    prompt_fingerprints,
    prompt_repeat_hashes,
    reference_fingerprints,
)


def assert_same(values: list[Any], *, index: list[int] | None = None, dtype: Any = object) -> None:
    series = pd.Series(values, index=index, dtype=dtype)
    fast, plain = prompt_fingerprints(series), reference_fingerprints(series)
    pd.testing.assert_frame_equal(fast, plain)
    preview_types = [frame[PROMPT_PREVIEW].array._pa_array.type for frame in (fast, plain)]
    assert preview_types[0] == preview_types[1]
    pd.testing.assert_series_equal(
        prompt_repeat_hashes(series), plain[PROMPT_REPEAT], check_names=False
    )


CODE = "def f(x_1):\n\treturn x_1 ** 2  # square\r\n" * 40
EDGE_CASES = [
    "What is 2+2?",
    "  What IS 2+2?\n",
    "",
    "   ",
    " \x1c\x1f\x85 ",  # whitespace Python strips that is not ASCII space
    "\u00a0non-breaking\u3000ideographic space\u2029",
    "İstanbul ǅemal ß ẞ Σίσυφος",  # case mappings that change length or depend on context
    "ﬁnance ① ²³ Ⅻ ㍻ ＡＢＣ１２３",  # NFKC folds these
    "٣٤٥ ۱۲ १२३ ๑๒ ４２",  # decimal digits of other scripts
    "snake_case__and  --dashes-- …",
    "e\u0301 a\u0308 combining marks",
    "😀 emoji 👍🏽 and 𝟘𝟙 math digits",
    "请介绍一下长城的历史。",
    "Дай три совета, как спать лучше.",
    "\U0002ec07\U000313de newer CJK",  # assigned after Python 3.11's Unicode: RE2 disagrees
    CODE,
    None,
]


def test_edge_cases_give_the_plain_fingerprints() -> None:
    assert_same(EDGE_CASES)


def test_missing_prompts_in_any_representation_and_any_index() -> None:
    assert_same([None, "a", np.nan, "", pd.NA, "B 1"], index=[9, 3, 5, 0, 7, 1])
    assert_same([None, None])
    assert_same([])


def test_pandas_string_columns_give_the_plain_fingerprints() -> None:
    """A loaded chunk's ``prompt`` is a pandas ``str`` column, not objects."""
    assert_same(EDGE_CASES, dtype="str")
    assert_same(EDGE_CASES, dtype="string")


def test_characters_re2_classifies_otherwise_take_the_plain_path() -> None:
    odd = "\U0002ec07"  # CJK Extension I (Unicode 15.1): Python 3.11 does not know it
    if odd.isalnum():
        pytest.skip("this Python's Unicode database already knows the character")
    assert prompts._disagreeing({odd, "a", "٣"}) == {odd}
    assert_same([f"abc{odd}def", "abc def", f"{odd}"])


def test_random_text_from_every_plane_gives_the_plain_fingerprints() -> None:
    rng = random.Random(20261206)
    pool = [chr(c) for c in range(0x250)] + [chr(c) for c in range(0x2000, 0x2070)]
    pool += [chr(c) for c in range(0xFF00, 0xFF70)] + [chr(c) for c in range(0x3000, 0x3040)]
    pool += [chr(rng.randrange(0x110000)) for _ in range(2000)]
    pool = [c for c in pool if not 0xD800 <= ord(c) < 0xE000]  # no surrogates in real text
    values = ["".join(rng.choices(pool, k=rng.randrange(40))) for _ in range(3000)]
    assert_same(values + [None] * 50)


@given(st.lists(st.one_of(st.none(), st.text(max_size=60)), max_size=40))
def test_any_prompts_give_the_plain_fingerprints(values: list[str | None]) -> None:
    values = [v if v is None else v.encode("utf-8", "replace").decode("utf-8") for v in values]
    assert_same(values)


def python_code_points(values: list[str]) -> list[tuple[int, int]]:
    """The definition :func:`auditkit.prompts._non_ascii_code_points` computes from UTF-8 bytes."""
    return [(row, ord(c)) for row, value in enumerate(values) for c in value if ord(c) > 127]


@given(
    st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30), max_size=30),
    st.sampled_from([pa.string(), pa.large_string()]),
    st.integers(0, 3),
)
def test_non_ascii_code_points_are_those_python_sees(
    values: list[str], arrow_type: pa.DataType, skip: int
) -> None:
    """Any characters (1- to 4-byte UTF-8), both offset widths, and arrays that are slices."""
    array = pa.array(["x" * skip] * skip + values, type=arrow_type).slice(skip)
    rows, points = prompts._non_ascii_code_points(array)
    assert list(zip(rows.tolist(), points.tolist(), strict=True)) == python_code_points(values)


def test_non_ascii_code_points_of_empty_and_ascii_arrays() -> None:
    for values in ([], [""], ["plain ascii", "", "a1 b2"]):
        rows, points = prompts._non_ascii_code_points(pa.array(values, type=pa.large_string()))
        assert len(rows) == len(points) == 0
    rows, points = prompts._non_ascii_code_points(pa.array(["", "é", "", "😀x中"]))
    assert rows.tolist() == [1, 3, 3] and points.tolist() == [0xE9, 0x1F600, 0x4E2D]

"""Prompt fingerprints: fixed-size stand-ins for the prompt text, so a streamed table stays small.

Why: prompt de-duplication and the voters' repeated-prompt test only ever compare prompts for
equality (exact, near-duplicate, or stripped and lower-cased) and show an 80-character preview.
Real arena prompts are often pastes of many kilobytes, so keeping the text for a whole streamed
history would make memory grow with the amount of text. :func:`prompt_fingerprints` turns each
prompt into a few fixed-size columns, chunk by chunk; both consumers read these columns when
present and compute them from ``prompt`` with the same function otherwise, so a streamed and an
in-memory audit agree by construction.

Columns (nullable; missing where the consumer has "no prompt", exactly as with the text)

=================== ======= ===================================================================
column              dtype   meaning
=================== ======= ===================================================================
``prompt_exact``    Int64   hash of the exact prompt; missing for a missing or empty prompt
``prompt_near``     Int64   hash of the near-duplicate key (:func:`normalise_prompts`); as above
``prompt_near_len`` Int32   length of that key, so ``min_prompt_chars`` applies later; as above
``prompt_repeat``   Int64   hash of the stripped, lower-cased prompt the voter test compares;
                            missing only for a missing prompt (an empty one is a prompt there)
``prompt_preview``  string  the first 80 characters of the exact prompt; as ``prompt_exact``
=================== ======= ===================================================================

Hashes are 64-bit SipHash-2-4 of the UTF-8 text under a fixed key per column, followed by the
splitmix64 finaliser (``pandas.util.hash_array``; the tests check it against an independent
implementation), so they are the same in every process and run (Python's ``hash()`` is salted per
process) and a near key and an exact key live in separate domains. On 1M short strings it took
0.43 s against 1.4 s for ``hashlib.blake2b(digest_size=8)``. Two different prompts share a hash
with probability 2⁻⁶⁴; among n distinct prompts the chance of any collision is about n²/2⁶⁵
(≈ 3·10⁻⁶ for 10M), and a collision would only merge two prompt groups.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditkit.arrowstrings import string_layout

__all__ = [
    "FINGERPRINT_COLUMNS",
    "PREVIEW_CHARS",
    "PROMPT_EXACT",
    "PROMPT_NEAR",
    "PROMPT_NEAR_LEN",
    "PROMPT_PREVIEW",
    "PROMPT_REPEAT",
    "fingerprint_prompt_column",
    "fingerprints_of",
    "normalise_prompts",
    "prompt_fingerprints",
    "prompt_repeat_hashes",
    "reference_fingerprints",
]

PROMPT_EXACT = "prompt_exact"
PROMPT_NEAR = "prompt_near"
PROMPT_NEAR_LEN = "prompt_near_len"
PROMPT_REPEAT = "prompt_repeat"
PROMPT_PREVIEW = "prompt_preview"
PREVIEW_CHARS = 80

# (column, pandas dtype), in the order the columns appear in a table.
FINGERPRINT_COLUMNS: tuple[tuple[str, Any], ...] = (
    (PROMPT_EXACT, "Int64"),
    (PROMPT_NEAR, "Int64"),
    (PROMPT_NEAR_LEN, "Int32"),
    (PROMPT_REPEAT, "Int64"),
    (PROMPT_PREVIEW, "string"),
)

# SipHash keys (16 bytes each); one per column keeps their hashes in separate domains. Changing a
# key changes every ``prompt:<hex>`` subject and hence the finding ids of prompt_dedup.
_EXACT_KEY = "auditkit-exact-1"
_NEAR_KEY = "auditkit-near--1"
_REPEAT_KEY = "auditkit-repeat1"


def normalise_prompts(prompts: pd.Series) -> pd.Series:
    """Near-duplicate key per prompt: NFKC, lower case, digits and punctuation removed, spaces collapsed.

    The reference definition (pandas and Python's ``re``); :func:`prompt_fingerprints` computes
    the same keys over a whole column with Arrow kernels (:func:`_near_keys`).
    """
    text = prompts.astype("string").fillna("")
    return (
        text.str.normalize("NFKC")
        .str.lower()
        .str.replace(r"\d+", "", regex=True)
        .str.replace(r"[\W_]+", " ", regex=True)
        .str.strip()
    )


# normalise_prompts' two patterns for RE2 (Arrow's regex engine). In Python's ``re`` ``\d`` is
# ``str.isdecimal`` and ``[\W_]`` is "not ``str.isalnum``"; RE2 reads its Unicode classes from its
# own tables, possibly of another Unicode version than Python's, so every character is checked
# (once per process) before a key holding it is computed with them.
_DIGITS = r"\p{Nd}+"
_NOT_WORD = r"[^\p{L}\p{N}]+"
_IS_DIGIT = r"^\p{Nd}$"
_IS_WORD = r"^[\p{L}\p{N}]$"
# Character → whether RE2's classes put it where Python's ``re`` does (ASCII: by construction).
_AGREES: dict[str, bool] = {chr(code): True for code in range(128)}


def _disagreeing(characters: set[str]) -> set[str]:
    """The ``characters`` that RE2's classes and Python's ``re`` classify differently."""
    new = sorted(characters - _AGREES.keys())
    if new:
        probe = pa.array(new, type=pa.large_string())
        digit = pc.match_substring_regex(probe, _IS_DIGIT).to_pylist()
        word = pc.match_substring_regex(probe, _IS_WORD).to_pylist()
        for character, is_digit, is_word in zip(new, digit, word, strict=True):
            _AGREES[character] = (
                is_digit == character.isdecimal() and is_word == character.isalnum()
            )
    return {character for character in characters if not _AGREES[character]}


def _mask(n: int, rows: np.ndarray | list[int]) -> pa.Array:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return pa.array(mask)


def _near_keys(text: pa.Array) -> pa.Array:
    """:func:`normalise_prompts` of each value of ``text`` (a large string array without nulls).

    The reference's steps in its order, each by the implementation the reference uses where that
    is Arrow (pandas lowers and strips Arrow strings with ``utf8_lower``/``utf8_trim_whitespace``):
    NFKC by :mod:`unicodedata` on the non-ASCII values only (ASCII is its own NFKC), the two
    regular expressions by RE2 on every value whose characters RE2 classifies as Python does;
    a value holding any other character takes the reference path whole.
    """
    not_ascii = np.flatnonzero(~pc.string_is_ascii(text).to_numpy(zero_copy_only=False))
    folded = text
    if len(not_ascii):
        originals = text.take(pa.array(not_ascii)).to_pylist()
        nfkc = [unicodedata.normalize("NFKC", value) for value in originals]
        folded = pc.replace_with_mask(text, _mask(len(text), not_ascii), pa.array(nfkc, text.type))
    lowered = pc.utf8_lower(folded)
    keys = pc.utf8_trim_whitespace(
        pc.replace_substring_regex(pc.replace_substring_regex(lowered, _DIGITS, ""), _NOT_WORD, " ")
    )
    if len(not_ascii):
        rows, points = _non_ascii_code_points(lowered)
        distinct = np.unique(points)
        odd = _disagreeing({chr(point) for point in distinct.tolist()})
        if odd:
            odd_points = np.array(sorted(map(ord, odd)), dtype=points.dtype)
            slow = np.unique(rows[np.isin(points, odd_points)])
            slow_originals = text.take(pa.array(slow)).to_pylist()
            reference = normalise_prompts(pd.Series(slow_originals, dtype=object))
            replaced = pa.array(reference.tolist(), type=keys.type)
            keys = pc.replace_with_mask(keys, _mask(len(text), slow), replaced)
    return keys


def _non_ascii_code_points(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Every non-ASCII character of ``values`` (a string array without nulls) as (row, code point).

    Decoded from the UTF-8 data buffer with numpy (Arrow keeps its strings valid UTF-8), in the
    order of the characters; the same as ``[(row, ord(c)) for row, v in enumerate(values) for c in
    v if ord(c) > 127]`` without a Python object per character.
    """
    offsets, buffer = string_layout(values)
    start, end = int(offsets[0]), int(offsets[-1])
    if end == start:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    data = buffer[start:end]
    lead = np.flatnonzero(data >= 0xC0)  # the first byte of every multi-byte character
    padded = np.zeros(len(data) + 3, dtype=np.int32)
    padded[: len(data)] = data
    first = padded[lead]
    follow = [padded[lead + k] & 0x3F for k in (1, 2, 3)]
    two = ((first & 0x1F) << 6) | follow[0]
    three = ((first & 0x0F) << 12) | (follow[0] << 6) | follow[1]
    four = ((first & 0x07) << 18) | (follow[0] << 12) | (follow[1] << 6) | follow[2]
    points = np.where(first < 0xE0, two, np.where(first < 0xF0, three, four))
    rows = np.searchsorted(offsets, lead + start, side="right") - 1
    return rows, points


def _arrow_text(prompts: pd.Series) -> pa.Array:
    """``prompts`` as one large string array (missing → null), read as ``astype("string")`` reads them."""
    values = pa.array(prompts.astype("string").array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values if values.type == pa.large_string() else values.cast(pa.large_string())


def _hashes(values: pa.Array, rows: np.ndarray, key: str) -> pd.arrays.IntegerArray:
    """SipHash of ``values`` (the strings at ``rows``, a boolean mask, in order) as Int64; missing
    elsewhere."""
    hashed = np.zeros(len(rows), dtype=np.int64)
    if len(values):
        chosen = values.to_numpy(zero_copy_only=False)
        hashed[rows] = pd.util.hash_array(chosen, hash_key=key, categorize=False).view(np.int64)
    return pd.arrays.IntegerArray(hashed, ~rows)


def _repeat_keys(present: pa.Array) -> pa.Array:
    """The voter test's key: the prompt stripped, then lower-cased (pandas' own Arrow kernels)."""
    return pc.utf8_lower(pc.utf8_trim_whitespace(present))


def prompt_repeat_hashes(prompts: pd.Series) -> pd.Series:
    """``prompt_repeat`` alone (the voter test needs only this): hash of the stripped, lower-cased prompt."""
    text = _arrow_text(prompts)
    present = text.is_valid().to_numpy(zero_copy_only=False)
    keys = _repeat_keys(text.filter(pa.array(present)))
    return pd.Series(_hashes(keys, present, _REPEAT_KEY), index=prompts.index)


def prompt_fingerprints(prompts: pd.Series) -> pd.DataFrame:
    """The fingerprint columns of ``prompts`` (same index); see the module docstring.

    Computed with Arrow kernels over the whole column, on the rows with a prompt only (a streamed
    arena with text on a tenth of its battles would otherwise normalise nine missing prompts for
    every real one); the keys are :func:`normalise_prompts`' (:func:`_near_keys`).
    """
    text = _arrow_text(prompts)
    n = len(text)
    present = text.is_valid().to_numpy(zero_copy_only=False)
    lengths = pc.utf8_length(text).fill_null(0).to_numpy(zero_copy_only=False)
    nonempty = present & (lengths > 0)
    chosen = text.filter(pa.array(nonempty))
    near = _near_keys(chosen)
    near_len = np.zeros(n, dtype=np.int32)
    near_len[nonempty] = pc.utf8_length(near).to_numpy(zero_copy_only=False)
    # The preview of each non-empty prompt, null elsewhere.
    positions = np.full(n, -1, dtype=np.int64)
    positions[nonempty] = np.arange(len(chosen))
    preview = pc.utf8_slice_codeunits(chosen, 0, PREVIEW_CHARS).take(
        pa.array(positions, mask=~nonempty)
    )
    columns = {
        PROMPT_EXACT: _hashes(chosen, nonempty, _EXACT_KEY),
        PROMPT_NEAR: _hashes(near, nonempty, _NEAR_KEY),
        PROMPT_NEAR_LEN: pd.arrays.IntegerArray(near_len, ~nonempty),
        PROMPT_REPEAT: _hashes(_repeat_keys(text.filter(pa.array(present))), present, _REPEAT_KEY),
        PROMPT_PREVIEW: pd.arrays.ArrowStringArray(pa.chunked_array([preview])),
    }
    return pd.DataFrame(columns, index=prompts.index)


def reference_fingerprints(prompts: pd.Series) -> pd.DataFrame:
    """:func:`prompt_fingerprints` by pandas string methods and :func:`normalise_prompts`: the
    definition the Arrow path must match, value for value and dtype for dtype (the tests and
    ``bench/bench_text_paths.py`` compare them; it is not used otherwise)."""
    text = prompts.astype("string")
    present = text.notna().to_numpy(dtype=bool)
    if present.all():
        return _reference_present(text)
    positions = np.full(len(text), -1, dtype=np.intp)
    positions[present] = np.arange(int(present.sum()))
    found = _reference_present(text[present])
    columns = {name: found[name].array.take(positions, allow_fill=True) for name in found}
    return pd.DataFrame(columns, index=prompts.index)


def _reference_hashes(text: pd.Series, rows: np.ndarray, key: str) -> pd.arrays.IntegerArray:
    values = np.zeros(len(text), dtype=np.int64)
    if rows.any():
        chosen = text[rows].to_numpy(dtype=object)
        values[rows] = pd.util.hash_array(chosen, hash_key=key, categorize=False).view(np.int64)
    return pd.arrays.IntegerArray(values, ~rows)


def _reference_present(text: pd.Series) -> pd.DataFrame:
    present = text.notna().to_numpy(dtype=bool)
    nonempty = present & (text.str.len().fillna(0).to_numpy(dtype=np.int64) > 0)
    near = normalise_prompts(text)
    near_len = np.zeros(len(text), dtype=np.int32)
    near_len[nonempty] = near[nonempty].str.len().to_numpy(dtype=np.int32)
    repeat = text.str.strip().str.lower()
    columns = {
        PROMPT_EXACT: _reference_hashes(text, nonempty, _EXACT_KEY),
        PROMPT_NEAR: _reference_hashes(near, nonempty, _NEAR_KEY),
        PROMPT_NEAR_LEN: pd.arrays.IntegerArray(near_len, ~nonempty),
        PROMPT_REPEAT: _reference_hashes(repeat, present, _REPEAT_KEY),
        PROMPT_PREVIEW: text.str.slice(0, PREVIEW_CHARS).where(nonempty).astype("string").array,
    }
    return pd.DataFrame(columns, index=text.index)


def fingerprints_of(frame: pd.DataFrame) -> pd.DataFrame | None:
    """The fingerprint columns of ``frame``: its own, else computed from ``prompt``; None without either."""
    names = [name for name, _ in FINGERPRINT_COLUMNS]
    if all(name in frame.columns for name in names):
        return frame[names]
    if "prompt" in frame.columns:
        return prompt_fingerprints(frame["prompt"])
    return None


def fingerprint_prompt_column(
    frame: pd.DataFrame, fingerprints: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``frame`` with its ``prompt`` column replaced, at the same position, by the fingerprints
    (``fingerprints``: :func:`prompt_fingerprints` of that column, computed elsewhere)."""
    if "prompt" not in frame.columns:
        return frame
    at = frame.columns.get_loc("prompt")
    assert isinstance(at, int)  # column names are unique in a battle frame
    if fingerprints is None:
        fingerprints = prompt_fingerprints(frame["prompt"])
    return pd.concat([frame.iloc[:, :at], fingerprints, frame.iloc[:, at + 1 :]], axis=1)

"""The name prefilter on Arrow conversation columns: which conversations need reading at all?

Why: almost no response names a model or maker (about one in twenty on a simulated arena with
text), yet reading a conversation means decoding it into Python lists of dicts first, and the
identity scan's own prefilter (:func:`~auditkit.identity.prefilter.names_in`) then needs every
response as a Python string. Here a column typed ``list<struct<role, content>>`` (what a streamed
load keeps, see ``ArrowColumns.keep_text_as_arrow``) is answered over whole Arrow arrays: the
assistant turns are picked with Arrow compute, their ASCII texts are lower-cased by Arrow and
scanned in place with the lexicon's byte automaton (no Python string is built for them), and only
the non-ASCII responses become Python strings, for :func:`names_in` itself.

The answer, per conversation: whether it must be *read* (a response in it names a model or maker
as :func:`~auditkit.identity.matcher.has_name` says, or the column's checks left it for the
per-turn reading: a null turn, role or content), and otherwise how many assistant responses it
holds. A conversation that is not read is exactly one the plain scan would only have counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from auditkit.arrowstrings import string_layout
from auditkit.identity.lexicon import IdentityRules
from auditkit.identity.prefilter import _owners_named, names_in
from auditkit.io.arrowjsonl import _conversation_checks

__all__ = ["ArrowNames", "arrow_names"]


@dataclass(frozen=True, eq=False)
class ArrowNames:
    """What :func:`arrow_names` says of each conversation of a column.

    ``read``: the rows to decode and scan as before (a response names a model or maker, or the
    row needs its per-turn reading). ``responses``: each other row's number of assistant
    responses, none of which names one (0 for a row without a conversation; unset where read).
    """

    read: np.ndarray  # bool, one per row
    responses: np.ndarray  # int64, one per row


def _is_conversation_type(kind: pa.DataType) -> bool:
    """``list<struct<role: string, content: string, ...>>`` (either list or string width)."""
    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind)):
        return False
    turn = kind.value_type
    if not pa.types.is_struct(turn):
        return False
    names = {turn.field(i).name: turn.field(i).type for i in range(turn.num_fields)}
    text = (pa.string(), pa.large_string())
    return names.get("role") in text and names.get("content") in text


def arrow_names(lists: pa.Array | pa.ChunkedArray, rules: IdentityRules) -> ArrowNames | None:
    """Which conversations of an Arrow conversation column need reading (see the module
    docstring); None when the column is not typed ``list<struct<role, content>>`` of strings
    (the caller then decodes it all, as before)."""
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    if not _is_conversation_type(lists.type):
        return None
    n = len(lists)
    read = np.zeros(n, dtype=bool)
    responses = np.zeros(n, dtype=np.int64)
    if n == 0 or lists.null_count == n:
        return ArrowNames(read, responses)
    # Rows with a null turn, role or content take the per-turn reading: read them as before.
    _, odd = _conversation_checks(lists)
    turns = lists.flatten()
    parents = pc.list_parent_indices(lists).to_numpy()
    assistant = (
        pc.fill_null(pc.equal(turns.field("role"), "assistant"), False)
        .to_numpy(zero_copy_only=False)
        .astype(bool, copy=False)
    )
    assistant &= ~odd[parents]
    owner = parents[assistant]
    responses += np.bincount(owner, minlength=n)
    contents = turns.field("content").filter(pa.array(assistant))
    named = _named(contents, rules)
    read[owner[named]] = True
    read |= odd
    responses[read] = 0
    return ArrowNames(read, responses)


def _named(contents: pa.Array, rules: IdentityRules) -> np.ndarray:
    """``names_in(contents.to_pylist(), rules)`` for a string array without nulls.

    A text in which no character but the ASCII letters changes when lower-cased is lower-cased
    by Arrow's ``ascii_lower`` exactly as ``str.lower`` does it, and scanned in Arrow's own buffer
    (UTF-8: the byte automaton and its boundary checks, prefilter.py, read it as they read the
    joined texts). Which texts those are is asked of Arrow's ``utf8_lower``: where it changes
    nothing but ASCII letters, ``str.lower`` changes nothing more either (Arrow's Unicode tables
    are at least as new as Python's and case pairs are never removed;
    ``tests/test_identity_arrow_prefilter.py`` checks this of every code point). Any other text
    (capitals beyond ASCII, a final sigma) goes to :func:`names_in` as a Python string.
    """
    found = np.zeros(len(contents), dtype=bool)
    if len(contents) == 0:
        return found
    mask = pc.string_is_ascii(contents).to_numpy(zero_copy_only=False).astype(bool)
    beyond = np.flatnonzero(~mask)
    if len(beyond):
        texts = contents.take(pa.array(beyond))
        same = pc.equal(pc.utf8_lower(texts), pc.ascii_lower(texts))
        mask[beyond] = same.to_numpy(zero_copy_only=False).astype(bool)
    rows = np.flatnonzero(mask)
    if len(rows):
        found[rows] = _bytes_named(pc.ascii_lower(contents.filter(pa.array(mask))), rules)
    others = np.flatnonzero(~mask)
    if len(others):
        texts = contents.take(pa.array(others)).to_pylist()
        found[others] = names_in(texts, rules)
    return found


def _bytes_named(lowered: pa.Array, rules: IdentityRules) -> np.ndarray:
    """Which texts of a lower-cased string array hold a name standing as a word: one pass of the
    byte automaton over the array's data buffer, the texts lying back to back in it."""
    offsets, buffer = string_layout(lowered)
    if offsets[-1] == offsets[0]:
        return np.zeros(len(lowered), dtype=bool)
    data = buffer[int(offsets[0]) : int(offsets[-1])].data
    bounds = offsets - offsets[0]
    return _owners_named(data, bounds[:-1], rules, ends=bounds[1:])

"""``category_tag`` read column-wise: the struct pyarrow parsed, flattened into ``tag.<dotted.key>``.

Why: real exports tag every vote (LMArena's ``category_tag``, and auditkit's simulator writes one), and
a block with a field the column-wise path does not read goes line by line — a tagged 1M-battle file
loaded about three times slower than an untagged one. The values are those of the per-value reading
(:func:`auditkit.io.normalise._tag_columns`): each leaf of the tag object under its dotted path, one
Python value per row, ``None`` where the row has no such leaf.

Only shapes that reading gives the same answer for are accepted; anything else returns None and the
block is read per value:

- a nested object that is null (or absent) on a row whose parent is an object: per value, a null
  object is a leaf of its own (``tag.a`` = None), which the struct cannot tell from an absent one;
- a leaf that is a list (written back as JSON text per value), a timestamp (pyarrow reads
  ISO-looking strings as times), or any other type that is not bool, integer, string or null;
- a float leaf holding an integral value: in JSON ``2`` beside ``1.5`` is parsed as ``2.0``, while
  the per-value reading keeps the integer;
- two paths that flatten to the same dotted key (``{"a.b": 1, "a": {"b": 2}}``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["tag_leaves", "tag_values"]

TagLeaves = list[tuple[str, pa.Array]]


def tag_leaves(column: pa.Array | pa.ChunkedArray) -> TagLeaves | None:
    """(dotted key, values) of every leaf of a tag column, sorted by key, each leaf with its
    parents' nulls; None when only the per-value reading gives its exact values."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_null(array.type):
        return []  # null on every row: no tag at all
    if not pa.types.is_struct(array.type):
        return None
    leaves: TagLeaves = []
    if not _collect(array, "", leaves):
        return None
    leaves.sort(key=lambda leaf: leaf[0])
    keys = [key for key, _ in leaves]
    if len(set(keys)) != len(keys):
        return None
    return leaves


def _collect(array: pa.StructArray, prefix: str, leaves: TagLeaves) -> bool:
    kind = array.type
    for i, child in enumerate(array.flatten()):  # a child's nulls include its parent's
        name = kind.field(i).name
        key = f"{prefix}.{name}" if prefix else name
        if pa.types.is_struct(child.type):
            if child.null_count != array.null_count or not _collect(child, key, leaves):
                return False
        elif _plain_leaf(child):
            leaves.append((key, child))
        else:
            return False
    return True


def _plain_leaf(values: pa.Array) -> bool:
    kind = values.type
    if (
        pa.types.is_boolean(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_null(kind)
    ):
        return True
    if pa.types.is_floating(kind):
        integral = pc.equal(pc.floor(values), values)
        return not bool(pc.any(integral).as_py())
    return False


def tag_values(values: pa.Array) -> np.ndarray:
    """One leaf as the per-value reading holds it: an object array of Python values (None: no
    value)."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)
    if values.null_count == 0 and not pa.types.is_null(values.type):
        return values.to_numpy(zero_copy_only=False).astype(object)
    return np.asarray(values.to_pylist(), dtype=object)

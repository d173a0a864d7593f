"""Re-file an attack's votes under one category: the attacker who stays where its target shines.

An attacker who has read :mod:`auditkit.voters.category` knows that each vote is expected to follow
the strengths of its own category, and that a model genuinely best in one category is expected to
win more there. So it asks only about that category: every vote its accounts cast (rigged and
cover) is filed under the category where the target is strongest as judged by the honest votes.
The arena is otherwise unchanged (the pairs the accounts met stay those the policy served them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from auditkit.simulate.people import CATEGORY_TAG
from auditkit.simulate.truth import SimulatedArena
from auditkit.stats.bradley_terry import fit_bt_pairs
from auditkit.stats.category_strengths import fit_category_offsets
from auditkit.typing import FloatArray

__all__ = ["in_best_category"]

_HONEST = ("honest", "honest_shared")
_SCORE = {"model_a": 1.0, "model_b": 0.0}


def in_best_category(
    arena: SimulatedArena,
    target: str,
    labels: Sequence[str] = ("camouflage", "camouflage_cover"),
) -> tuple[SimulatedArena, str, float]:
    """``arena`` with every vote labelled one of ``labels`` in the category where ``target`` is
    strongest (per-category BT offsets around the global fit, both on honest votes only).

    Returns (the arena, that category, the target's offset there in Elo points).
    """
    frame = arena.battles.frame
    ids = frame["vote_id"].astype(str).to_numpy()
    truth = arena.truth.vote_labels.drop_duplicates("vote_id").set_index("vote_id")["label"]
    label = truth.reindex(ids).astype(str).to_numpy()
    honest = np.isin(label, _HONEST)
    a_codes, models = pd.factorize(
        pd.concat([frame["model_a"], frame["model_b"]]).astype(str), sort=True
    )
    n = len(frame)
    a, b = a_codes[:n].astype(np.int64), a_codes[n:].astype(np.int64)
    score: FloatArray = np.asarray(
        frame["winner"].astype(str).map(_SCORE).fillna(0.5), dtype=np.float64
    )
    k = len(models)
    theta = fit_bt_pairs(
        a[honest], b[honest], score[honest], np.ones(int(honest.sum())), k, l2=1e-6
    )
    codes, names = pd.factorize(frame[CATEGORY_TAG])
    fit = fit_category_offsets(
        codes[honest].astype(np.int64),
        a[honest],
        b[honest],
        score[honest],
        np.asarray(theta, dtype=np.float64),
        len(names),
    )
    column = list(models).index(target)
    best = int(np.argmax(fit.offset[:, column]))
    moved = frame.copy()
    moved.loc[np.isin(label, list(labels)), CATEGORY_TAG] = str(names[best])
    elo = float(fit.offset[best, column] * 400.0 / np.log(10.0))
    battles = arena.battles.with_frame(moved)
    return dataclasses.replace(arena, battles=battles), str(names[best]), elo

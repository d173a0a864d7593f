"""A learned second step over name occurrences the self-reference rules did not accept.

Rules are precise but each covers one phrasing in one language; answers phrase a self-
identification in endless ways ("Anthropic이라는 회사에서 만들었어요", "تم تطويري بواسطة Anthropic",
"ChatGPT and I are both …"). Every name occurrence no rule accepted becomes a *candidate*: its
sentence with the name masked (⟨F⟩ for a model, ⟨M⟩ for a maker), described by hashed character
n-grams plus a few context flags (a first-person word near the name — the ``self_markers`` of
self_reference.yaml —, the user probed, the name opens the reply, quotation, code, a translation
or role-play request). A logistic regression trained offline (``bench/train_identity_scorer.py``,
on labelled data built for auditkit) scores it; the weights ship in the package
(``data/self_id_scorer.npz``), scoring is a dot product in numpy, nothing is downloaded.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

__all__ = [
    "DEFAULT_SCORER_PATH",
    "NEAR_LEFT",
    "NEAR_RIGHT",
    "CandidateContext",
    "SelfIdScorer",
    "candidate_tokens",
    "hash_tokens",
    "worth_scoring",
]

DEFAULT_SCORER_PATH = Path(__file__).resolve().parent / "data" / "self_id_scorer.npz"
N_BUCKETS = 1 << 16
_LEFT, _RIGHT = 60, 40
# The gate looks for a first-person word this close to the name (cheap: a short window).
NEAR_LEFT, NEAR_RIGHT = 30, 20
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CandidateContext:
    """One name occurrence in its sentence: the text around it and what is known about it."""

    left: str  # from the sentence start (at most 60 characters) up to the name
    right: str  # from the name's end (at most 40 characters, up to the sentence end)
    kind: str  # "family" or "maker"
    self_before: bool  # a first-person marker in `left`
    self_after: bool  # a first-person marker in `right`
    probed: bool  # the user asked who the model is
    at_start: bool  # the name is in the reply's first 40 characters
    quoted: bool  # inside quotation marks / on a "Speaker:" line
    translate: bool  # the user asked for a translation
    roleplay: bool  # the user asked for role-play / a script
    opens_sentence: bool  # nothing but punctuation before the name in its sentence
    several_names: bool = False  # another lexicon name in the same sentence (a list, a comparison)
    self_near: bool = False  # a first-person marker within NEAR_LEFT / NEAR_RIGHT characters


def worth_scoring(ctx: CandidateContext) -> bool:
    """The gate before the scorer: a first-person word near the name, or the name opening the
    reply (its first words, nothing but punctuation before it in its sentence), or a reply to an
    identity question; never quoted text (that is not the speaker). A name merely near the start
    of an unprobed reply ("Con frecuencia busca en Google …") is not enough."""
    if ctx.quoted:
        return False
    return ctx.self_near or ctx.probed or (ctx.at_start and ctx.opens_sentence)


def candidate_tokens(ctx: CandidateContext) -> list[str]:
    """Features of a candidate: character 1–4-grams of the masked sentence, near-name grams, flags."""
    mask = "⟨F⟩" if ctx.kind == "family" else "⟨M⟩"
    left = _SPACES.sub(" ", ctx.left.lower())[-_LEFT:]
    right = _SPACES.sub(" ", ctx.right.lower())[:_RIGHT]
    window = f"{left}{mask}{right}"
    tokens = [window[i : i + n] for n in (2, 3, 4) for i in range(len(window) - n + 1)]
    near = f"{left[-10:]}{mask}{right[:10]}"
    tokens += ["n|" + near[i : i + n] for n in (2, 3, 4) for i in range(len(near) - n + 1)]
    flags = {
        "kind_maker": ctx.kind == "maker",
        "self_before": ctx.self_before,
        "self_after": ctx.self_after,
        "self_any": ctx.self_before or ctx.self_after,
        "probed": ctx.probed,
        "at_start": ctx.at_start,
        "probed_at_start": ctx.probed and ctx.at_start,
        "quoted": ctx.quoted,
        "translate": ctx.translate,
        "roleplay": ctx.roleplay,
        "opens_sentence": ctx.opens_sentence,
        "several_names": ctx.several_names,
        "short_sentence": len(left) + len(right) < 40,
    }
    tokens += [f"__{name}__" for name, on in flags.items() if on]
    tokens.append("__bias__")
    return tokens


@lru_cache(maxsize=1 << 16)
def _bucket(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) % N_BUCKETS


def hash_tokens(tokens: Iterable[str]) -> np.ndarray:
    """Bucket indices of the tokens (crc32: stable across processes, unlike ``hash``)."""
    return np.fromiter((_bucket(t) for t in tokens), dtype=np.int64)


_MAX_TOKENS = 1 << 17  # token weights remembered (forgotten all at once past this)


class _TokenWeights(dict[str, float]):
    """Token -> its bucket's weight, each token's looked up the first time it is asked."""

    def __init__(self, weights: list[float]) -> None:
        super().__init__()
        self.weights = weights

    def __missing__(self, token: str) -> float:
        if len(self) >= _MAX_TOKENS:
            self.clear()
        weight = self[token] = self.weights[_bucket(token)]
        return weight


@dataclass(frozen=True, eq=False)
class SelfIdScorer:
    """Logistic-regression weights over hashed features; ``score`` is a probability."""

    weights: np.ndarray  # float32, N_BUCKETS
    intercept: float
    threshold: float

    @classmethod
    def load(
        cls, path: str | Path = DEFAULT_SCORER_PATH, threshold: float | None = None
    ) -> SelfIdScorer:
        with np.load(path) as data:
            weights = data["weights"].astype(np.float32)
            intercept = float(data["intercept"])
            stored = float(data["threshold"])
        if weights.shape != (N_BUCKETS,):
            raise ValueError(f"{path}: expected {N_BUCKETS} weights, got {weights.shape}")
        scorer = cls(weights, intercept, stored if threshold is None else threshold)
        _ = scorer._weight_list  # built once, at load
        return scorer

    def score(self, ctx: CandidateContext) -> float:
        """Probability that the candidate is the response naming itself."""
        # The tokens' weights added left to right (as a generator would give them to sum).
        z = self.intercept + sum(map(self._weight_of.__getitem__, candidate_tokens(ctx)))
        return 1.0 / (1.0 + math.exp(-z))

    @cached_property
    def _weight_of(self) -> _TokenWeights:
        return _TokenWeights(self._weight_list)

    @cached_property
    def _weight_list(self) -> list[float]:
        # Python floats index faster than numpy scalars in the per-token loop above.
        return list(self.weights.astype(float).tolist())

    def scores(self, contexts: Sequence[CandidateContext]) -> np.ndarray:
        return np.array([self.score(c) for c in contexts], dtype=float)

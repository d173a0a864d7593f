"""Arena model name → model family and maker, from ``rules/models.yaml`` (contract 4).

Several detectors need to know who built a model: the identity audit checks whether a claimed
identity is true for the model that wrote the response, and the sampling audit groups models by
maker. The mapping is data (ordered regex patterns on the lower-cased arena name, first match wins),
so users extend it without touching Python.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from auditkit.errors import RuleError
from auditkit.rulepack import compiled_once, require

if TYPE_CHECKING:
    from auditkit.rulepack import RulePack

__all__ = ["ModelInfo", "ModelMap", "ModelPattern", "load_model_map"]

_WHERE = "rules/models.yaml"


@dataclass(frozen=True)
class ModelInfo:
    """Who a model is: ``family`` (e.g. ``gpt``) and ``maker`` (e.g. ``openai``); None if unknown."""

    family: str | None
    maker: str | None

    @property
    def known(self) -> bool:
        return self.family is not None or self.maker is not None


@dataclass(frozen=True)
class ModelPattern:
    """One ordered rule: a regex on the lower-cased arena name and the identity it implies."""

    pattern: str
    family: str
    maker: str

    def __post_init__(self) -> None:
        try:
            re.compile(self.pattern)
        except re.error as exc:
            raise RuleError(f"bad model pattern {self.pattern!r}: {exc}", path=_WHERE) from None


_UNKNOWN = ModelInfo(None, None)


@dataclass(frozen=True)
class ModelMap:
    """Ordered patterns; :meth:`lookup` returns the first match's family and maker."""

    patterns: tuple[ModelPattern, ...]
    version: str = ""
    _compiled: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _cache: dict[str, ModelInfo] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        compiled = tuple(re.compile(p.pattern) for p in self.patterns)
        object.__setattr__(self, "_compiled", compiled)

    def lookup(self, model_name: str) -> ModelInfo:
        """Family and maker of ``model_name``; ``ModelInfo(None, None)`` when no pattern matches."""
        cached = self._cache.get(model_name)
        if cached is None:
            cached = self._cache[model_name] = self._lookup_uncached(model_name)
        return cached

    def _lookup_uncached(self, model_name: str) -> ModelInfo:
        name = str(model_name).strip().lower()
        for pattern, regex in zip(self.patterns, self._compiled, strict=True):
            if regex.search(name):
                return ModelInfo(pattern.family, pattern.maker)
        return _UNKNOWN

    @property
    def families(self) -> list[str]:
        return sorted({p.family for p in self.patterns})

    @property
    def makers(self) -> list[str]:
        return sorted({p.maker for p in self.patterns})

    def to_frame(self, models: Sequence[str]) -> pd.DataFrame:
        """One row per model: ``model, family, maker`` (None where unknown)."""
        rows = [(m, *self._as_pair(m)) for m in models]
        return pd.DataFrame(rows, columns=["model", "family", "maker"], dtype=object)

    def _as_pair(self, model: str) -> tuple[str | None, str | None]:
        info = self.lookup(model)
        return info.family, info.maker

    def summary(self) -> str:
        return (
            f"model map v{self.version}: {len(self.patterns)} patterns, {len(self.makers)} makers"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "patterns": [
                {"pattern": p.pattern, "family": p.family, "maker": p.maker} for p in self.patterns
            ],
        }

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any], where_file: str = _WHERE) -> ModelMap:
        """Validate the ``models`` section: a ``patterns`` list of {pattern, family, maker}."""
        entries = require(section, "patterns", list, where=where_file)
        patterns = []
        for i, entry in enumerate(entries):
            where = f"{where_file} patterns[{i}]"
            if not isinstance(entry, Mapping):
                raise RuleError("each pattern must be a mapping", path=where)
            pattern = require(entry, "pattern", str, where=where)
            try:
                re.compile(pattern)
            except re.error as exc:
                raise RuleError(f"bad model pattern {pattern!r}: {exc}", path=where) from None
            patterns.append(
                ModelPattern(
                    pattern=pattern,
                    family=require(entry, "family", str, where=where).lower(),
                    maker=require(entry, "maker", str, where=where).lower(),
                )
            )
        return cls(tuple(patterns), version=str(section.get("version", "")))


def load_model_map(rules: RulePack) -> ModelMap:
    """The model map of a rule pack (section ``models``); an empty map if the pack has none.
    Compiled once per pack object (every streamed chunk asks for it)."""
    return compiled_once(rules, "models", _compile_model_map)


def _compile_model_map(rules: RulePack) -> ModelMap:
    section = rules.section("models", default={"patterns": []})
    return ModelMap.from_mapping(section, rules.where("models"))

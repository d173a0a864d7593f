"""The one detector contract: battle table + rule pack in, typed findings out.

Detectors never change data. A *vote-level* finding names one ``vote_id``; a *table-level* finding
(graph, sampling) has ``vote_id=None`` and a ``subject`` such as a model, a pair or a voter. Which
findings invalidate votes is policy, applied once by the cleaning step from the rule pack.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

# The shared result types live in the bottom module; re-exported here beside the contract.
from auditkit.findings import (
    FINDING_COLUMNS,
    DetectorResult,
    DetectorStatus,
    Finding,
    FindingList,
    Severity,
    finding_id_for,
    jsonable,
)

if TYPE_CHECKING:
    from auditkit.rulepack import RulePack
    from auditkit.schema import BattleTable

__all__ = [
    "FINDING_COLUMNS",
    "Detector",
    "DetectorResult",
    "DetectorStatus",
    "Finding",
    "FindingList",
    "Severity",
    "available_detectors",
    "finding_id_for",
    "get_detector",
    "jsonable",
    "register",
]


class Detector(ABC):
    """Base class of every detector: a stable ``name`` and one ``detect`` method.

    Subclasses read their options from ``rules.section(...)`` and must be deterministic given the
    table, the rule pack and ``random_state``.
    """

    name: ClassVar[str]

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    @classmethod
    def check_rules(cls, rules: RulePack) -> None:
        """Validate this detector's rule sections at load time (:mod:`auditkit.rulecheck`).

        Parse the options exactly as :meth:`detect` will, raising :class:`RuleError` for a bad
        value and compiling every pattern; the keys asked for here are the ones the files may
        hold, so any other key is reported as unknown. The default reads nothing.
        """
        return None

    @classmethod
    def rule_ids(cls, rules: RulePack) -> frozenset[str] | None:
        """The rule names this detector's findings can carry (checked against the pack policy);
        None when they are not known in advance."""
        return None

    @abstractmethod
    def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
        """Return findings for ``battles``; never modify them."""


_REGISTRY: dict[str, type[Detector]] = {}


def register(cls: type[Detector]) -> type[Detector]:
    """Class decorator: make a detector available by its ``name`` (users can register their own)."""
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise TypeError(f"{cls.__qualname__} needs a non-empty class attribute 'name'")
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls:
        raise ValueError(
            f"a detector named {name!r} is already registered ({existing.__qualname__})"
        )
    _REGISTRY[name] = cls
    return cls


def _load_builtin_detectors() -> None:
    """Import the built-in detector modules so their ``@register`` runs (missing ones are skipped)."""
    import importlib

    for module in (
        "identity",
        "voters",
        "sampling",
        "dedup",
        "population",
        "identity_probe",
        "deanonymisability",
    ):
        try:
            importlib.import_module(f"auditkit.detectors.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"auditkit.detectors.{module}":
                raise


def available_detectors() -> list[str]:
    _load_builtin_detectors()
    return sorted(_REGISTRY)


def get_detector(name: str) -> type[Detector]:
    _load_builtin_detectors()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise KeyError(f"no detector named {name!r} (known: {known})") from None

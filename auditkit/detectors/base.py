"""The one detector contract: battle table + rule pack in, typed findings out.

Detectors never change data. A *vote-level* finding names one ``vote_id``; a *table-level* finding
(graph, sampling) has ``vote_id=None`` and a ``subject`` such as a model, a pair or a voter. Which
findings invalidate votes is policy, applied once by the cleaning step from the rule pack.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

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
    "default_detectors",
    "detector_classes",
    "finding_id_for",
    "get_detector",
    "jsonable",
    "register",
]


class Detector(ABC):
    """Base class of every detector: what it is, what it reads and gives, and one ``detect`` method.

    A detector says on its class everything the pipeline, the engines, the ledger cache, the report
    and the diff need to know about it, so no other module lists detectors by name:

    ``name``, ``description``
        its stable id (findings, policy, ledger) and one sentence for people.
    ``reads``
        the battle-table columns it reads; empty means the whole table. A text detector must say
        (a streamed chunk is cut to these columns before it is shipped to a worker).
    ``per_vote``
        its finding about a vote depends on that vote's row alone: the ledger may cache its
        findings per vote (nightly runs scan only votes not seen under the same rule pack).
    ``reads_text``
        it reads conversation text. A streamed audit (``--engine``) keeps no text, so it runs
        such a detector chunk by chunk on the engine while the text is still there: each chunk
        through :meth:`detect_chunk` (anywhere, it pickles), the parts through :meth:`merge`.
        A text detector that does not override :meth:`merge` cannot be streamed.
    ``reads_arrow_text``
        its :meth:`detect_chunk` takes conversation columns a streamed load left as Arrow
        (``pd.ArrowDtype``) as they are, so the scan does not decode them to Python lists first
        (the identity detector decodes only the conversations its prefilter cannot rule out).
    ``default``
        it runs when neither the caller nor the pack's ``detectors:`` list names the detectors;
        ``order`` places it among the others (results, summary and report follow it).
    ``report_title``, ``report_template``, :meth:`report_data`
        its own report section: a Jinja fragment (autoescaped) rendered with ``data`` (what
        :meth:`report_data` returns; no section when None) and ``plot(name, rows)`` for a figure
        of :mod:`auditkit.report.plots`.
        ``report_markdown`` is the same section for ``report.md`` (Jinja, no autoescape: pass
        untrusted text through the ``md`` filter); without it the Markdown report points to the HTML.
    ``diff_key``
        ``auditkit diff`` lists its new findings apart, as ``new_<diff_key>``.
    ``lazy_imports``
        libraries its :meth:`detect` uses that its modules import on first use
        (:mod:`auditkit.lazy`): an audit imports them on a second thread while the load reads
        (:mod:`auditkit.pipeline.warm`), so that importing the detector stays cheap.
    :meth:`summary_entries`
        keys it adds to ``summary.json`` (present with their empty value when it did not run).

    Subclasses read their options from ``rules.section(...)`` and must be deterministic given the
    table, the rule pack and ``random_state``.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    reads: ClassVar[frozenset[str]] = frozenset()
    per_vote: ClassVar[bool] = False
    reads_text: ClassVar[bool] = False
    reads_arrow_text: ClassVar[bool] = False
    default: ClassVar[bool] = False
    order: ClassVar[int] = 100
    report_title: ClassVar[str | None] = None
    report_template: ClassVar[str] = ""
    report_markdown: ClassVar[str] = ""
    diff_key: ClassVar[str | None] = None
    lazy_imports: ClassVar[tuple[str, ...]] = ()

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

    @classmethod
    def streamable(cls) -> bool:
        """Can a streamed audit run it chunk by chunk (it overrides :meth:`merge`)?"""
        return cls.merge.__func__ is not Detector.merge.__func__  # type: ignore[attr-defined]

    @classmethod
    def detect_chunk(cls, battles: BattleTable, rules: RulePack) -> DetectorResult:
        """Its partial result on one chunk of rows (a top-level call on a worker: it pickles).

        ``battles`` holds the chunk's :attr:`reads` columns (others are placeholders). The default
        is :meth:`detect` on the chunk; :meth:`merge` turns the parts into the whole table's result.
        """
        return cls().detect(battles, rules)

    @classmethod
    def merge(
        cls, parts: Sequence[DetectorResult], battles: BattleTable, rules: RulePack
    ) -> DetectorResult:
        """The whole table's result from the chunks' results, in chunk order (see :meth:`streamable`).

        ``battles`` is the whole loaded table without text (voter status, row count)."""
        raise NotImplementedError(f"detector {cls.name!r} cannot be run chunk by chunk")

    @classmethod
    def report_data(cls, result: DetectorResult) -> Mapping[str, Any] | None:
        """What its report section shows (``data`` in :attr:`report_template`); None: no section."""
        return None

    @classmethod
    def summary_entries(cls, result: DetectorResult | None) -> Mapping[str, Any]:
        """Top-level ``summary.json`` keys it adds; ``result`` is None when it did not run."""
        return {}


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


ENTRY_POINT_GROUP = "auditkit.detectors"
_DISCOVERED = False


def _load_builtin_detectors() -> None:
    """Discover detectors once: every concrete detector class defined in a module of the
    :mod:`auditkit.detectors` package, and every ``auditkit.detectors`` entry point of installed
    packages (a module, or the detector class itself, which is then registered)."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    import importlib
    import inspect
    import pkgutil
    from importlib.metadata import entry_points

    import auditkit.detectors as package

    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_") and info.name != "base":
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for value in vars(module).values():  # its detectors, decorated or not
                if (
                    isinstance(value, type)
                    and issubclass(value, Detector)
                    and value.__module__ == module.__name__
                    and not inspect.isabstract(value)
                    and isinstance(getattr(value, "name", None), str)
                ):
                    register(value)
    for point in entry_points(group=ENTRY_POINT_GROUP):
        loaded = point.load()
        if isinstance(loaded, type) and issubclass(loaded, Detector):
            register(loaded)
    _DISCOVERED = True


def detector_classes() -> list[type[Detector]]:
    """Every discovered detector class, in run order (``order``, then name)."""
    _load_builtin_detectors()
    return sorted(_REGISTRY.values(), key=lambda cls: (cls.order, cls.name))


def default_detectors(
    rules: RulePack | None = None, *, text: bool = False, streamed: bool = False
) -> tuple[str, ...]:
    """The detectors that run when the caller names none: the pack's ``detectors:`` list when it
    has one, else every detector whose class says ``default = True``, in run order.

    ``text`` adds the other text detectors (the CLI's choice when the conversations are there);
    ``streamed`` keeps of those only the ones that run chunk by chunk.
    """
    listed = rules.pack.get("detectors") if rules is not None else None
    if listed:
        return tuple(str(name) for name in listed)
    return tuple(
        cls.name
        for cls in detector_classes()
        if cls.default or (text and cls.reads_text and (cls.streamable() or not streamed))
    )


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

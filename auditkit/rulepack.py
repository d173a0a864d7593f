"""Rule packs (the data type and its reading helpers; :mod:`auditkit.rules` loads and validates
them): versioned, validated data that decides what the detectors look for and what counts.

A pack is a folder (``rules/`` by default)::

    rules/
      pack.yaml          name, version, policy (which findings invalidate votes), gate
      identity/*.yaml    identity-leak lexicon and patterns        (section "identity")
      voters.yaml        voter-anomaly tests and FDR                 (section "voters")
      sampling.yaml      expected sampling policy, thresholds        (section "sampling")

Every YAML/TOML file below the folder becomes a *section* named by its path without suffix
(``voters``, ``sampling``, ``identity/lexicon`` …). The pack's ``content_hash`` covers every file's
path and bytes, so a report or ledger row that cites it pins the exact rules it ran under.
"""

from __future__ import annotations

import tomllib
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from auditkit.errors import RuleError

__all__ = [
    "RULE_SUFFIXES",
    "RulePack",
    "compiled_once",
    "default_rules_dir",
    "parse_rule_file",
    "require",
]

RULE_SUFFIXES = (".yaml", ".yml", ".toml")


def default_rules_dir() -> Path:
    """``./rules`` when run from a checkout, else the copy bundled into the installed package."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (
        Path.cwd() / "rules",
        package_dir.parent / "rules",
        package_dir / "_bundled_rules",
    ):
        if (candidate / "pack.yaml").is_file():
            return candidate
    raise RuleError("no rule pack found (looked for rules/pack.yaml); pass --rules DIR")


@dataclass(frozen=True)
class RulePack:
    """A loaded rule pack. ``sections`` maps a section name to its parsed mapping."""

    root: str
    name: str
    version: str
    content_hash: str
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]

    @property
    def label(self) -> str:
        """``name@version#hash`` — what an invalidation cites."""
        return f"{self.name}@{self.version}#{self.short_hash}"

    def section(self, name: str, default: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        """A section by name; a missing one is an error unless a default is given."""
        if name in self.sections:
            return self.sections[name]
        if default is not None:
            return default
        raise RuleError(f"rule pack {self.root!r} has no section {name!r}")

    def where(self, name: str) -> str:
        """The real path of section ``name``'s file (under this pack's root), for error messages."""
        for relative in self.files:
            if relative.rsplit(".", 1)[0] == name:
                return str(Path(self.root) / relative)
        return str(Path(self.root) / f"{name}.yaml")

    def sections_under(self, prefix: str) -> dict[str, Mapping[str, Any]]:
        """All sections in a sub-folder, e.g. ``identity/`` → its files, sorted by name."""
        prefix = prefix.rstrip("/") + "/"
        return {k: v for k, v in sorted(self.sections.items()) if k.startswith(prefix)}

    @property
    def pack(self) -> Mapping[str, Any]:
        return self.sections.get("pack", {})

    def policy(self) -> Mapping[str, Any]:
        """Which findings invalidate votes (``pack.yaml`` → ``policy``)."""
        policy = self.pack.get("policy", {})
        return policy if isinstance(policy, Mapping) else {}


# libyaml's parser when PyYAML was built with it: the same safe constructors, about ten times
# faster on the pack's 120 kB (the identity lexicon), which every audit reads at start-up.
_FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: bytes) -> Any:
    """``yaml.safe_load(text)``, parsed by libyaml when available.

    On an error the pure-Python parser reads the text again, so the message (with its excerpt
    and caret) is the one ``safe_load`` gives, and a text only it accepts is still read.
    """
    try:
        return yaml.load(text, Loader=_FAST_SAFE_LOADER)  # a safe loader (C or Python)
    except yaml.YAMLError:
        if _FAST_SAFE_LOADER is yaml.SafeLoader:
            raise
        return yaml.safe_load(text)


def parse_rule_file(path: Path, relative: str) -> Mapping[str, Any]:
    text = path.read_bytes()
    try:
        data = tomllib.loads(text.decode("utf-8")) if path.suffix == ".toml" else _load_yaml(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot parse rule file: {exc}", path=str(path)) from None
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise RuleError("a rule file must hold a mapping at top level", path=str(path))
    return data


def require(
    mapping: Mapping[str, Any],
    key: str,
    kind: type | tuple[type, ...],
    *,
    where: str,
    default: Any = ...,
) -> Any:
    """Fetch ``mapping[key]`` checking its type; errors name the file/section and key."""
    if key not in mapping:
        if default is not ...:
            return default
        raise RuleError(f"missing key {key!r}", path=where)
    value = mapping[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
        names = "/".join(t.__name__ for t in _as_tuple(kind))
        raise RuleError(f"key {key!r} must be {names}, got {type(value).__name__}", path=where)
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


_T = TypeVar("_T")
_COMPILED: dict[tuple[int, str], tuple[weakref.ref[RulePack], Any]] = {}


def compiled_once(rules: RulePack, what: str, build: Callable[[RulePack], _T]) -> _T:
    """``build(rules)``, computed once per rule-pack object and kind (``what``) and kept for as
    long as the pack lives. Why: a streamed audit asks for the same compiled rules (identity
    lexicon, model map) in every chunk; compiling them again each time cost milliseconds a chunk.
    """
    key = (id(rules), what)
    hit = _COMPILED.get(key)
    if hit is not None and hit[0]() is rules:
        return hit[1]  # type: ignore[no-any-return]
    compiled = build(rules)
    _COMPILED[key] = (weakref.ref(rules, lambda _: _COMPILED.pop(key, None)), compiled)
    return compiled

"""Loading a rule pack and validating it against the detectors that will read it.

The data type and its helpers live in :mod:`auditkit.rulepack`, below the detectors; this module sits
above them, because strict validation asks every detector which keys it reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from auditkit.errors import RuleError
from auditkit.rulepack import (
    RULE_SUFFIXES,
    RulePack,
    default_rules_dir,
    parse_rule_file,
    require,
)

__all__ = [
    "RULE_SUFFIXES",
    "RulePack",
    "default_rules_dir",
    "load_rules",
    "require",
]


def load_rules(root: str | Path | None = None, *, strict: bool = True) -> RulePack:
    """Load and validate every rule file under ``root`` (default: :func:`default_rules_dir`).

    ``strict`` (the default) also runs :func:`auditkit.rulecheck.validate_pack`: unknown keys
    (with the nearest valid one suggested), unknown detectors or rules in the policy, wrong types,
    patterns that do not compile and missing rule files are errors naming the file and key.
    ``strict=False`` only parses (for tools that read a partial pack).
    """
    base = Path(root) if root is not None else default_rules_dir()
    if not base.is_dir():
        raise RuleError(f"rule pack folder {str(base)!r} does not exist")
    files = sorted(p for p in base.rglob("*") if p.is_file() and p.suffix in RULE_SUFFIXES)
    digest = hashlib.sha256()
    sections: dict[str, Mapping[str, Any]] = {}
    for path in files:
        relative = path.relative_to(base).as_posix()
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
        name = relative.rsplit(".", 1)[0]
        if name in sections:
            raise RuleError(f"two rule files define section {name!r}", path=str(path))
        sections[name] = parse_rule_file(path, relative)
    pack = sections.get("pack")
    if pack is None:
        raise RuleError("rule pack has no pack.yaml", path=str(base))
    name = require(pack, "name", str, where=str(base / "pack.yaml"))
    version = str(require(pack, "version", (str, int, float), where=str(base / "pack.yaml")))
    loaded = RulePack(
        root=str(base),
        name=name,
        version=version,
        content_hash=digest.hexdigest(),
        sections=sections,
        files=tuple(p.relative_to(base).as_posix() for p in files),
    )
    if strict:
        from auditkit.rulecheck import validate_pack

        validate_pack(loaded)
    return loaded

"""Identity-leak analysis: lexicon, prefilter and self-identification matcher (rules are data)."""

from auditkit.identity.lexicon import (
    IdentityName,
    IdentityRules,
    SelfReferenceRule,
    load_identity_rules,
)
from auditkit.identity.matcher import (
    NameHit,
    SelfIdMatch,
    analyze_response,
    find_names,
    is_probe,
)

__all__ = [
    "IdentityName",
    "IdentityRules",
    "NameHit",
    "SelfIdMatch",
    "SelfReferenceRule",
    "analyze_response",
    "find_names",
    "is_probe",
    "load_identity_rules",
]

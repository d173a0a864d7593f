"""Voter-anomaly audit: per-voter tests, FDR control across voters, coordinated groups."""

from auditkit.voters.audit import VoterAudit, audit_voters
from auditkit.voters.config import INDIVIDUAL_TESTS, VoterConfig
from auditkit.voters.groups import GroupResult, find_coordinated_groups

__all__ = [
    "INDIVIDUAL_TESTS",
    "GroupResult",
    "VoterAudit",
    "VoterConfig",
    "audit_voters",
    "find_coordinated_groups",
]

"""The ledger's per-vote detector cache during one run (nightly audits).

A detector that says it judges single votes (``per_vote``) has its findings cached per vote under
the rule pack's hash; a later run scans only the votes not yet seen under that pack.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from auditkit.clean import findings_from_dicts
from auditkit.detectors.base import DetectorResult, Finding
from auditkit.ledger import Ledger
from auditkit.rulepack import RulePack
from auditkit.schema import BattleTable

__all__ = ["CacheWrites", "VoteCache", "detect_with_cache"]

# New detector-cache rows (vote_id, detector) → findings, written with the run's ledger row.
CacheWrites = dict[tuple[str, str], list[dict[str, Any]]]


class VoteCache:
    """A per-vote detector's ledger cache during one run: which votes to skip, what they found.

    Why one object for both paths: the in-memory audit asks it about the whole table, the streaming
    audit about each chunk (``stream_battles(skip=...)``); both then get the same result and queue
    the same cache rows. Calling it marks the rows of a frame already scanned under this rule pack
    and keeps their cached findings; :meth:`finish` adds them to the scan of the other rows.
    """

    def __init__(
        self,
        ledger: Ledger,
        pack: RulePack,
        detector: str,
        cache_writes: CacheWrites,
    ) -> None:
        self.ledger = ledger
        self.rule_pack_hash = pack.content_hash
        self.detector = detector
        self.cache_writes = cache_writes
        self.cached_findings: list[Finding] = []
        self.votes_from_cache = 0
        self.votes_scanned = 0

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        vote_ids = frame["vote_id"].astype(str)
        cached = self.ledger.cached_findings(vote_ids, self.rule_pack_hash, self.detector)
        skip = vote_ids.isin(list(cached)).to_numpy(dtype=bool)
        for rows in cached.values():
            self.cached_findings.extend(findings_from_dicts(rows))
        self.votes_from_cache += len(cached)
        self.votes_scanned += int((~skip).sum())
        # Every scanned vote is cached, an empty list when nothing was found (rows without text
        # included: the detector judged them and found nothing).
        for vote_id in vote_ids[~skip]:
            self.cache_writes[(vote_id, self.detector)] = []
        return skip

    def finish(self, scanned: DetectorResult) -> DetectorResult:
        """The whole result: ``scanned`` (the result on the unskipped votes) plus cached findings.

        The summary and notes are those of the scan (none when every vote came from the cache),
        plus ``votes_from_cache`` and ``votes_scanned``.
        """
        if scanned.summary.get("ran") is False:
            # The detector could not run (no text anywhere): nothing was judged, cache nothing.
            for key in [k for k in self.cache_writes if k[1] == self.detector]:
                del self.cache_writes[key]
        for finding in scanned.findings:
            if finding.vote_id is not None:
                key = (finding.vote_id, self.detector)
                self.cache_writes.setdefault(key, []).append(finding.to_dict())
        summary = dict(scanned.summary) if self.votes_scanned else {}
        summary["votes_from_cache"] = self.votes_from_cache
        summary["votes_scanned"] = self.votes_scanned
        return DetectorResult(
            self.detector,
            findings=(*self.cached_findings, *scanned.findings),
            summary=summary,
            notes=scanned.notes if self.votes_scanned else (),
        )


def detect_with_cache(
    detector: Any,
    name: str,
    battles: BattleTable,
    pack: RulePack,
    ledger: Ledger,
    cache_writes: CacheWrites,
) -> DetectorResult:
    """Run a per-vote detector only on votes not yet scanned under this rule pack."""
    cache = VoteCache(ledger, pack, name, cache_writes)
    fresh_mask = ~cache(battles.frame)
    fresh = battles.with_frame(battles.frame.loc[fresh_mask].reset_index(drop=True))
    scanned = detector.detect(fresh, pack) if fresh_mask.any() else DetectorResult(name)
    return cache.finish(scanned)

"""Stage *load*: the input files (or a table already loaded) → the battle table and quarantine.

In memory the whole table is loaded with its text. With an engine the input is streamed: the text
detectors that can run chunk by chunk do so on the engine while the text passes, and the text is
dropped (:func:`auditkit.streaming.stream_battles`); their results come back with the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.clean import canonical_json
from auditkit.detectors.base import DetectorResult, get_detector
from auditkit.ledger import Ledger
from auditkit.pipeline.cache import CacheWrites, VoteCache
from auditkit.runfolder import sha256_file

if TYPE_CHECKING:
    import logging

    from auditkit.io.loader import LoadResult
    from auditkit.pipeline.config import AuditConfig
    from auditkit.rulepack import RulePack

__all__ = ["Loaded", "load_stage", "sha256_file", "streamed_detectors"]


@dataclass(frozen=True, eq=False)
class Loaded:
    """The loaded table, its inputs' identities, and what ran while it streamed."""

    loaded: LoadResult
    inputs: tuple[Mapping[str, Any], ...]  # path, sha256, bytes (summary.json → run.inputs)
    streamed: Mapping[str, DetectorResult]  # text detectors run chunk by chunk, by name
    notes: tuple[str, ...] = ()


def _record_to_dict(record: Any) -> dict[str, Any]:
    if is_dataclass(record) and not isinstance(record, type):
        return asdict(record)
    if isinstance(record, Mapping):
        return dict(record)
    return dict(vars(record))


def streamed_detectors(names: Sequence[str]) -> tuple[str, ...]:
    """Of ``names``, the text detectors a streamed load runs chunk by chunk (the others run on
    the text-free table afterwards and say what they could not see)."""
    found = []
    for name in names:
        try:
            cls = get_detector(name)
        except KeyError:
            continue
        if cls.reads_text and cls.streamable():
            found.append(name)
    return tuple(found)


def load_stage(
    config: AuditConfig,
    pack: RulePack,
    names: Sequence[str],
    runlog: logging.Logger,
    cache_writes: CacheWrites,
) -> Loaded:
    """Load (or stream) the inputs, write ``quarantine.jsonl``; raises when no vote loaded."""
    # The inputs are hashed on a second thread while they load (hashlib releases the GIL): at 10M
    # battles that is 2 GiB read twice, and the hash need not wait for the parse or hold it up.
    hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="auditkit-hash")
    try:
        known = config.input_hashes or {}
        digests = [hasher.submit(_input_hash, path, known.get(str(path))) for path in config.paths]
        loaded, streamed, notes = _load_inputs(config, pack, names, runlog, cache_writes)
        inputs: list[dict[str, Any]] = [
            {"path": str(p), "sha256": digest.result(), "bytes": p.stat().st_size}
            for p, digest in zip(config.paths, digests, strict=True)
        ]
    finally:
        hasher.shutdown(wait=True, cancel_futures=True)
    if config.preloaded is not None:
        from auditkit.io.frame import table_sha256

        digest = table_sha256(config.preloaded)
        inputs = [{"path": f, "sha256": digest, "bytes": None} for f in config.preloaded.files]
    runlog.info("loaded %d of %d rows", loaded.rows_loaded, loaded.rows_read)
    loaded.require_votes()
    return Loaded(loaded, tuple(inputs), streamed, tuple(notes))


def _input_hash(path: Path, known: str | None) -> str:
    return known or sha256_file(path)


def _load_inputs(
    config: AuditConfig,
    pack: RulePack,
    names: Sequence[str],
    runlog: logging.Logger,
    cache_writes: CacheWrites,
) -> tuple[LoadResult, dict[str, DetectorResult], list[str]]:
    """The battle table (loaded, streamed or given), the streamed detectors' results, notes;
    ``quarantine.jsonl`` written."""
    from auditkit.io import load_battles

    quarantine_path = config.out_dir / "quarantine.jsonl"
    quarantine_path.unlink(missing_ok=True)
    streamed: dict[str, DetectorResult] = {}
    notes: list[str] = []
    if config.preloaded is not None:
        loaded = config.preloaded
    elif config.engine is None:
        loaded = load_battles(
            list(config.paths),
            quarantine_path=quarantine_path,
            with_text=True,
            encoding=config.encoding,
        )
    else:
        loaded = _stream_load(
            config, pack, streamed_detectors(names), quarantine_path, streamed, runlog, cache_writes
        )
        notes.append(
            "streaming load: conversations were scanned chunk by chunk and not kept; "
            "the cleaned battles have no conversation text"
        )
    if not quarantine_path.exists():
        with open(quarantine_path, "w", encoding="utf-8") as handle:
            for record in loaded.quarantine:
                handle.write(canonical_json(_record_to_dict(record)) + "\n")
    return loaded, streamed, notes


def _stream_load(
    config: AuditConfig,
    pack: RulePack,
    names: Sequence[str],
    quarantine_path: Path,
    streamed_results: dict[str, DetectorResult],
    runlog: logging.Logger,
    cache_writes: CacheWrites,
) -> LoadResult:
    """Streaming load: the text detectors ``names`` run chunk by chunk on the engine; text is
    not kept.

    With the detector cache (nightly) and one per-vote detector streamed, each chunk's votes are
    looked up in the ledger's cache and only the others are scanned; their new cache rows go into
    ``cache_writes``. (With other text detectors streamed beside it every row is scanned: they
    judge votes together.)
    """
    from auditkit.engine import make_engine
    from auditkit.streaming import chunk_rows_for, stream_battles

    assert config.engine is not None
    with ExitStack() as resources:
        cache = None
        cached = [n for n in names if get_detector(n).per_vote]
        if (
            config.use_detector_cache
            and config.db_path is not None
            and len(names) == 1
            and cached == list(names)
        ):
            lookup = resources.enter_context(Ledger(config.db_path))
            cache = VoteCache(lookup, pack, names[0], cache_writes)
        if isinstance(config.engine, str):
            runner = make_engine(config.engine, workers=config.workers, scheduler=config.scheduler)
            resources.callback(runner.close)
        else:
            runner = config.engine
        streamed = stream_battles(
            list(config.paths),
            rules=pack if names else None,
            engine=runner,
            chunk_rows=config.chunk_rows or chunk_rows_for(config.paths),
            quarantine_path=quarantine_path,
            skip=cache,
            encoding=config.encoding,
            detectors=names,
        )
        runlog.info("streamed on %s: %s", runner.describe(), streamed.summary())
    for name, result in streamed.results.items():
        streamed_results[name] = result if cache is None else cache.finish(result)
    return streamed.load

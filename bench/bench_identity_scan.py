"""The identity scan's own CPU per text battle: ``IdentityLeakDetector.detect_chunk`` alone.

The battles are read once with the streamed loader's own chunk reader (20k rows a chunk, the
columns a scan worker is sent, :data:`auditkit.engine.scan.SCAN_COLUMNS`) and, with ``--cache``,
kept in a pickle so a second run skips the load. Then every chunk is scanned
(:func:`auditkit.engine.scan.scan_identity_chunk`, what the streamed audit runs on each chunk)
and timed with ``time.process_time`` (CPU seconds of this process: meaningful on a loaded
machine, unlike wall time). Language profiles are loaded before the clock starts, as an engine
worker's ``warm_up`` does. Printed: CPU seconds, µs per text battle and per 10k text battles,
responses scanned, candidates (responses naming a model or maker), findings, and a SHA-256 of
the merged result (findings and summary): equal hashes across commits mean identical findings.

    .venv/bin/python bench/bench_identity_scan.py --cache /tmp/identity-scan.pkl
    .venv/bin/python bench/bench_identity_scan.py FILE --repeat 3
    .venv/bin/python bench/bench_identity_scan.py --arrow --cache /tmp/identity-arrow.pkl

``--arrow`` feeds the chunks as the streamed audit hands them to the scan: conversations left as
Arrow (``BattleChunkStream(arrow_text=True)``, chunk rows sized by ``chunk_rows_for``), so the
detector takes its Arrow prefilter (``arrow_names``) and decodes only the candidates; without it
the chunks are the older decoded pandas ones (keep a separate ``--cache`` per mode).
``--fewer-collections`` scans under ``gcscope.fewer_collections()``, as ``run_audit`` runs its
load: with CPython's default thresholds a decoded cache of millions of objects makes garbage
collection a large, noisy part of the figure, which the audit does not pay.

Measured on /tmp/auditkit-bench-scale/arena2-1M-text0.1-000.jsonl (1M battles, 100,162 with
text; ``bench_scale --text-fraction 0.1`` writes it), first scan, on a shared machine (load
average 3-9 on 2 cores: CPU seconds of the same code vary by up to ±25 % run to run). Main at
e628fb9 (exported with ``git archive``, run with this script) against this branch:

- run at the same time, three pairs: main 8.77 / 6.63 / 5.97 s, branch 7.69 / 5.94 / 5.33 s
  (11-12 % less in every pair);
- run one after the other, eight pairs: medians main 7.45 s, branch 6.2 s (17 % less; the
  fastest runs 5.60 against 5.78 s);
- both: 12,236 candidates of 210,140 responses, 9,325 findings, the same result hash.

Most of what is left is per candidate (a response naming a model or maker): the self-reference
rules (``analyze_response``, about 180 µs), the finding's language (about 100 µs) and the finding
itself. A battle that names no model costs the prefilter's floor printed last.

Issue 18, wave 9 (findings' languages per chunk, the prefilter's byte offsets from line breaks,
the rule router's set union, lazier learned-step gate): main at 641a592 (``git archive``) against
the branch, alternating, one run each, load average 5.9-7.2 on 2 cores: main 6.50 / 6.63 /
5.86 s, branch 5.18 / 4.99 / 4.67 s (medians 6.50 and 4.99 s: 23 % less), the same result hash
8931308732b2… in every run. The parts measured alone over the same responses, paired: the
prefilter (``names_in``, 246,898 responses) 1.14 / 1.31 s against 0.70 / 0.79 s; the findings'
languages (9,325 texts) about 1.0 s one by one against 0.5 s per chunk.

Issue 18, wave 11 (cheaper per-candidate steps: the rule router places the literal pass's answer
in its route, a rule's anchored ``after`` test before its ``before`` search, ``guarded`` looked up
by identity, one whole-text test before ``needs_normalising``'s spans, ``AnyPattern.search``
remembering its answers on short texts, ``jsonable``'s plain dicts and lists): main at fdd4232
(``git archive``) and the branch run at the same time, three scans each, load average 13-18 on
2 cores: main 5.49 / 5.05 / 5.00 s against 5.05 / 5.18 / 4.75 s (before the remembered answers),
then main 5.78 / 5.27 / 5.59 s against 5.31 / 5.22 / 4.70 s (medians 5.59 and 5.22: 7 % less;
the noise at this load is ±15 %); the same result hash 8931308732b2… in every run. Most of what
is left is spread thinly over the self-reference rules (``analyze_response``, about half of the
scan), the prefilter and the findings' languages.

Issue 18, wave 12 (the rule router remembers per sentence opening which rules' ``before``
matches, so only the tests of what follows the name run per occurrence; short windows remember
their answers for ``not_self.after``, ``self_markers``, ``not_self.before``, ``_quoted``'s line
prefix and the scripts of the sentence; the learned step asks ``worth_scoring``'s own tests
before building a context; ``needs_normalising`` tests the whole text as one character class;
``find_names`` tests word boundaries inline; the languages of a chunk's findings summed side by
side in the same order): f58a2a9 (``git archive``) against the branch, alternating, five pairs,
load average 7.5-9.1 on 2 cores (other sessions' work): ``--arrow`` medians 4.23 s against 3.17 s
(25 % less; every pair lower), the pandas chunks 4.11 against 3.80 s (garbage collection of the
decoded cache, which the audit does not pay, is much of that figure and the noise); the same
result hash 8931308732b2… in every run. In the stream (``stream_parts.py FILE identity`` minus
``none``, three pairs) the scan's CPU went from 6.78 / 5.35 / 4.81 s to 5.43 / 3.22 / 3.50 s
(medians 5.35 and 3.50: 35 % less).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from auditkit.detectors.identity import merge_identity_results  # noqa: E402
from auditkit.engine.scan import SCAN_COLUMNS, scan_frame, scan_identity_chunk  # noqa: E402
from auditkit.engine.scan import warm_up as warm_up_scan  # noqa: E402
from auditkit.gcscope import fewer_collections  # noqa: E402
from auditkit.rules import load_rules  # noqa: E402
from auditkit.streaming import BattleChunkStream, chunk_rows_for, iter_battle_chunks  # noqa: E402

DEFAULT_FILE = Path("/tmp/auditkit-bench-scale/arena2-1M-text0.1-000.jsonl")


def read_chunks(path: Path, cache: Path | None, *, arrow: bool = False) -> list[Any]:
    """The scan columns of every chunk of ``path`` (from ``cache`` when it exists).

    ``arrow``: the chunks as the streamed audit hands them to the scan (conversations left as
    Arrow, ``pd.ArrowDtype``; chunk rows as ``stream_battles`` sizes them), not decoded.
    """
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            chunks: list[Any] = pickle.load(fh)
        return chunks
    if arrow:
        stream = BattleChunkStream(path, chunk_rows=chunk_rows_for([path]), arrow_text=True)
    else:
        stream = iter_battle_chunks(path, with_text=True)
    chunks = [
        scan_frame(chunk.frame, SCAN_COLUMNS)
        for chunk in stream
        if chunk.normalised and len(chunk.frame)
    ]
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump(chunks, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return chunks


def fingerprint(result: Any) -> str:
    """SHA-256 of a detector result's findings and summary, in order."""
    body = {
        "findings": [
            [
                f.detector,
                f.rule,
                f.severity.value,
                f.subject,
                f.vote_id,
                f.score,
                f.message,
                f.evidence,
            ]
            for f in result.findings
        ],
        "summary": result.summary,
        "notes": list(result.notes),
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--cache", type=Path, help="pickle of the chunks (written if missing)")
    parser.add_argument("--repeat", type=int, default=1, help="scans of the same chunks (best)")
    parser.add_argument(
        "--arrow",
        action="store_true",
        help="feed the chunks as the streamed audit does (conversations as Arrow; use its own --cache)",
    )
    parser.add_argument(
        "--fewer-collections",
        action="store_true",
        help="scan under gcscope.fewer_collections(), as run_audit runs its load and scan",
    )
    args = parser.parse_args(argv)
    if not args.file.exists() and (args.cache is None or not args.cache.exists()):
        print(f"{args.file} does not exist: run bench/bench_scale.py --text-fraction 0.1 first")
        return 2
    chunks = read_chunks(args.file, args.cache, arrow=args.arrow)
    text_rows = sum(int(c["conversation_a"].notna().sum()) for c in chunks if "conversation_a" in c)
    rules = load_rules(REPO / "rules")
    warm_up_scan()
    times: list[float] = []
    merged = None
    for _ in range(max(1, args.repeat)):
        with fewer_collections() if args.fewer_collections else nullcontext():
            cpu = time.process_time()
            # An Arrow chunk takes the Arrow prefilter (the detector reads its text as Arrow).
            parts = [scan_identity_chunk(chunk, rules) for chunk in chunks]
            times.append(time.process_time() - cpu)
        merged = merge_identity_results(parts)
    best = times[0]
    assert merged is not None
    summary = merged.summary
    per_battle = best / max(text_rows, 1) * 1e6
    print(f"file: {args.file}  chunks: {len(chunks)}  text battles: {text_rows:,}")
    # The first scan is what an audit pays (its caches start cold); later ones reuse them.
    print(
        f"detector CPU: {best:.2f} s (first scan; each scan: {', '.join(f'{t:.2f}' for t in times)})"
    )
    print(
        f"per text battle: {per_battle:.1f} µs  per 10k text battles: {per_battle * 1e4 / 1e6:.3f} s"
    )
    print(
        f"responses scanned: {summary.get('responses_scanned', 0):,}  "
        f"candidates: {summary.get('responses_with_name', 0):,}  "
        f"findings: {len(merged.findings):,}"
    )
    print(f"result sha256: {fingerprint(merged)}")
    if not args.arrow:
        prefilter_floor(chunks, rules, text_rows)
    return 0


def prefilter_floor(chunks: list[Any], rules: Any, text_rows: int) -> None:
    """What a battle naming no model costs: its responses read and asked whether they name one,
    by ``has_name`` per response (the plain path) and by ``names_in`` per chunk, in this run."""
    import numpy as np

    from auditkit.detectors.identity import _assistant_texts
    from auditkit.identity.lexicon import load_identity_rules
    from auditkit.identity.matcher import has_name
    from auditkit.identity.prefilter import names_in

    identity = load_identity_rules(rules)
    read = plain = chunked = 0.0
    for chunk in chunks:
        if "conversation_a" not in chunk:
            continue
        cpu = time.process_time()
        texts: list[str] = []
        for column in ("conversation_a", "conversation_b"):
            texts += _assistant_texts(chunk[column].to_numpy(dtype=object))[0]
        read += time.process_time() - cpu
        cpu = time.process_time()
        want = np.array([has_name(text, identity) for text in texts], dtype=bool)
        plain += time.process_time() - cpu
        cpu = time.process_time()
        got = names_in(texts, identity)
        chunked += time.process_time() - cpu
        assert (got == want).all()
    per = 1e6 / max(text_rows, 1)
    print(
        f"prefilter floor per text battle: responses read {read * per:.1f} µs; name prefilter "
        f"{plain * per:.1f} µs per response (has_name) vs {chunked * per:.1f} µs per chunk "
        f"(names_in): {plain / max(chunked, 1e-9):.2f}x"
    )


if __name__ == "__main__":
    raise SystemExit(main())

"""Identity-leak scan speed: auditkit's prefilter + analysis vs FastChat's lower-case-and-``in`` scan.

The corpus is every response in the Arena answer files under shared/data/real (arena-bench-v1,
Arena-Hard v0.1 and v2.0), replicated by streaming (the base texts are cycled, never concatenated)
until ``--mb`` megabytes of UTF-8 response text have been scanned. Both methods see the same texts
in the same run, so the ratio is meaningful on a shared machine. One core, no multiprocessing.

    .venv/bin/python bench/bench_identity.py            # 500 MB (target: ≥ 50 MB/s for auditkit)
    .venv/bin/python bench/bench_identity.py --quick    # 40 MB
    .venv/bin/python bench/bench_identity.py --devset   # precision / recall table on the dev set
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from auditkit.identity.evaluate import FASTCHAT_IDENTITY_WORDS, evaluate_labelled  # noqa: E402
from auditkit.identity.lexicon import load_identity_rules  # noqa: E402
from auditkit.identity.matcher import analyze_response, has_name  # noqa: E402
from auditkit.rules import load_rules  # noqa: E402

REAL = REPO.parent / "shared" / "data" / "real"


def load_responses() -> list[str]:
    texts: list[str] = []
    with gzip.open(REAL / "arena_bench_v1_model_answers.jsonl.gz", "rt", encoding="utf-8") as fh:
        texts.extend(json.loads(line)["response"] for line in fh)
    for name in (
        "arena_hard_v0_1_model_answers.jsonl.gz",
        "arena_hard_v2_0_model_answers.jsonl.gz",
    ):
        with gzip.open(REAL / name, "rt", encoding="utf-8") as fh:
            texts.extend(json.loads(line)["messages"][1]["content"]["answer"] for line in fh)
    return texts


def stream(texts: list[str], sizes: list[int], target_bytes: int) -> Iterator[str]:
    """Cycle through ``texts`` until ``target_bytes`` of UTF-8 have been yielded."""
    done = 0
    while done < target_bytes:
        for text, size in zip(texts, sizes, strict=True):
            yield text
            done += size
            if done >= target_bytes:
                return


def timed(
    scan: Callable[[str], bool], texts: list[str], sizes: list[int], target: int
) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds of this process (= one core), texts scanned, texts flagged."""
    flagged = n = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for text in stream(texts, sizes, target):
        flagged += scan(text)
        n += 1
    return time.perf_counter() - wall, time.process_time() - cpu, n, flagged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=500.0, help="MB of response text to scan")
    parser.add_argument("--quick", action="store_true", help="small run (40 MB)")
    parser.add_argument("--devset", action="store_true", help="print the dev-set table instead")
    args = parser.parse_args()
    pack = load_rules(REPO / "rules")
    if args.devset:
        items: list[dict[str, Any]] = []
        for name in ("real.jsonl", "handwritten.jsonl"):
            path = REPO / "tests" / "data" / "identity" / name
            items.extend(json.loads(line) for line in path.open(encoding="utf-8"))
        print(evaluate_labelled(items, pack).to_string(index=False))
        return 0
    if not REAL.is_dir():
        print(f"skipped: real data not found at {REAL}")
        return 0
    identity = load_identity_rules(pack)
    texts = load_responses()
    sizes = [len(t.encode("utf-8")) for t in texts]
    base_mb = sum(sizes) / 1e6
    target = int((40.0 if args.quick else args.mb) * 1e6)
    words = FASTCHAT_IDENTITY_WORDS

    def fastchat(text: str) -> bool:
        low = text.lower()
        return any(word in low for word in words)

    def auditkit(text: str) -> bool:
        # the detector's per-response path: one automaton pass, full analysis only on candidates
        return has_name(text, identity) and bool(analyze_response(text, identity))

    print(f"corpus: {len(texts):,} responses, {base_mb:.1f} MB, streamed to {target / 1e6:.0f} MB")
    print(
        "MB/s per core = MB / CPU seconds of this single-threaded process (robust to other load);"
    )
    print("wall MB/s is also shown. Both methods scan the same streamed texts.")
    cpu_rate: dict[str, float] = {}
    for label, scan in (("fastchat lower+in", fastchat), ("auditkit identity", auditkit)):
        wall, cpu, n, flagged = timed(scan, texts, sizes, target)
        cpu_rate[label] = target / 1e6 / cpu
        print(
            f"{label:>18}: {cpu_rate[label]:7.1f} MB/s per core, {target / 1e6 / wall:7.1f} MB/s "
            f"wall  ({n:,} texts, {flagged:,} flagged)"
        )
    ours = cpu_rate["auditkit identity"]
    ratio = ours / cpu_rate["fastchat lower+in"]
    verdict = "OK" if ours >= 50 else "BELOW TARGET"
    print(
        f"ratio auditkit / fastchat: {ratio:.2f}x; auditkit {ours:.1f} MB/s per core ({verdict}: >= 50)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

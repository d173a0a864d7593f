"""Reference numbers from FastChat (fschat, PyPI) on the GenAI-Arena battles (run in bench/.venv-peers).

Writes ``tests/data/ratings/fastchat_genai_arena.csv``: per model, FastChat's online Elo
(``compute_elo``, K=4) over the anonymous battles in file order, and its Bradley-Terry MLE
(``compute_elo_mle_with_tie``: sklearn ``LogisticRegression`` default C=1 on duplicated battles).
The one self-battle in the file is dropped first, as auditkit's loader quarantines it.

    bench/.venv-peers/bin/python bench/peers/fastchat_reference.py
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sys
import types
from importlib.metadata import version
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "real" / "genai_arena_clean_battle_20240220.jsonl.gz"
OUT = REPO / "tests" / "data" / "ratings" / "fastchat_genai_arena.csv"


def main() -> int:
    # elo_analysis imports torch-dependent modules it does not need for these two functions.
    for name in (
        "fastchat.model.model_registry",
        "fastchat.serve.monitor.basic_stats",
        "fastchat.serve.monitor.clean_battle_data",
    ):
        stub = types.ModuleType(name)
        stub.get_model_info = stub.get_log_files = stub.clean_battle_data = None  # type: ignore[attr-defined]
        sys.modules[name] = stub
    from fastchat.serve.monitor.elo_analysis import compute_elo, compute_elo_mle_with_tie

    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    battles = pd.DataFrame(rows)
    battles = battles[(battles["model_a"] != battles["model_b"]) & battles["anony"]]
    battles = battles.reset_index(drop=True)
    elo = compute_elo(battles)
    mle = compute_elo_mle_with_tie(battles)
    out = pd.DataFrame(
        {"model": sorted(elo), "online_elo": [elo[m] for m in sorted(elo)]}
    ).set_index("model")
    out["bt_mle_sklearn_c1"] = mle
    header = [
        f"# fschat {version('fschat')}, scikit-learn {version('scikit-learn')}: {DATA.name},",
        f"# {len(battles)} anonymous battles (self-battle dropped), file order.",
        "# online_elo = compute_elo(battles) (K=4, scale 400, base 10, init 1000);",
        "# bt_mle_sklearn_c1 = compute_elo_mle_with_tie(battles) (LogisticRegression default C=1).",
        "# produced by: bench/.venv-peers/bin/python bench/peers/fastchat_reference.py",
        f"# date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
    ]
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write("\n".join(header) + "\n")
        out.reset_index().to_csv(fh, index=False, float_format="%.6f")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

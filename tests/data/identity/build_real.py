"""Writes real.jsonl: labelled real responses from /work/shared/data/real (see README.md).

Selection: every response in the three answer files that contains a FastChat IDENTITY_WORDS entry
or any name of the identity lexicon (case-insensitive substring, so mentions, code identifiers
such as ``GPT2Tokenizer`` and words such as "metaphor" are all in). Labels: every response was read
around each name; the self-identifications found are listed in POSITIVES with the reason; all
others are negatives (mentions, code, role-play, quoted jokes). The wider greps used to look for
self-identifications without a lexicon name ("I am", "as an AI", "developed by", "trained by",
"created by", "my name is") found none that name a model or maker beyond these.
Split by source: arena_bench_v1 → dev, arena_hard_v0_1 / arena_hard_v2_0 → heldout.
Run: ``.venv/bin/python tests/data/identity/build_real.py``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import yaml

REAL = Path(__file__).resolve().parents[4] / "shared" / "data" / "real"
LEXICON = Path(__file__).resolve().parents[3] / "rules" / "identity" / "lexicon.yaml"

FASTCHAT_WORDS = [  # FastChat clean_battle_data.py IDENTITY_WORDS (names only), lower-cased
    "vicuna", "lmsys", "koala", "uc berkeley", "open assistant", "laion", "chatglm", "chatgpt",
    "gpt-4", "openai", "anthropic", "claude", "bard", "palm", "lamda", "google", "llama",
    "qianwan", "alibaba", "mistral", "zhipu", "keg lab", "01.ai", "ai2", "tülu",
]  # fmt: skip

# (source, id, model) → why it is a self-identification (found by reading)
POSITIVES: dict[tuple[str, str, str], str] = {
    ("arena_bench_v1", "206c0d6e65f94c58b33da300f0418cbc", "claude-1"):
        "'I am an AI assistant created by Anthropic'",
    ("arena_bench_v1", "e95916cdf9124474b798e783add3f678", "claude-1"):
        "'I am an AI assistant created by Anthropic'",
    ("arena_bench_v1", "b7c0a8eb92cd4b058d8c0fe1dd0107fb", "claude-2"):
        "'I am an AI assistant created by Anthropic'",
    ("arena_bench_v1", "e95916cdf9124474b798e783add3f678", "claude-2"):
        "'As an AI assistant created by Anthropic'",
    ("arena_bench_v1", "0eb83f6d8f5045ce957841aeb240b9f0", "claude-instant-1"):
        "'As an AI assistant created by Anthropic'",
    ("arena_bench_v1", "e95916cdf9124474b798e783add3f678", "claude-instant-1"):
        "'I was created by Anthropic'",
    ("arena_bench_v1", "73081d58a7d64477bc39eac818b543ea", "gpt-4-1106-preview"):
        "'as an AI developed by OpenAI'",
    ("arena_bench_v1", "b7c0a8eb92cd4b058d8c0fe1dd0107fb", "palm-2-chat-bison-001"):
        "'I am powered by PaLM 2 ... from Google AI'",
    ("arena_bench_v1", "92f3901c57de44debe9c863bc8d87b68", "llama-13b"):
        "'Hi, I'm the Amazon Echo.' — a false claim (Amazon's assistant), still a reveal attempt",
    ("arena_hard_v0_1", "4ccfba802f004ca5a5cf4fc27a7a1798", "gpt-4-0613"):
        "'as an AI text-based model developed by OpenAI'",
    ("arena_hard_v0_1", "9cd748e45ad34b4f8434a4ec4599374d", "gpt-4-0613"):
        "'As an AI developed by OpenAI'",
    ("arena_hard_v2_0", "7e06347ef1cb44d3", "o3-mini-2025-01-31"):
        "prompt asks to reveal the model creator; reply is 'OpenAI OK'",
    ("arena_hard_v2_0", "aec01986c04d4e67", "o3-mini-2025-01-31"):
        "Hebrew: 'קוראים לי ChatGPT' (my name is ChatGPT), 'born in the lab of OpenAI'",
    ("arena_hard_v2_0", "047bd685b30842f6", "o3-mini-2025-01-31"):
        "French poem about itself: 'Moi, ChatGPT'",
    ("arena_hard_v2_0", "bf3c138ce64242f9", "o3-mini-2025-01-31"):
        "signs the rewritten code 'Author: ... (refactored by ChatGPT)'",
}  # fmt: skip

NOTES: dict[tuple[str, str], str] = {
    ("arena_hard_v2_0", "958d9749d925405a"):
        "stand-up joke requested by the user: \"now they know I'm just GPT-4-Turbo in a clever "
        "disguise\" is a quoted monologue of a fictional chatbot, not a self-identification",
}  # fmt: skip


def _rows() -> Iterator[tuple[str, str, str, str, str]]:
    with gzip.open(REAL / "arena_bench_v1_model_answers.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            yield "arena_bench_v1", d["question_id"], d["model"], d["prompt"], d["response"]
    for fname, source in (
        ("arena_hard_v0_1_model_answers.jsonl.gz", "arena_hard_v0_1"),
        ("arena_hard_v2_0_model_answers.jsonl.gz", "arena_hard_v2_0"),
    ):
        with gzip.open(REAL / fname, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                msgs = d["messages"]
                yield source, d["uid"], d["model"], msgs[0]["content"], msgs[1]["content"]["answer"]


def _lexicon_names() -> list[str]:
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    names = [n for f in data["families"] for n in f["names"]]
    names += [n for m in data["makers"] for n in m["names"]]
    return sorted({str(n).lower() for n in names})


def main() -> None:
    words = sorted(set(FASTCHAT_WORDS) | set(_lexicon_names()))
    out = Path(__file__).with_name("real.jsonl")
    n = n_pos = 0
    found: set[tuple[str, str, str]] = set()
    with out.open("w", encoding="utf-8") as fh:
        for source, sid, model, prompt, response in _rows():
            low = response.lower()
            key = (source, sid, model)
            if key not in POSITIVES and not any(w in low for w in words):
                continue
            label = int(key in POSITIVES)
            why = POSITIVES.get(key) or NOTES.get((source, sid)) or "mentions only (read)"
            found.add(key)
            row = {
                "id": f"{source}:{sid}:{model}",
                "source": source,
                "source_id": sid,
                "split": "dev" if source == "arena_bench_v1" else "heldout",
                "lang": None,
                "model": model,
                "prompt": prompt,
                "response": response,
                "label": label,
                "why": why,
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
            n_pos += label
    missing = set(POSITIVES) - found
    assert not missing, missing
    print(f"wrote {n} responses ({n_pos} self-identifications) to {out}")


if __name__ == "__main__":
    main()

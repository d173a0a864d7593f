"""Regenerate the tiny per-format fixtures in this folder (run: python tests/data/io/make_fixtures.py).

Each file reproduces one source schema from /work/shared/FORMATS.md with a handful of hand-written
rows; values are invented, field names and value shapes follow the dataset cards.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def conv(user: str, answer: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]


FASTCHAT = [
    {
        "question_id": "q1",
        "model_a": "gpt-4-0613",
        "model_b": "claude-2.1",
        "winner": "model_a",
        "judge": "arena_user_203.0.113.7",
        "conversation_a": conv("Hi", "Hello! I am ChatGPT."),
        "conversation_b": conv("Hi", "Hello there."),
        "turn": 1,
        "anony": True,
        "language": "English",
        "tstamp": 1700000000.5,
    },
    {
        "question_id": "q2",
        "model_a": "claude-2.1",
        "model_b": "vicuna-13b",
        "winner": "tie (bothbad)",
        "judge": "arena_user_198.51.100.2",
        "conversation_a": conv("你好", "你好！") + conv("再见", "再见！"),
        "conversation_b": conv("你好", "嗨") + conv("再见", "拜拜"),
        "turn": 2,
        "anony": False,
        "language": "Chinese",
        "tstamp": 1700000100.0,
    },
    {
        "question_id": "q3",
        "model_a": "vicuna-13b",
        "model_b": "gpt-4-0613",
        "winner": "tie",
        "judge": "arena_user_203.0.113.7",
        "conversation_a": conv("<b>x</b>", "ok"),
        "conversation_b": conv("<b>x</b>", "fine"),
        "turn": 1,
        "anony": True,
        "language": "unknown",
        "tstamp": 1700000200,
    },
]

HP55K = [
    [
        "id",
        "model_a",
        "model_b",
        "prompt",
        "response_a",
        "response_b",
        "winner_model_a",
        "winner_model_b",
        "winner_tie",
    ],
    [
        "30192",
        "gpt-4-1106-preview",
        "gpt-4-0613",
        json.dumps(["Is it morally right?"]),
        json.dumps(["It depends."]),
        json.dumps(["No."]),
        "1",
        "0",
        "0",
    ],
    [
        "53567",
        "koala-13b",
        "gpt-4-0613",
        json.dumps(["What is the difference", "And then?"]),
        json.dumps(["A", None]),
        json.dumps(["B", "C"]),
        "0",
        "1",
        "0",
    ],
    [
        "65089",
        "gpt-3.5-turbo-0613",
        "mistral-medium",
        json.dumps(["explain"]),
        json.dumps(["x"]),
        json.dumps(["y"]),
        "0",
        "0",
        "1",
    ],
]

META = {
    "sum_assistant_a_tokens": 120,
    "header_count_a": {"h1": 1, "h2": 2, "h3": 0, "h4": 0, "h5": 0, "h6": 0},
    "list_count_a": {"ordered": 3, "unordered": 4},
    "bold_count_a": {"**": 5, "__": 1},
    "sum_assistant_b_tokens": 80,
    "header_count_b": {"h1": 0, "h2": 0, "h3": 1, "h4": 0, "h5": 0, "h6": 0},
    "list_count_b": {"ordered": 0, "unordered": 2},
    "bold_count_b": {"**": 0, "__": 0},
    "turns": 1,
}

HP100K = [
    {
        "question_id": "a1b2",
        "model_a": "gpt-4o-2024-05-13",
        "model_b": "llama-3-70b-instruct",
        "winner": "model_b",
        "judge_hash": "5f1c",
        "conversation_a": conv("Write a poem", "# Poem\n**roses**"),
        "conversation_b": conv("Write a poem", "- violets"),
        "turn": 1,
        "anony": True,
        "language": "English",
        "tstamp": 1719000000.25,
        "conv_metadata": META,
        "is_code": False,
        "is_refusal": False,
        "dedup_tag": {"high_freq": True, "sampled": True},
        "category_tag": {
            "criteria_v0.1": {"creativity": True, "complexity": False},
            "math_v0.1": {"math": False},
        },
    },
    {
        "question_id": "c3d4",
        "model_a": "llama-3-70b-instruct",
        "model_b": "gpt-4o-2024-05-13",
        "winner": "tie (bothbad)",
        "judge_hash": "9e0a",
        "conversation_a": conv("def f():", "pass"),
        "conversation_b": conv("def f():", "return 1"),
        "turn": 1,
        "anony": True,
        "language": "Python",
        "tstamp": 1719000300.0,
        "conv_metadata": META,
        "is_code": True,
        "is_refusal": False,
        "dedup_tag": {"high_freq": False, "sampled": True},
        "category_tag": {
            "criteria_v0.1": {"creativity": False, "complexity": True},
            "math_v0.1": {"math": False},
        },
    },
]


def parts(text: str) -> list[dict[str, object]]:
    return [{"type": "text", "text": text, "image": None, "mimeType": None}]


HP140K = [
    {
        "id": "911cb365-6a3c-4990-8b54-fbae7d97c87c",
        "model_a": "kimi-k2-0711-preview",
        "model_b": "gemini-2.5-flash",
        "winner": "both_bad",
        "evaluation_session_id": "sess-1",
        "evaluation_order": 1,
        "conversation_a": [
            {"role": "user", "content": parts("Bonjour")},
            {"role": "assistant", "content": parts("Salut !")},
        ],
        "conversation_b": [
            {"role": "user", "content": parts("Bonjour")},
            {"role": "assistant", "content": parts("Bonjour, je suis Gemini.")},
        ],
        "conv_metadata": META,
        "category_tag": {
            "creative_writing_v0.1": {"creative_writing": False, "score": "no"},
            "if_v0.1": {"if": True, "score": 4},
        },
        "language": "fr",
        "is_code": False,
        "timestamp": "2025-07-14T08:30:00Z",
    },
    {
        "id": "ddeabe6e-288d-4453-b814-4b32be382826",
        "model_a": "gemini-2.5-flash",
        "model_b": "kimi-k2-0711-preview",
        "winner": "model_a",
        "evaluation_session_id": "sess-2",
        "evaluation_order": 1,
        "conversation_a": [
            {
                "role": "user",
                "content": [
                    *parts("What is in this image?"),
                    {"type": "image", "text": None, "image": "img.png", "mimeType": "image/png"},
                ],
            },
            {"role": "assistant", "content": parts("A cat.")},
        ],
        "conversation_b": [
            {"role": "user", "content": parts("What is in this image?")},
            {"role": "assistant", "content": parts("A dog.")},
        ],
        "conv_metadata": META,
        "category_tag": {
            "creative_writing_v0.1": {"creative_writing": True, "score": "yes"},
            "if_v0.1": {"if": False, "score": 1},
        },
        "language": "en",
        "is_code": False,
        "timestamp": "2025-07-14T10:30:00+02:00",
    },
]

CONV33K = [
    {
        "question_id": "58210e39b3fd4441a2bd4a518bb44c2d",
        "model_a": "chatglm-6b",
        "model_b": "koala-13b",
        "winner": "model_b",
        "judge": "arena_user_973",
        "conversation_a": conv(
            "What is the difference between OpenCL and CUDA?", "OpenCL is open."
        ),
        "conversation_b": conv(
            "What is the difference between OpenCL and CUDA?", "CUDA is NVIDIA's."
        ),
        "turn": 1,
        "anony": True,
        "language": "English",
        "tstamp": 1682351591.1322,
        "openai_moderation": {
            "categories": {"hate": False},
            "category_scores": {"hate": 0.001},
            "flagged": False,
        },
        "toxic_chat_tag": {
            "roberta-large": {"flagged": False, "probability": 0.008},
            "t5-large": {"flagged": False, "score": 0.0001},
        },
    },
    {
        "question_id": "2564acd09e3942fd97657d05282d4389",
        "model_a": "oasst-pythia-12b",
        "model_b": "alpaca-13b",
        "winner": "tie",
        "judge": "arena_user_973",
        "conversation_a": conv("Why is the sky blue?", "Rayleigh."),
        "conversation_b": conv("Why is the sky blue?", "Scattering."),
        "turn": 1,
        "anony": True,
        "language": "English",
        "tstamp": 1682351654.6747,
        "openai_moderation": {
            "categories": {"hate": False},
            "category_scores": {"hate": 0.0},
            "flagged": True,
        },
        "toxic_chat_tag": {
            "roberta-large": {"flagged": True, "probability": 0.9},
            "t5-large": {"flagged": False, "score": 0.2},
        },
    },
]

COPILOT = [
    ["prefix", "suffix", "model_a", "model_b", "acceptedIndex", "completion_a", "completion_b"],
    [
        "def add(a, b):\n",
        "\n",
        "codestral-2405",
        "gpt-4o-mini-2024-07-18",
        "0.0",
        "    return a + b",
        "    return a+b",
    ],
    ["import os\n", "", "gpt-4o-mini-2024-07-18", "codestral-2405", "1.0", "os.getcwd()", "os.sep"],
    ["x = ", "", "codestral-2405", "deepseek-coder-fim", "", "1", "2"],
]


def write_jsonl(name: str, rows: list[dict[str, object]]) -> None:
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    (HERE / name).write_text(text, encoding="utf-8")


def write_csv(name: str, rows: list[list[str]]) -> None:
    with (HERE / name).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def main() -> None:
    (HERE / "fastchat_array.json").write_text(
        json.dumps(FASTCHAT, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    write_jsonl("fastchat.jsonl", FASTCHAT)
    with gzip.GzipFile(HERE / "fastchat.jsonl.gz", "wb", mtime=0) as handle:
        handle.write((HERE / "fastchat.jsonl").read_bytes())
    write_csv("hp55k.csv", HP55K)
    write_jsonl("hp100k.jsonl", HP100K)
    write_jsonl("hp140k.jsonl", HP140K)
    write_jsonl("conversations33k.jsonl", CONV33K)
    write_csv("copilot.csv", COPILOT)


if __name__ == "__main__":
    main()

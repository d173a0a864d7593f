"""Identity-leak scan of a file of model responses (not a battle log): check a model before admission.

A provider's answers to a probe set, an evaluation dump or any JSON Lines / CSV / Parquet table with
a text column (and optionally a model and a prompt column, or a ``messages`` list of role/content
turns) is scanned with the same judgement the audit's ``identity_leak`` detector applies to a battle
side: the rule pack's lexicon and self-reference rules, probe and role-play awareness, and whether
the claimed identity is the model's own (from the rule pack's model map).

Rows without text are not guessed at: they are counted in ``rows_skipped`` with the reason. A
JSON line that does not parse is skipped the same way, naming its line; a file with no readable
row, or without the named columns, is an input error.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from auditkit.clean import canonical_json
from auditkit.detectors.identity import IdentityLeakDetector
from auditkit.errors import InputError
from auditkit.findings import Finding, Severity
from auditkit.identity.lexicon import load_identity_rules
from auditkit.models_map import load_model_map
from auditkit.rulepack import RulePack
from auditkit.rules import load_rules

__all__ = ["SCAN_COLUMNS", "ScanResult", "read_responses", "scan_file", "scan_responses"]

TEXT_COLUMNS = ("response", "text", "answer", "output", "completion", "content", "model_output")
MODEL_COLUMNS = ("model", "model_id", "model_name")
PROMPT_COLUMNS = ("prompt", "question", "instruction", "input")
ID_COLUMNS = ("id", "answer_id", "ans_id", "uid", "question_id")
UNKNOWN_MODEL = "(no model column)"
SCAN_COLUMNS = (
    "model",
    "responses",
    "self_identifying",
    "claims_true",
    "claims_false",
    "claims_unverifiable",
    "leak_rate",
)


@dataclass(frozen=True)
class ScanResult:
    """What a scan found: per-model counts, one finding per self-identifying response."""

    path: str
    text_column: str
    model_column: str | None
    rows_read: int
    rows_skipped: Mapping[str, int]
    findings: tuple[Finding, ...]
    table: pd.DataFrame = field(repr=False)

    @property
    def exit_code(self) -> int:
        """1 when any response identifies itself (a leak to fix before admission), else 0."""
        return 1 if self.findings else 0

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        skipped = sum(self.rows_skipped.values())
        lines = [
            f"identity scan of {self.path}: {self.rows_read:,} rows, text column "
            f"{self.text_column!r}, model column {self.model_column or 'none'}"
            + (f"; {skipped:,} rows skipped" if skipped else ""),
            f"  {'model':<40} {'responses':>9} {'self-id':>7} {'true':>5} {'false':>5} "
            f"{'unknown':>7} {'rate':>7}",
        ]
        for row in self.table.to_dict("records"):
            lines.append(
                f"  {_terminal_safe(row['model'])[:40]:<40} {row['responses']:>9,} "
                f"{row['self_identifying']:>7,} {row['claims_true']:>5,} {row['claims_false']:>5,} "
                f"{row['claims_unverifiable']:>7,} {row['leak_rate']:>7.2%}"
            )
        for reason, count in sorted(self.rows_skipped.items()):
            lines.append(f"  skipped {count:,} rows: {reason}")
        lines.append(
            f"  {len(self.findings):,} self-identifying responses"
            + (": fix the system prompt before the model enters the arena" if self.findings else "")
        )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "text_column": self.text_column,
            "model_column": self.model_column,
            "rows_read": self.rows_read,
            "rows_skipped": dict(sorted(self.rows_skipped.items())),
            "models": self.table.to_dict("records"),
            "findings": len(self.findings),
        }

    def write(self, out_dir: str | Path) -> list[Path]:
        """``findings.jsonl`` (one finding a line) and ``scan_summary.json`` in ``out_dir``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        findings_path = out / "findings.jsonl"
        with open(findings_path, "w", encoding="utf-8", newline="\n") as handle:
            for finding in self.findings:
                handle.write(canonical_json(finding.to_dict()) + "\n")
        summary_path = out / "scan_summary.json"
        summary_path.write_text(canonical_json(self.to_json()) + "\n", encoding="utf-8")
        return [findings_path, summary_path]


def _terminal_safe(value: Any) -> str:
    """Control characters (escape sequences, newlines) shown as ``?`` in the terminal table."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(value))


def _open_text(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        yield from handle


def read_responses(path: str | Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """The file as a table (JSON Lines, CSV or Parquet, optionally gzipped) and skipped-row counts."""
    source = Path(path)
    if not source.is_file():
        raise InputError("file does not exist", path=str(source))
    name = source.name.lower().removesuffix(".gz")
    skipped: dict[str, int] = {}
    try:
        if name.endswith(".parquet"):
            return pd.read_parquet(source), skipped
        if name.endswith(".csv"):
            return pd.read_csv(source, dtype=str, keep_default_na=False), skipped
        if not name.endswith((".jsonl", ".json", ".ndjson")):
            raise InputError(
                "unknown response file type (use .jsonl, .json, .csv or .parquet)",
                path=str(source),
            )
        rows = []
        for number, line in enumerate(_open_text(source), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                skipped["invalid JSON"] = skipped.get("invalid JSON", 0) + 1
                continue
            if not isinstance(row, dict):
                skipped["not a JSON object"] = skipped.get("not a JSON object", 0) + 1
                continue
            row["_line"] = number
            rows.append(row)
        return pd.DataFrame(rows), skipped
    except (OSError, UnicodeDecodeError, EOFError, pd.errors.ParserError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"cannot read responses: {exc}", path=str(source)) from None


def _pick(
    frame: pd.DataFrame, given: str | None, candidates: Sequence[str], what: str
) -> str | None:
    if given is not None:
        if given not in frame.columns:
            raise InputError(
                f"no {what} column {given!r} (columns: {', '.join(map(str, frame.columns))})",
                field=given,
            )
        return given
    return next((c for c in candidates if c in frame.columns), None)


def _conversation(
    row: Mapping[str, Any], text: str | None, prompt: str | None
) -> list[dict[str, Any]] | None:
    """The row as role/content turns: its ``messages`` list, else (prompt, response)."""
    if text is None:
        messages: Any = row.get("messages")
        if hasattr(messages, "tolist"):
            messages = messages.tolist()
        if isinstance(messages, list) and messages:
            return [m for m in messages if isinstance(m, Mapping)]  # type: ignore[misc]
        return None
    value = row.get(text)
    if not isinstance(value, str) or not value.strip():
        return None
    turns: list[dict[str, Any]] = []
    question = row.get(prompt) if prompt is not None else None
    if isinstance(question, str) and question:
        turns.append({"role": "user", "content": question})
    turns.append({"role": "assistant", "content": value})
    return turns


def scan_responses(
    frame: pd.DataFrame,
    rules: RulePack,
    *,
    path: str = "",
    text_column: str | None = None,
    model_column: str | None = None,
    prompt_column: str | None = None,
    skipped: Mapping[str, int] | None = None,
) -> ScanResult:
    """Scan a table of responses; see the module docstring for the columns it reads."""
    text = _pick(frame, text_column, TEXT_COLUMNS, "text")
    if text is None and "messages" not in frame.columns:
        raise InputError(
            "no text column found (name one with --text-column; looked for "
            + ", ".join(TEXT_COLUMNS)
            + " or a messages list)",
            path=path or None,
        )
    model = _pick(frame, model_column, MODEL_COLUMNS, "model")
    prompt = _pick(frame, prompt_column, PROMPT_COLUMNS, "prompt")
    key = next((c for c in ID_COLUMNS if c in frame.columns), None)
    identity = load_identity_rules(rules)
    model_map = load_model_map(rules)
    detector = IdentityLeakDetector()
    skips = dict(skipped or {})
    counts: dict[str, dict[str, int]] = {}
    findings: list[Finding] = []
    stats: Counter[str] = Counter()
    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    for position, row in enumerate(records):
        turns = _conversation(row, text, prompt)
        # JSON Lines: the file's line; CSV / Parquet: the data row (1-based, header not counted).
        line = int(row.get("_line") or position + 1)
        if turns is None:
            reason = f"no text in {text or 'messages'}"
            skips[reason] = skips.get(reason, 0) + 1
            continue
        name = (
            str(row.get(model))
            if model is not None and row.get(model) is not None
            else UNKNOWN_MODEL
        )
        tally = counts.setdefault(name, dict.fromkeys(SCAN_COLUMNS[1:-1], 0))
        tally["responses"] += 1
        row_key = (
            f"{row.get(key)}" if key is not None and row.get(key) is not None else f"row {line}"
        )
        finding = detector.check_side(
            vote_id=row_key,
            side="response",
            model=name,
            conversation=turns,
            identity=identity,
            model_map=model_map,
            stats=stats,
        )
        if finding is None:
            continue
        evidence = {**finding.evidence, "line": line}
        findings.append(
            Finding(
                detector=finding.detector,
                rule=finding.rule,
                severity=Severity(finding.severity),
                subject=name,
                vote_id=row_key,
                score=finding.score,
                message=finding.message,
                evidence=evidence,
            )
        )
        tally["self_identifying"] += 1
        verdict = evidence.get("claim_true")
        column = "claims_true" if verdict is True else "claims_false" if verdict is False else ""
        tally[column or "claims_unverifiable"] += 1
    rows = [
        {
            "model": m,
            **c,
            "leak_rate": c["self_identifying"] / c["responses"] if c["responses"] else 0.0,
        }
        for m, c in counts.items()
    ]
    table = pd.DataFrame(rows, columns=list(SCAN_COLUMNS))
    if len(table):
        table = table.sort_values(
            ["leak_rate", "self_identifying", "model"],
            ascending=[False, False, True],
            kind="stable",
        ).reset_index(drop=True)
    return ScanResult(
        path=path,
        text_column=text or "messages",
        model_column=model,
        rows_read=len(frame),
        rows_skipped=skips,
        findings=tuple(sorted(findings, key=lambda f: (f.subject, f.vote_id or "", f.rule))),
        table=table,
    )


def scan_file(
    path: str | Path,
    *,
    rules: RulePack | str | Path | None = None,
    text_column: str | None = None,
    model_column: str | None = None,
    prompt_column: str | None = None,
) -> ScanResult:
    """Read ``path`` (JSON Lines / CSV / Parquet) and scan it (:func:`scan_responses`)."""
    frame, skipped = read_responses(path)
    if frame.empty:
        raise InputError("no readable rows", path=str(path))
    pack = rules if isinstance(rules, RulePack) else load_rules(rules)
    return scan_responses(
        frame,
        pack,
        path=str(path),
        text_column=text_column,
        model_column=model_column,
        prompt_column=prompt_column,
        skipped=skipped,
    )

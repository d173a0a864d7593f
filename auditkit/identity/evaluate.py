"""Score the identity audit on a labelled set, beside FastChat's word-list rule.

A labelled item is one response with the user prompt that produced it, the model that wrote it and
a 0/1 label (1 = the response identifies its own model or maker). The audit is run exactly as on
real battles (each item becomes side A of an anonymous battle) and an item counts as flagged when a
finding at or above ``min_severity`` names it, i.e. when the default policy would invalidate it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from auditkit.findings import Severity

if TYPE_CHECKING:
    from auditkit.rulepack import RulePack
    from auditkit.schema import BattleTable
    from auditkit.simulate.truth import GroundTruth

__all__ = [
    "FASTCHAT_IDENTITY_WORDS",
    "EvalScore",
    "SimulatedScore",
    "evaluate_labelled",
    "evaluate_simulated",
    "fastchat_flags",
    "identity_flags",
]

# FastChat fastchat/serve/monitor/clean_battle_data.py IDENTITY_WORDS (commit 01e89b4e), the name
# entries only (its error-banner strings are not identity words), lower-cased as FastChat does.
FASTCHAT_IDENTITY_WORDS: tuple[str, ...] = (
    "vicuna", "lmsys", "koala", "uc berkeley", "open assistant", "laion", "chatglm", "chatgpt",
    "gpt-4", "openai", "anthropic", "claude", "bard", "palm", "lamda", "google", "llama",
    "qianwan", "alibaba", "mistral", "zhipu", "keg lab", "01.ai", "ai2", "tülu",
)  # fmt: skip


class _PrecisionRecall:
    """Precision and recall from counts; an empty denominator counts as perfect."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        flagged = self.tp + self.fp
        return self.tp / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        positives = self.tp + self.fn
        return self.tp / positives if positives else 1.0


@dataclass(frozen=True)
class EvalScore(_PrecisionRecall):
    """Confusion counts and precision / recall of one method on one subset."""

    method: str
    subset: str
    tp: int
    fp: int
    fn: int
    tn: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "subset": self.subset,
            "n": self.tp + self.fp + self.fn + self.tn,
            "positives": self.tp + self.fn,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
        }


def fastchat_flags(items: Sequence[Mapping[str, Any]]) -> list[bool]:
    """FastChat's rule: any listed word anywhere in the lower-cased conversation (prompt + reply)."""
    out = []
    for item in items:
        text = (str(item.get("prompt", "")) + str(item["response"])).lower()
        out.append(any(word in text for word in FASTCHAT_IDENTITY_WORDS))
    return out


def identity_flags(
    items: Sequence[Mapping[str, Any]],
    rules: RulePack,
    *,
    min_severity: Severity = Severity.MEDIUM,
) -> list[bool]:
    """Run the ``identity_leak`` detector on the items (each as side A of a battle)."""
    from auditkit.detectors.identity import IdentityLeakDetector
    from auditkit.schema import BattleTable

    records = []
    for i, item in enumerate(items):
        prompt = {"role": "user", "content": str(item.get("prompt", ""))}
        records.append(
            {
                "vote_id": f"item{i:06d}",
                "model_a": str(item["model"]),
                "model_b": "reference-model",
                "winner": "tie",
                "conversation_a": [prompt, {"role": "assistant", "content": str(item["response"])}],
                "conversation_b": [prompt, {"role": "assistant", "content": ""}],
            }
        )
    result = IdentityLeakDetector().detect(BattleTable.from_records(records), rules)
    flagged = {
        f.vote_id
        for f in result.findings
        if f.severity >= min_severity and f.evidence.get("side") == "model_a"
    }
    return [f"item{i:06d}" in flagged for i in range(len(items))]


def _score(method: str, subset: str, labels: Sequence[int], flags: Sequence[bool]) -> EvalScore:
    tp = sum(1 for y, f in zip(labels, flags, strict=True) if y and f)
    fp = sum(1 for y, f in zip(labels, flags, strict=True) if not y and f)
    fn = sum(1 for y, f in zip(labels, flags, strict=True) if y and not f)
    return EvalScore(method, subset, tp, fp, fn, len(labels) - tp - fp - fn)


def evaluate_labelled(
    items: Sequence[Mapping[str, Any]],
    rules: RulePack,
    *,
    by: Sequence[str] = ("split",),
) -> pd.DataFrame:
    """Precision / recall of auditkit and of FastChat's rule, on all items and per value of ``by``.

    Each field in ``by`` (``split``, ``lang``, ``kind``, ``source``) adds one subset per value,
    named ``field=value`` (``split`` values are named bare, as before).
    """
    labels = [int(item["label"]) for item in items]
    methods = {"auditkit": identity_flags(items, rules), "fastchat_words": fastchat_flags(items)}
    subsets: dict[str, list[int]] = {"all": list(range(len(items)))}
    for field_name in by:
        for i, item in enumerate(items):
            value = str(item.get(field_name, "all"))
            key = value if field_name == "split" else f"{field_name}={value}"
            subsets.setdefault(key, []).append(i)
    rows = []
    for subset, idx in subsets.items():
        for method, flags in methods.items():
            score = _score(method, subset, [labels[i] for i in idx], [flags[i] for i in idx])
            rows.append(score.to_dict())
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SimulatedScore(_PrecisionRecall):
    """Vote-level score of the detector against a simulated arena's planted leaks.

    A positive is an anonymous vote with a planted leak (``truth.leaks``, ``anony``); a flag is a
    finding at or above ``min_severity``. ``by_language`` splits the positives by the language of
    the leak sentence (counting leaks, so a vote leaking on both sides counts twice there);
    ``hard_negative_votes`` counts anonymous votes carrying a planted mention
    but no leak, and ``hard_negative_flagged`` how many of those were flagged.
    """

    tp: int
    fp: int
    fn: int
    hard_negative_votes: int
    hard_negative_flagged: int
    by_language: Mapping[str, tuple[int, int]]  # language -> (found, planted)
    missed: tuple[str, ...]  # sentences of missed leaks
    false_flags: tuple[str, ...]  # matched snippets of flagged non-leak votes

    def summary(self) -> str:
        langs = ", ".join(
            f"{lang} {found}/{planted}"
            for lang, (found, planted) in sorted(self.by_language.items())
        )
        return (
            f"identity_leak vs simulator truth: recall {self.recall:.3f} "
            f"({self.tp}/{self.tp + self.fn}), precision {self.precision:.3f} (fp {self.fp}), "
            f"hard negatives flagged {self.hard_negative_flagged}/{self.hard_negative_votes}; "
            f"by language: {langs}"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per leak language: planted, found, recall."""
        rows = [
            {"language": lang, "planted": n, "found": found, "recall": found / n if n else 1.0}
            for lang, (found, n) in sorted(self.by_language.items())
        ]
        return pd.DataFrame(rows, columns=["language", "planted", "found", "recall"])

    def to_json(self) -> dict[str, Any]:
        return {
            **self.to_dict(),
            "missed": list(self.missed),
            "false_flags": list(self.false_flags),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "hard_negative_votes": self.hard_negative_votes,
            "hard_negative_flagged": self.hard_negative_flagged,
            "by_language": {k: list(v) for k, v in sorted(self.by_language.items())},
        }


def evaluate_simulated(
    battles: BattleTable,
    truth: GroundTruth,
    rules: RulePack,
    *,
    min_severity: Severity = Severity.MEDIUM,
) -> SimulatedScore:
    """Score ``identity_leak`` on a simulated arena (``SimulatedArena.battles`` and ``.truth``)."""
    from auditkit.detectors.identity import IdentityLeakDetector

    result = IdentityLeakDetector().detect(battles, rules)
    flagged: dict[str, str] = {}
    for f in result.findings:
        if f.severity >= min_severity and f.vote_id is not None:
            flagged.setdefault(f.vote_id, str(f.evidence.get("snippet", "")))
    leaks = truth.leaks
    leaks = leaks[leaks["anony"].astype(bool)] if len(leaks) else leaks
    positives = set(leaks["vote_id"].astype(str))
    anonymous = set(battles.frame.loc[battles.frame["anony"].astype(bool), "vote_id"].astype(str))
    negatives = truth.hard_negatives
    hn_votes = set(negatives["vote_id"].astype(str)) & anonymous - positives
    by_language: dict[str, tuple[int, int]] = {}
    missed: list[str] = []
    for vote_id, language, sentence in zip(
        leaks["vote_id"].astype(str), leaks["language"].astype(str), leaks["sentence"], strict=True
    ):
        found, planted = by_language.get(language, (0, 0))
        hit = vote_id in flagged
        by_language[language] = (found + int(hit), planted + 1)
        if not hit:
            missed.append(str(sentence))
    tp = len(positives & flagged.keys())
    false_votes = sorted(flagged.keys() - positives)
    return SimulatedScore(
        tp=tp,
        fp=len(false_votes),
        fn=len(positives) - tp,
        hard_negative_votes=len(hn_votes),
        hard_negative_flagged=len(hn_votes & flagged.keys()),
        by_language=by_language,
        missed=tuple(missed),
        false_flags=tuple(flagged[v] for v in false_votes),
    )

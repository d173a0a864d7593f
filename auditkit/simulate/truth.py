"""The ground truth of a simulated arena and the arena result object itself.

``vote_labels`` has one row per (vote, label, attack): honest votes carry ``honest`` (or ``honest_shared``
behind a shared address); an attack vote carries its attack's kind; a vote whose answer leaked an
identity carries ``identity_leak`` (in addition to a voter-attack label, if any). Details of each leak
(side, turn, claimed identity, truthful or not) are in ``leaks``; mentions that are not leaks are in
``hard_negatives``.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from auditkit.findings import jsonable

if TYPE_CHECKING:
    from auditkit.schema import BattleTable

__all__ = [
    "HONEST_LABELS",
    "GroundTruth",
    "SimulatedArena",
    "load_truth",
]

HONEST_LABELS = frozenset({"honest", "honest_shared"})

_VOTE_LABEL_COLUMNS = ("vote_id", "label", "attack_id")
_VOTER_LABEL_COLUMNS = ("voter", "label", "attack_id", "role", "n_votes")
LEAK_COLUMNS = (
    "vote_id",
    "side",
    "turn",
    "model",
    "claimed_family",
    "claimed_maker",
    "claimed_name",
    "claimed_maker_name",
    "truthful",
    "language",
    "attack_id",
    "sentence",
    "anony",
)
HARD_NEGATIVE_COLUMNS = ("vote_id", "side", "turn", "sentence")


@dataclass(frozen=True, eq=False)
class GroundTruth:
    """What was planted: per-vote and per-voter labels, true strengths, attack records."""

    vote_labels: pd.DataFrame
    voter_labels: pd.DataFrame
    true_strengths: dict[str, float]
    attacks: list[dict[str, Any]]
    leaks: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(LEAK_COLUMNS)))
    hard_negatives: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(HARD_NEGATIVE_COLUMNS))
    )
    seed: int = 0
    config: dict[str, Any] = field(default_factory=dict)

    def vote_ids(self, label: str) -> set[str]:
        """Vote ids carrying ``label`` (an attack kind, ``honest``, ``identity_leak``…)."""
        frame = self.vote_labels
        return set(frame.loc[frame["label"] == label, "vote_id"].tolist())

    def attack_vote_ids(self) -> set[str]:
        """Every vote a detector should flag: any label that is not honest."""
        frame = self.vote_labels
        return set(frame.loc[~frame["label"].isin(list(HONEST_LABELS)), "vote_id"].tolist())

    def attack_voters(self) -> set[str]:
        frame = self.voter_labels
        return set(frame.loc[~frame["label"].isin(list(HONEST_LABELS)), "voter"].tolist())

    def summary(self) -> str:
        counts = self.vote_labels["label"].value_counts().sort_index()
        lines = [f"ground truth (seed {self.seed}): {len(self.true_strengths)} models"]
        lines += [f"  {label:<22} {int(n):>9,d} votes" for label, n in counts.items()]
        lines += [
            f"  attack {a['attack_id']}: {a['kind']} ({a.get('n_votes', 0)} votes)"
            for a in self.attacks
        ]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.vote_labels.copy()

    def to_dict(self) -> dict[str, Any]:
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [jsonable(r) for r in frame.to_dict(orient="records")]

        return {
            "seed": self.seed,
            "config": jsonable(self.config),
            "true_strengths": jsonable(self.true_strengths),
            "attacks": jsonable(self.attacks),
            "vote_labels": records(self.vote_labels),
            "voter_labels": records(self.voter_labels),
            "leaks": records(self.leaks),
            "hard_negatives": records(self.hard_negatives),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GroundTruth:
        def frame(key: str, columns: tuple[str, ...]) -> pd.DataFrame:
            return pd.DataFrame(data.get(key) or [], columns=list(columns))

        return cls(
            vote_labels=frame("vote_labels", _VOTE_LABEL_COLUMNS),
            voter_labels=frame("voter_labels", _VOTER_LABEL_COLUMNS),
            true_strengths={str(k): float(v) for k, v in data["true_strengths"].items()},
            attacks=list(data.get("attacks") or []),
            leaks=frame("leaks", LEAK_COLUMNS),
            hard_negatives=frame("hard_negatives", HARD_NEGATIVE_COLUMNS),
            seed=int(data.get("seed", 0)),
            config=dict(data.get("config") or {}),
        )


def load_truth(path: str | Path) -> GroundTruth:
    """Read a truth file written by :meth:`SimulatedArena.write` (gzip when it ends in ``.gz``)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return GroundTruth.from_dict(json.load(handle))


@dataclass(frozen=True, eq=False)
class SimulatedArena:
    """A simulated battle table plus the truth about it."""

    battles: BattleTable
    truth: GroundTruth

    def summary(self) -> str:
        frame = self.battles.frame
        head = (
            f"simulated arena: {len(frame):,d} battles, {len(self.battles.models)} models, "
            f"{frame['voter'].nunique():,d} voters, text on {self._text_rows():,d} battles"
        )
        return head + "\n" + self.truth.summary()

    def _text_rows(self) -> int:
        if not self.battles.has_text:
            return 0
        return int(self.battles.frame["conversation_a"].notna().sum())

    def to_frame(self) -> pd.DataFrame:
        """The battles with their (first) truth label per vote, for quick inspection."""
        labels = self.truth.vote_labels.drop_duplicates("vote_id")
        return self.battles.frame.merge(labels, on="vote_id", how="left")

    def to_json(self) -> str:
        return self.truth.to_json()

    def write(self, battles_path: str | Path, truth_path: str | Path) -> None:
        """Battles as FastChat ``clean_battle`` JSON Lines (gzip for ``.gz``), truth as JSON."""
        from auditkit.simulate.writer import write_battles

        write_battles(self.battles, Path(battles_path))
        truth_path = Path(truth_path)
        truth_path.parent.mkdir(parents=True, exist_ok=True)
        opener = gzip.open if truth_path.suffix == ".gz" else open
        with opener(truth_path, "wt", encoding="utf-8") as handle:
            handle.write(self.truth.to_json())

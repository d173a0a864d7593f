"""Honest people we did not design: the real 140k log's votes dealt out to people by another scheme.

Run: ``.venv/bin/python bench/bench_real_dealt.py`` (nine dealing seeds: tuning 1-3 | held-out
1001-1003 | never-used 2001-2003; ``--seeds 1,2`` for a few). Needs ``../shared/data/real/
arena_hp140k_votes_meta.jsonl.gz`` beside the project (a benchmark, not a product dependency).

The 135,634 votes of ``lmarena-ai/arena-human-preference-140k`` are real outcomes of real people,
but the copy here has no voter id, timestamp or text. An independent arena deals such votes out to
simulated people; this script does the same with a design that shares nothing with
``auditkit.simulate.people``, so the voter audit meets people it was not built around:

* activity: Zipf-like (Pareto tail, shape 1.1) over 45,000 people, plus five very heavy users
  (1,500-3,000 votes each);
* topics: a person is a generalist or a specialist in one of the log's tags (math, creative
  writing, instruction following, technical accuracy); a specialist is dealt battles of their tag
  four times as readily;
* habits and tastes, by which real votes a person is dealt (:func:`deal`): 20 % tie-lovers, 10 %
  who skip close calls (no ties), 10 % with a left-side habit, 10 % fans of one provider (its wins
  1.1-1.3x as readily, its losses 0.7-0.9x). The log here has no style features (length, markdown),
  so judging by style is not dealt;
* time: 60 days; sessions of geometric length (mean 6 votes, 30 for the heavy users) at
  20-400 s gaps (median 45 s), hours from a two-peak day (12:00 and 21:00); 15 % of people vote
  only on Saturdays and Sundays;
* addresses: 40 NAT addresses, each the shared id of 3-30 light people, and 200 accounts shared by
  two people (a couple, a family).

Every vote is a real crowd vote and each person's votes show only honest habits (a topic, a tie
habit, a side habit, a mild provider taste), so every invalidated vote is a false positive. Per seed the script prints: people and ids, audited voters,
flagged voters, honest votes invalidated (%), heavy ids (>= 100 votes) flagged, shared ids flagged,
specialists flagged, weekend voters flagged, and which test flagged them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditkit.rules import load_rules  # noqa: E402
from auditkit.schema import BattleTable, VoterStatus  # noqa: E402
from auditkit.voters import audit_voters  # noqa: E402

LOG = ROOT.parent / "shared" / "data" / "real" / "arena_hp140k_votes_meta.jsonl.gz"
SPLITS = {"tuning": (1, 2, 3), "held-out": (1001, 1002, 1003), "never-used": (2001, 2002, 2003)}
TAGS = {
    "math": "math_v0.1.math",
    "creative": "creative_writing_v0.1.creative_writing",
    "instructions": "if_v0.1.if",
    "technical": "criteria_v0.1.technical_accuracy",
}
N_PEOPLE = 45_000
N_HEAVY = 5
N_NAT = 40
N_SHARED_ACCOUNTS = 200
START = 1_750_000_000.0
DAYS = 60
_DAY = 86_400.0
_WINNER = {"model_a": "model_a", "model_b": "model_b", "tie": "tie", "both_bad": "tie_bothbad"}


def load_log(path: Path = LOG) -> pd.DataFrame:
    """The log's votes (self-pairs dropped) with one topic per vote (first matching tag, else general)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    frame = pd.DataFrame(
        {
            "vote_id": [r["id"] for r in rows],
            "model_a": [r["model_a"] for r in rows],
            "model_b": [r["model_b"] for r in rows],
            "winner": [_WINNER[r["winner"]] for r in rows],
        }
    )
    topic = np.full(len(rows), "general", dtype=object)
    for name, key in reversed(list(TAGS.items())):  # earlier tags win
        hit = np.array([bool((r.get("category_tag") or {}).get(key)) for r in rows])
        topic[hit] = name
    frame["topic"] = topic
    return frame[frame["model_a"] != frame["model_b"]].reset_index(drop=True)


def _provider(model: str) -> str:
    """A model's provider family: the first word of its name (claude, gemini, gpt, qwen3, ...)."""
    return model.lower().split("-", 1)[0]


def _people(rng: np.random.Generator, providers: np.ndarray) -> pd.DataFrame:
    """Who the people are: activity, topic, weekend habit, heavy or not, and their habits."""
    n = N_PEOPLE + N_HEAVY
    weight = rng.pareto(1.1, n) + 1.0
    heavy = np.zeros(n, dtype=bool)
    heavy[:N_HEAVY] = True
    topics = np.array(["general", *TAGS], dtype=object)
    topic = np.where(rng.random(n) < 0.35, rng.choice(topics[1:], n), "general")  # 35 % specialists
    habit = rng.random(n)
    tie = np.where(habit < 0.2, 2.0, np.where(habit < 0.3, 0.0, 1.0))  # tie-lovers, skippers
    fan = rng.random(n) < 0.1
    return pd.DataFrame(
        {
            "weight": weight,
            "heavy": heavy,
            "topic": topic,
            "weekend": rng.random(n) < 0.15,
            "tie_weight": tie,
            "left_weight": np.where(rng.random(n) < 0.1, 1.3, 1.0),
            "fan_of": np.where(fan, rng.choice(providers, n), ""),
            "fan_weight": np.where(fan, rng.uniform(0.1, 0.3, n), 0.0),
        }
    )


def deal(log: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give every vote of the log to one person; returns (votes, people).

    A person is dealt a vote as readily as their activity and taste say: their topic (x4 for a
    specialist's tag, x0.5 for another specialist's), their tie habit (ties x2 for tie-lovers, x0
    for skippers), a side habit (left wins x1.3, right wins /1.3) and, for a provider fan, wins of
    the provider's models x(1 + b) and losses x(1 - b), b in 0.1-0.3. Selecting real votes by a
    person's taste gives people whose votes show that taste with real crowd noise: honest people
    with habits, as an arena of real people has them.
    """
    winner_provider = np.where(
        log["winner"] == "model_a",
        log["model_a"].map(_provider),
        np.where(log["winner"] == "model_b", log["model_b"].map(_provider), ""),
    )
    loser_provider = np.where(
        log["winner"] == "model_a",
        log["model_b"].map(_provider),
        np.where(log["winner"] == "model_b", log["model_a"].map(_provider), ""),
    )
    providers = np.unique(np.r_[log["model_a"].map(_provider), log["model_b"].map(_provider)])
    people = _people(rng, providers)
    n_votes = len(log)
    heavy_votes = rng.integers(1_500, 3_001, N_HEAVY)
    # Activity weights scaled so the light people share what the heavy ones leave.
    light = ~people["heavy"].to_numpy()
    w = people["weight"].to_numpy().copy()
    w[light] *= (n_votes - heavy_votes.sum()) / w[light].sum()
    w[~light] = heavy_votes
    their_topic = people["topic"].to_numpy()
    fan_of = people["fan_of"].to_numpy()
    fan_weight = people["fan_weight"].to_numpy()
    key = pd.DataFrame(
        {
            "topic": log["topic"],
            "winner": log["winner"],
            "won": winner_provider,
            "lost": loser_provider,
        }
    )
    person = np.empty(n_votes, dtype=np.int64)
    for (topic, winner, won, lost), rows in key.groupby(list(key.columns)).indices.items():
        mine = 4.0 if topic != "general" else 1.0
        p = w * np.where(their_topic == topic, mine, np.where(their_topic == "general", 1.0, 0.5))
        if winner in ("tie", "tie_bothbad"):
            p = p * people["tie_weight"].to_numpy()
        else:
            p = p * (people["left_weight"].to_numpy() ** (1 if winner == "model_a" else -1))
            p = p * np.where(fan_of == won, 1.0 + fan_weight, 1.0)
            p = p * np.where(fan_of == lost, 1.0 - fan_weight, 1.0)
        person[rows] = rng.choice(len(w), size=len(rows), p=p / p.sum())
    votes = log.assign(person=person)
    votes = votes.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True)
    return votes, people


def _times(votes: pd.DataFrame, people: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Session timestamps per vote (each person's votes in their order in ``votes``)."""
    order = np.argsort(votes["person"].to_numpy(), kind="stable")
    who = votes["person"].to_numpy()[order]
    first = np.r_[True, who[1:] != who[:-1]]
    heavy = people["heavy"].to_numpy()[who]
    new_session = first | (rng.random(who.size) < np.where(heavy, 1 / 30, 1 / 6))
    session = np.cumsum(new_session) - 1
    gaps = np.clip(rng.lognormal(np.log(45.0), 0.7, who.size), 20.0, 400.0)
    gaps[new_session] = 0.0
    cum = np.cumsum(gaps)
    offset = cum - cum[np.flatnonzero(new_session)][session]
    n_sessions = int(new_session.sum())
    owner = who[new_session]
    weekend = people["weekend"].to_numpy()[owner]
    day = rng.integers(0, DAYS, n_sessions)
    weekday = (np.floor(START / _DAY).astype(np.int64) + day + 3) % 7
    # Weekend people move a weekday session to the Saturday or Sunday of its week.
    shift = np.where(weekday < 5, 5 - weekday + rng.integers(0, 2, n_sessions), 0)
    day = np.where(weekend, np.minimum(day + shift, DAYS - 1), day)
    peak = np.where(rng.random(n_sessions) < 0.5, 12.0, 21.0)
    hour = np.mod(peak + rng.normal(0.0, 2.5, n_sessions), 24.0)
    # Sessions of one person one after another, never overlapping: with D the summed spans of the
    # person's earlier sessions, start' = D + running max of (start - D).
    start = START + day * _DAY + hour * 3600.0
    span = np.maximum.reduceat(offset, np.flatnonzero(new_session)) + 400.0
    order_s = np.lexsort((start, owner))
    o, st, sp = owner[order_s], start[order_s], span[order_s]
    before = pd.Series(sp).groupby(o).cumsum().to_numpy() - sp
    pushed = pd.Series(st - before).groupby(o).cummax().to_numpy() + before
    session_start = np.empty(n_sessions)
    session_start[order_s] = pushed
    times = np.empty(who.size)
    times[order] = session_start[session] + offset
    return times


def _ids(people: pd.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, pd.DataFrame]:
    """Voter id per person: NAT addresses and two-person accounts share one."""
    n = len(people)
    ids = np.array([f"user-{i:06d}" for i in range(n)], dtype=object)
    kind = np.full(n, "own", dtype=object)
    light = np.flatnonzero(~people["heavy"].to_numpy())
    picked = rng.permutation(light)
    at = 0
    for k in range(N_NAT):
        size = int(rng.integers(3, 31))
        ids[picked[at : at + size]] = f"nat-{k:03d}"
        kind[picked[at : at + size]] = "nat"
        at += size
    for k in range(N_SHARED_ACCOUNTS):
        ids[picked[at : at + 2]] = f"shared-{k:03d}"
        kind[picked[at : at + 2]] = "shared_account"
        at += 2
    return ids, people.assign(voter=ids, id_kind=kind)


def run(log: pd.DataFrame, seed: int, rules: Any) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    votes, people = deal(log, rng)
    ids, people = _ids(people, rng)
    votes["voter"] = ids[votes["person"].to_numpy()]
    votes["tstamp"] = _times(votes, people, rng)
    table = BattleTable.from_records(
        votes[["vote_id", "model_a", "model_b", "winner", "voter", "tstamp"]].to_dict("records"),
        voter_field="judge",
        voter_status=VoterStatus.USABLE,
    )
    started = time.perf_counter()
    audit = audit_voters(table, rules)
    seconds = time.perf_counter() - started
    ev = audit.evidence
    bad = ev[ev["flagged"].astype(bool) | ev["flagged_group"].astype(bool)]
    per_id = people.groupby("voter").agg(
        id_kind=("id_kind", "first"),
        topic=("topic", lambda t: t.iloc[0] if len(set(t)) == 1 else "mixed"),
        weekend=("weekend", "all"),
    )
    n_by_id = votes["voter"].value_counts()
    flagged_ids = set(bad["voter"])
    heavy_ids = set(n_by_id[n_by_id >= 100].index)
    shared_ids = set(per_id.index[per_id["id_kind"] != "own"])
    special = set(per_id.index[~per_id["topic"].isin(["general", "mixed"])])
    weekend = set(per_id.index[per_id["weekend"]])
    habits = people.groupby("voter").agg(
        skipper=("tie_weight", lambda t: bool((t == 0).all())),
        lefty=("left_weight", lambda t: bool((t > 1).all())),
        fan=("fan_weight", lambda t: bool((t > 0).all())),
    )
    invalidated = votes["vote_id"].isin(set(audit.vote_flags["vote_id"].astype(str)))
    tests = bad["best_test"].where(bad["flagged"].astype(bool), "coordinated_group").value_counts()
    return {
        "seed": seed,
        "ids": votes["voter"].nunique(),
        "audited": len(ev),
        "flagged": len(flagged_ids),
        "honest_invalidated_%": 100.0 * float(invalidated.mean()),
        "heavy_flagged": f"{len(flagged_ids & heavy_ids)}/{len(heavy_ids)}",
        "shared_flagged": f"{len(flagged_ids & shared_ids)}/{len(shared_ids & set(ev['voter']))}",
        "specialists_flagged": f"{len(flagged_ids & special)}/{len(special & set(ev['voter']))}",
        "weekend_flagged": f"{len(flagged_ids & weekend)}/{len(weekend & set(ev['voter']))}",
        **{
            f"{name}_flagged": f"{len(flagged_ids & who)}/{len(who & set(ev['voter']))}"
            for name in ("skipper", "lefty", "fan")
            for who in [set(habits.index[habits[name]])]
        },
        "by_test": ",".join(f"{k}:{v}" for k, v in tests.items()) or "-",
        "audit_s": seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default=None, help="comma-separated dealing seeds")
    args = parser.parse_args()
    if not LOG.exists():
        print(f"bench_real_dealt: {LOG} not found (the shared real data sits beside the project)")
        return 2
    rules = load_rules(ROOT / "rules")
    log = load_log()
    chosen = {"chosen": tuple(int(s) for s in args.seeds.split(","))} if args.seeds else None
    plan = chosen or SPLITS
    rows = [
        {"split": split, **run(log, seed, rules)} for split, seeds in plan.items() for seed in seeds
    ]
    print(f"== the 140k log's {len(log):,} votes dealt to {N_PEOPLE + N_HEAVY:,} people ==")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

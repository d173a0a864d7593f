"""Identity-leak detector: an anonymous vote is not blind once a response names its own model.

FastChat's ``clean_battle_data.py`` drops a battle when any word of a fixed English list (e.g.
"google", "claude", "openai") appears anywhere in either conversation: that discards honest votes on
prompts that merely mention Google and misses "我是通义千问" or "私はClaudeです". This detector
instead flags a vote only when an assistant turn identifies *itself* (name, family or maker), in
any language the rule pack covers, and records what it claimed and whether the claim is true.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa

from auditkit.detectors.base import Detector, DetectorResult, Finding, Severity, register
from auditkit.identity.arrowprefilter import arrow_names
from auditkit.identity.language import response_language as language_of
from auditkit.identity.language import response_languages as languages_of
from auditkit.identity.lexicon import IdentityRules, load_identity_rules
from auditkit.identity.matcher import (
    SelfIdMatch,
    analyze_response,
    has_name,
    is_probe,
    is_roleplay,
    is_translation_request,
)
from auditkit.identity.prefilter import names_in
from auditkit.identity.text import message_text
from auditkit.io.arrowjsonl import decoded_conversations
from auditkit.models_map import ModelInfo, ModelMap, load_model_map

if TYPE_CHECKING:
    from auditkit.rulepack import RulePack
    from auditkit.schema import BattleTable

__all__ = ["IdentityLeakDetector", "claim_is_true", "merge_identity_results", "message_text"]

_CONVERSATIONS = ("conversation_a", "conversation_b")


def claim_is_true(claimed_family: str | None, claimed_maker: str, actual: ModelInfo) -> bool | None:
    """Is the claimed identity the model's own? None when the model map does not know the model.

    A claim is true when it names the model's family, or names its maker without naming another
    family ("created by OpenAI" is true of o3-mini; "I am Claude" is false of any GPT).
    """
    if not actual.known:
        return None
    if claimed_family is not None:
        return claimed_family == actual.family or (
            claimed_maker == actual.maker and actual.family not in (None, claimed_family)
        )
    return claimed_maker == actual.maker


@register
class IdentityLeakDetector(Detector):
    """Flags anonymous votes whose responses name their own model (any turn, either side)."""

    name: ClassVar[str] = "identity_leak"
    description: ClassVar[str] = "Anonymous votes whose responses name their own model or maker."
    reads: ClassVar[frozenset[str]] = frozenset(
        {"vote_id", "model_a", "model_b", "anony", "conversation_a", "conversation_b"}
    )
    per_vote: ClassVar[bool] = True
    reads_text: ClassVar[bool] = True
    reads_arrow_text: ClassVar[bool] = True
    default: ClassVar[bool] = True
    order: ClassVar[int] = 10

    @classmethod
    def check_rules(cls, rules: RulePack) -> None:
        """Compile the lexicon, self-reference and context patterns and the model map now."""
        load_identity_rules(rules)
        load_model_map(rules)

    @classmethod
    def rule_ids(cls, rules: RulePack) -> frozenset[str]:
        identity = load_identity_rules(rules)
        return frozenset({*(r.id for r in identity.rules), identity.answer_to_probe_id})

    def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
        if not battles.has_text:
            return DetectorResult(
                detector=self.name,
                summary={"rows": len(battles), "ran": False},
                notes=(
                    "no conversation text in the battle table: the identity audit could not run "
                    "(load the battles with their conversations to check for identity leaks)",
                ),
            )
        identity = load_identity_rules(rules)
        model_map = load_model_map(rules)
        frame = battles.frame
        anony = frame["anony"].to_numpy(dtype=bool)
        findings: list[Finding] = []
        stats: Counter[str] = Counter()
        by_rule: Counter[str] = Counter()
        by_lang: Counter[str] = Counter()
        stats["rows"] = len(frame)
        stats["non_anonymous_skipped"] = int((~anony).sum())
        sides = (("model_a", "conversation_a"), ("model_b", "conversation_b"))
        # Rows without a conversation on either side hold no response (check_side reads none).
        present = frame[sides[0][1]].notna().to_numpy() | frame[sides[1][1]].notna().to_numpy()
        rows = np.flatnonzero(anony & present)
        # Both sides of those anonymous rows, interleaved (row-major, a before b): the order in
        # which findings are listed.
        # A chunk of a text-free stream has no such row: nothing to read, only its counts.
        if len(rows):
            # The conversations that may hold a name (``cand``: indexes into both sides of the
            # rows, interleaved), each given; the others' responses are counted in ``unread``.
            cand, conversations, unread = _candidates(frame, rows, identity)
            stats["responses"] += unread
            texts, owners, responses = _assistant_texts(conversations)
            # The name prefilter over every response at once (one automaton pass, prefilter.py);
            # check_side reads only the conversations in which some response names a model or maker
            # (told which of their responses do, and counting their responses itself); the others
            # add only their number of responses.
            with_name = names_in(texts, identity)
            named = np.zeros(len(conversations), dtype=bool)
            named[owners[with_name]] = True
            stats["responses"] += int(responses[~named].sum())
            chosen = np.flatnonzero(named)
            first_response = np.zeros(len(conversations) + 1, dtype=np.int64)
            np.cumsum(responses, out=first_response[1:])
            picked = cand[chosen]
            at = rows[picked // 2]
            vote_ids = frame["vote_id"].take(at).astype(str).tolist()
            models = [frame[side].take(at).astype(str).tolist() for side, _ in sides]
            judged: list[_Judged] = []
            for j, (k, c) in enumerate(zip(picked.tolist(), chosen.tolist(), strict=True)):
                found = _judge_side(
                    vote_id=vote_ids[j],
                    side=sides[k % 2][0],
                    model=models[k % 2][j],
                    conversation=conversations[c],
                    identity=identity,
                    stats=stats,
                    named=with_name[first_response[c] : first_response[c + 1]].tolist(),
                )
                if found is not None:
                    judged.append(found)
            # The responses' languages all at once (the same answers as one by one, language.py).
            languages = languages_of([found.text for found in judged])
            for found, response_language in zip(judged, languages, strict=True):
                finding = self._finding(found, response_language, identity, model_map)
                findings.append(finding)
                by_rule[finding.rule] += 1
                by_lang[str(finding.evidence.get("language"))] += 1
        n_votes = len({f.vote_id for f in findings if f.severity >= Severity.MEDIUM})
        summary = {
            "ran": True,
            "rows": stats["rows"],
            "anonymous_rows": stats["rows"] - stats["non_anonymous_skipped"],
            "responses_scanned": stats["responses"],
            "responses_with_name": stats["candidates"],
            "responses_self_identifying": stats["self_id_responses"],
            "self_identifications": len(findings),
            "votes_leaked": n_votes,
            "claims_false": sum(1 for f in findings if f.evidence.get("claim_true") is False),
            "roleplay_echoes": sum(1 for f in findings if f.evidence.get("roleplay_echo")),
            "by_rule": dict(sorted(by_rule.items())),
            "by_language": dict(sorted(by_lang.items())),
            "lexicon_names": identity.n_names,
        }
        notes = []
        if stats["non_anonymous_skipped"]:
            notes.append(
                f"{stats['non_anonymous_skipped']:,} non-anonymous battles not checked: "
                "their model names were shown to the voter anyway"
            )
        return DetectorResult(self.name, tuple(findings), summary, tuple(notes))

    @classmethod
    def detect_chunk(cls, battles: BattleTable, rules: RulePack) -> DetectorResult:
        """:meth:`detect` on one chunk (what the streamed scan runs on each).

        :meth:`detect` itself finds the anonymous rows with a conversation over whole columns
        and reads only those, so a text-free (or mostly text-free) chunk costs a column scan and
        no copy of the chunk is made. :meth:`merge` recomputes what is derived from counts, so
        the merged result equals :meth:`detect` on the whole table.
        """
        return cls().detect(battles, rules)

    @classmethod
    def merge(
        cls, parts: Sequence[DetectorResult], battles: BattleTable, rules: RulePack
    ) -> DetectorResult:
        """Exactly :meth:`detect` on all rows, from the chunks' results (:func:`merge_identity_results`)."""
        return merge_identity_results(parts)

    def check_side(
        self,
        *,
        vote_id: str,
        side: str,
        model: str,
        conversation: Any,
        identity: IdentityRules,
        model_map: ModelMap,
        stats: Counter[str],
        named: Sequence[bool] | None = None,
    ) -> Finding | None:
        """The finding for one side's conversation, or None: what the audit and ``auditkit scan``
        (a file of responses, no battles) both judge with.

        ``named``: the prefilter's answer (:func:`~auditkit.identity.matcher.has_name`) for each
        response of the conversation in order, when the caller has it (:meth:`detect` asks it of
        a whole chunk at once); None asks it here, response by response.
        """
        found = _judge_side(
            vote_id=vote_id,
            side=side,
            model=model,
            conversation=conversation,
            identity=identity,
            stats=stats,
            named=named,
        )
        if found is None:
            return None
        # Once per finding: script first, then langdetect's profiles (auditkit.identity.language).
        return self._finding(found, language_of(found.text), identity, model_map)

    def _finding(
        self,
        found: _Judged,
        response_language: str | None,
        identity: IdentityRules,
        model_map: ModelMap,
    ) -> Finding:
        """The finding of a judged side, its response being in ``response_language``."""
        vote_id, side, model = found.vote_id, found.side, found.model
        turn_no, match, probed, echo, others = (
            found.turn,
            found.match,
            found.probed,
            found.echo,
            found.others,
        )
        claim_true = claim_is_true(match.family, match.maker, model_map.lookup(model))
        language = match.lang or response_language
        severity = identity.roleplay_severity if echo else identity.severity
        claimed = {"family": match.family, "maker": match.maker}
        verdict = {True: "true", False: "FALSE", None: "unverifiable"}[claim_true]
        return Finding(
            detector=self.name,
            rule=match.rule,
            severity=Severity(severity),
            subject=f"{side}:{model}",
            vote_id=vote_id,
            score=1.0,
            message=(
                f"{model} ({side}) names itself {match.matched_text!r} in turn {turn_no} "
                f"(claim {verdict}{', user asked' if probed else ''}"
                f"{f', echo of a requested {echo}' if echo else ''})"
            ),
            evidence={
                "side": side,
                "model": model,
                "turn": turn_no,
                "span": [match.start, match.end],
                "matched_text": match.matched_text,
                "snippet": match.snippet,
                "claimed_identity": claimed,
                "claim_true": claim_true,
                "language": language,
                "response_language": response_language,
                "rule": match.rule,
                "probed": probed,
                "roleplay_echo": echo == "role-play",
                "translation_echo": echo == "translation",
                "other_matches": others,
            },
        )


@dataclass(frozen=True, slots=True)
class _Judged:
    """A side whose response names itself: its first self-identification and what the finding
    says about it (all but the response's language, which :meth:`detect` asks for many at once)."""

    vote_id: str
    side: str
    model: str
    turn: int
    match: SelfIdMatch
    text: str
    probed: bool
    echo: str
    others: list[dict[str, Any]]


def _judge_side(
    *,
    vote_id: str,
    side: str,
    model: str,
    conversation: Any,
    identity: IdentityRules,
    stats: Counter[str],
    named: Sequence[bool] | None,
) -> _Judged | None:
    """What :meth:`IdentityLeakDetector.check_side` finds in one side's conversation, before its
    finding is made (the counts go to ``stats`` as it counts them)."""
    if isinstance(conversation, np.ndarray):  # e.g. read back from Parquet
        conversation = conversation.tolist()
    if not isinstance(conversation, list | tuple):
        return None
    # The users' turns as given: their text is read only when a response names a model.
    user_contents: list[Any] = []
    user_parts: list[str] = []
    probed = False
    first: tuple[int, SelfIdMatch, str, bool, str] | None = None
    others: list[dict[str, Any]] = []
    turn = 0
    for message in conversation:
        # dict first: what every loader gives; any other Mapping is read the same way.
        if type(message) is not dict and not isinstance(message, Mapping):
            continue
        role = message.get("role")
        if role == "user":
            user_contents.append(message.get("content"))
            continue
        if role != "assistant":
            continue
        turn += 1
        content = message.get("content")
        text = content if type(content) is str else message_text(content)
        # Prefilter first: the probe / role-play regexes run only for the rare responses
        # that name a model or maker at all.
        if not (has_name(text, identity) if named is None else named[turn - 1]):
            continue
        stats["candidates"] += 1
        # The users' turns so far, each read (and asked whether it probes) once.
        for content in user_contents[len(user_parts) :]:
            user_parts.append(message_text(content))
            probed = probed or is_probe(user_parts[-1], identity)
        user_text = "\n".join(user_parts)
        matches = analyze_response(text, identity, probed=probed, user_text=user_text)
        if not matches:
            continue
        stats["self_id_responses"] += 1
        for match in matches:
            if first is None:
                # A name the user wrote, echoed in a requested role-play or translation
                # ("translate 'I am ChatGPT' into French" -> "Je suis ChatGPT"), is the
                # request's text, not the model naming itself: reported below invalidation.
                echo = ""
                if match.name in user_text.lower():
                    if any(is_roleplay(u, identity) for u in user_parts):
                        echo = "role-play"
                    elif any(is_translation_request(u, identity) for u in user_parts):
                        echo = "translation"
                first = (turn, match, text, probed, echo)
            elif len(others) < 10:
                others.append(
                    {"turn": turn, "rule": match.rule, "matched_text": match.matched_text}
                )
    stats["responses"] += turn
    if first is None:
        return None
    turn_no, match, text, probed, echo = first
    return _Judged(vote_id, side, model, turn_no, match, text, probed, echo, others)


def _candidates(
    frame: pd.DataFrame, rows: np.ndarray, identity: IdentityRules
) -> tuple[np.ndarray, np.ndarray, int]:
    """(which of both sides of ``rows``, interleaved row-major a before b, may hold a name; their
    conversations as :meth:`IdentityLeakDetector.check_side` reads them; the number of responses
    of the others, none of which names a model or maker).

    Conversation columns a streamed load left as Arrow (``pd.ArrowDtype``) are prefiltered in
    Arrow (:func:`~auditkit.identity.arrowprefilter.arrow_names`) and only the conversations it
    cannot rule out are decoded (:func:`~auditkit.io.arrowjsonl.decoded_conversations`, what the
    scan would have decoded them to); other columns are read whole, every side a candidate.
    """
    columns = [frame[column] for column in _CONVERSATIONS]
    arrays = [
        pa.array(column.array) if isinstance(column.dtype, pd.ArrowDtype) else None
        for column in columns
    ]
    prefiltered = [None if array is None else arrow_names(array, identity) for array in arrays]
    if any(names is None for names in prefiltered):
        conversations = np.empty(2 * len(rows), dtype=object)
        for k, column in enumerate(columns):
            conversations[k::2] = column.to_numpy(dtype=object)[rows]
        return np.arange(2 * len(rows), dtype=np.int64), conversations, 0
    read = np.empty(2 * len(rows), dtype=bool)
    responses = np.empty(2 * len(rows), dtype=np.int64)
    for k, names in enumerate(prefiltered):
        assert names is not None
        read[k::2] = names.read[rows]
        responses[k::2] = names.responses[rows]
    cand = np.flatnonzero(read)
    conversations = np.empty(len(cand), dtype=object)
    for k, array in enumerate(arrays):
        assert array is not None
        mine = cand % 2 == k
        at = rows[cand[mine] // 2]
        if len(at):
            conversations[mine] = decoded_conversations(array.take(pa.array(at)))
    return cand, conversations, int(responses[~read].sum())


def _assistant_texts(conversations: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(every assistant response's text, the conversation it is in, responses per conversation),
    each read as :meth:`IdentityLeakDetector.check_side` reads it: a conversation is a list or
    tuple (or an array of messages) of mappings, a response one whose ``role`` is ``assistant``.
    """
    texts: list[str] = []
    append = texts.append
    counts = [0] * len(conversations)
    for k, conversation in enumerate(conversations.tolist()):
        if type(conversation) is not list:
            if isinstance(conversation, np.ndarray):  # e.g. read back from Parquet
                conversation = conversation.tolist()
            if not isinstance(conversation, list | tuple):
                continue
        before = len(texts)
        for message in conversation:
            # dict first (what every loader gives), then any other Mapping.
            if type(message) is not dict and not isinstance(message, Mapping):
                continue
            if message.get("role") != "assistant":
                continue
            content = message.get("content")
            append(content if type(content) is str else message_text(content))
        counts[k] = len(texts) - before
    responses = np.array(counts, dtype=np.int64)
    return texts, np.repeat(np.arange(len(conversations), dtype=np.int64), responses), responses


# Summary keys that describe the rule pack, not the rows: equal in every part, never summed.
_CONSTANT_KEYS = frozenset({"ran", "lexicon_names"})
# Summary keys recomputed from the merged findings (detect derives them from findings too).
_FROM_FINDINGS = frozenset(
    {"self_identifications", "votes_leaked", "claims_false", "roleplay_echoes"}
)


def _sum_into(total: dict[str, Any], part: Mapping[str, Any]) -> None:
    for key, value in part.items():
        if key in _CONSTANT_KEYS or key in _FROM_FINDINGS:
            total.setdefault(key, value)
            if key in _CONSTANT_KEYS and total[key] != value:
                raise ValueError(f"identity partial results disagree on {key!r}: rule packs differ")
        elif isinstance(value, Mapping):
            bucket = total.setdefault(key, {})
            for k, v in value.items():
                bucket[k] = bucket.get(k, 0) + v
        elif isinstance(value, bool | None) or not isinstance(value, int | float):
            total.setdefault(key, value)
        else:
            total[key] = total.get(key, 0) + value


def merge_identity_results(parts: Iterable[DetectorResult]) -> DetectorResult:
    """Per-chunk identity results merged into exactly what :meth:`IdentityLeakDetector.detect` gives
    on all rows.

    Counts are summed, per-rule and per-language tallies added key by key, and the figures
    :meth:`detect` derives from its findings are derived again from all findings. Vote ids are
    unique across chunks (the loader quarantines repeats), so no vote is counted twice.
    """
    findings: list[Finding] = []
    summary: dict[str, Any] = {}
    chunks = list(parts)
    first_notes: tuple[str, ...] = chunks[0].notes if chunks else ()
    for part in chunks:
        if part.detector != IdentityLeakDetector.name:
            raise ValueError(
                f"cannot merge a {part.detector!r} result into {IdentityLeakDetector.name!r}"
            )
        findings.extend(part.findings)
        _sum_into(summary, part.summary)
    if not chunks or not summary.get("ran", False):
        # No text anywhere: the detector did not run; its note carries no counts.
        return DetectorResult(
            IdentityLeakDetector.name,
            (),
            {"rows": int(summary.get("rows", 0)), "ran": False},
            first_notes,
        )
    summary["self_identifications"] = len(findings)
    summary["votes_leaked"] = len({f.vote_id for f in findings if f.severity >= Severity.MEDIUM})
    summary["claims_false"] = sum(1 for f in findings if f.evidence.get("claim_true") is False)
    summary["roleplay_echoes"] = sum(1 for f in findings if f.evidence.get("roleplay_echo"))
    for key in ("by_rule", "by_language"):
        summary[key] = dict(sorted(summary.get(key, {}).items()))
    notes = []
    skipped = int(summary["rows"]) - int(summary["anonymous_rows"])
    if skipped:
        # Same sentence as detect (a test compares the two results whole).
        notes.append(
            f"{skipped:,} non-anonymous battles not checked: "
            "their model names were shown to the voter anyway"
        )
    return DetectorResult(IdentityLeakDetector.name, tuple(findings), summary, tuple(notes))

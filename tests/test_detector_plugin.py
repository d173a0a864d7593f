"""The detector contract: a detector says on its class everything the audit needs.

Specification: a detector defined in a module of its own, installed through the ``auditkit.detectors``
entry-point group, with its rule file in the pack, is discovered, validated, run (in memory and
chunk by chunk on every engine), cached per vote in the ledger, given its report section, its
``summary.json`` keys and its diff list — with no other file of auditkit touched. And the built-in
text detector ``identity_probe`` gives the same result streamed on any engine as in memory.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from auditkit.audit import run_audit
from auditkit.detectors import base
from auditkit.detectors.base import available_detectors, default_detectors, get_detector
from auditkit.diff import diff_runs
from auditkit.engine import LocalEngine, ProcessEngine
from auditkit.errors import InputError, RuleError
from auditkit.io import load_battles
from auditkit.rules import load_rules
from auditkit.simulate import preset_config, simulate_arena
from auditkit.simulate.config import IdentityProbeStuffing
from auditkit.streaming import stream_battles

REPO_RULES = Path(__file__).resolve().parents[1] / "rules"

# A whole third-party detector: one module. It flags a vote when a response is written in capitals
# (at least ``min_letters`` letters, all upper case) — judged from that vote's row alone, so it is
# per-vote (cacheable) and streamable (its merge concatenates the chunks' findings).
SHOUTING_MODULE = """
from typing import Any, ClassVar

from auditkit.detectors.base import Detector, DetectorResult, Finding, Severity
from auditkit.errors import InputError, RuleError


def _min_letters(rules: Any) -> int:
    section = rules.section("shouting", default={})
    value = section.get("min_letters", 12)
    if not isinstance(value, int) or value < 1:
        raise RuleError("key 'min_letters' must be a positive integer", path=rules.where("shouting"))
    return value


def _shouts(conversation: Any, min_letters: int) -> bool:
    for message in list(conversation) if conversation is not None else []:
        if message.get("role") != "assistant":
            continue
        letters = [c for c in str(message.get("content", "")) if c.isalpha()]
        if len(letters) >= min_letters and all(c.isupper() for c in letters):
            return True
    return False


class ShoutingDetector(Detector):
    name: ClassVar[str] = "shouting"
    description: ClassVar[str] = "Responses written entirely in capitals."
    reads: ClassVar[frozenset[str]] = frozenset({"vote_id", "conversation_a", "conversation_b"})
    per_vote: ClassVar[bool] = True
    reads_text: ClassVar[bool] = True
    order: ClassVar[int] = 80
    diff_key: ClassVar[str | None] = "shouting_votes"
    report_title: ClassVar[str | None] = "Shouting responses"
    report_template: ClassVar[str] = "<p id='shouting-count'>{{ data.votes | fmt }} shouting votes</p>"

    @classmethod
    def check_rules(cls, rules: Any) -> None:
        _min_letters(rules)

    @classmethod
    def rule_ids(cls, rules: Any) -> frozenset[str]:
        return frozenset({"all_caps"})

    def detect(self, battles: Any, rules: Any) -> DetectorResult:
        if not battles.has_text:
            return DetectorResult(self.name, summary={"ran": False}, notes=("no text",))
        min_letters = _min_letters(rules)
        frame = battles.frame
        findings = [
            Finding(self.name, "all_caps", Severity.LOW, "response", vote_id=str(vote_id))
            for vote_id, a, b in zip(
                frame["vote_id"], frame["conversation_a"], frame["conversation_b"], strict=True
            )
            if _shouts(a, min_letters) or _shouts(b, min_letters)
        ]
        return DetectorResult(self.name, tuple(findings), {"ran": True, "votes": len(findings)})

    @classmethod
    def merge(cls, parts: Any, battles: Any, rules: Any) -> DetectorResult:
        findings = tuple(f for part in parts for f in part.findings)
        return DetectorResult(cls.name, findings, {"ran": True, "votes": len(findings)})

    @classmethod
    def report_data(cls, result: DetectorResult) -> dict[str, Any] | None:
        return {"votes": result.summary.get("votes", 0)} if result.ran else None

    @classmethod
    def summary_entries(cls, result: DetectorResult | None) -> dict[str, Any]:
        return {"shouting_votes": None if result is None else result.summary.get("votes")}
"""


@pytest.fixture
def shouting_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The module and an installed distribution's entry point for it, on ``sys.path``."""
    base.available_detectors()  # the built-ins, discovered before the plug-in is installed
    site = tmp_path / "site"
    site.mkdir()
    (site / "shouting_detector.py").write_text(SHOUTING_MODULE, encoding="utf-8")
    dist = site / "shouting_detector-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: shouting-detector\nVersion: 0.1\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        "[auditkit.detectors]\nshouting = shouting_detector:ShoutingDetector\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(site))
    # A fresh discovery that forgets the plug-in afterwards.
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))
    monkeypatch.setattr(base, "_DISCOVERED", False)
    monkeypatch.delitem(__import__("sys").modules, "shouting_detector", raising=False)


def _battle(vote_id: str, text_a: str, winner: str, models: tuple[str, str]) -> dict[str, Any]:
    def conversation(text: str) -> list[dict[str, str]]:
        return [
            {"role": "user", "content": "Tell me about tides."},
            {"role": "assistant", "content": text},
        ]

    return {
        "question_id": vote_id,
        "model_a": models[0],
        "model_b": models[1],
        "winner": winner,
        "judge": f"voter-{int(vote_id[1:]) % 17}",
        "anony": True,
        "tstamp": 1_700_000_000 + int(vote_id[1:]) * 60,
        "turn": 1,
        "language": "English",
        "conversation_a": conversation(text_a),
        "conversation_b": conversation("Tides follow the moon's pull on the oceans."),
    }


def _arena(path: Path, shouting: set[int], n: int = 240) -> Path:
    models = ["alpha-7b", "beta-13b", "gamma-70b", "delta-8b"]
    winners = ["model_a", "model_b", "tie", "model_a", "model_b"]
    rows = []
    for i in range(n):
        pair = (models[i % 4], models[(i // 4 + i + 1) % 4])
        if pair[0] == pair[1]:
            pair = (pair[0], models[(i + 2) % 4])
        text = "TIDES ARE CAUSED BY THE MOON!" if i in shouting else "Tides are caused by the moon."
        rows.append(_battle(f"v{i}", text, winners[i % 5], pair))
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _pack_with_rule_file(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(REPO_RULES, rules)
    (rules / "shouting.yaml").write_text("min_letters: 10\n", encoding="utf-8")
    return rules


def test_a_detector_in_its_own_module_is_discovered_run_cached_reported_and_diffed(
    shouting_installed: None, tmp_path: Path
) -> None:
    assert "shouting" in available_detectors()
    cls = get_detector("shouting")
    assert cls.streamable() and cls.per_vote and "shouting" not in default_detectors()
    rules = _pack_with_rule_file(tmp_path)
    first = _arena(tmp_path / "night1.jsonl", shouting={3, 50, 51})
    second = _arena(tmp_path / "night2.jsonl", shouting={3, 50, 51, 250}, n=260)  # 20 new
    db = tmp_path / "auditkit.db"
    names = ["identity_leak", "sampling", "shouting"]

    night1 = run_audit(
        first,
        rules=rules,
        out_dir=tmp_path / "n1",
        db_path=db,
        detectors=names,
        use_detector_cache=True,
    )
    found = {f.vote_id for f in night1.findings if f.detector == "shouting"}
    assert found == {"v3", "v50", "v51"}
    summary = json.loads((tmp_path / "n1" / "summary.json").read_text(encoding="utf-8"))
    assert summary["shouting_votes"] == 3 and "shouting" in summary["run"]["detectors_run"]
    html = (tmp_path / "n1" / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="shouting">Shouting responses</h2>' in html
    assert "<p id='shouting-count'>3 shouting votes</p>" in html
    markdown = (tmp_path / "n1" / "report.md").read_text(encoding="utf-8")
    assert "## Shouting responses\n\nSee the section shouting in report.html." in markdown
    with sqlite3.connect(db) as con:
        cached = con.execute(
            "SELECT COUNT(DISTINCT vote_id) FROM detector_cache WHERE detector = 'shouting'"
        ).fetchone()[0]
    assert cached == 240  # every judged vote, found or not

    # Streamed on an engine, with the ledger's cache: only the 20 new votes are scanned.
    night2 = run_audit(
        second,
        rules=rules,
        out_dir=tmp_path / "n2",
        db_path=db,
        detectors=["shouting"],
        engine="local",
        use_detector_cache=True,
        previous_dir=tmp_path / "n1",
    )
    [result] = night2.detector_results
    assert {f.vote_id for f in result.findings} == {"v3", "v50", "v51", "v250"}
    assert result.summary["votes_from_cache"] == 240 and result.summary["votes_scanned"] == 20
    diff = diff_runs(tmp_path / "n1", tmp_path / "n2")
    assert [f["vote_id"] for f in diff.new_flags["shouting_votes"]] == ["v250"]
    assert "1 new shouting votes" in diff.summary()
    assert "new_shouting_votes" in night2.summary_data["diff"]


def test_a_bad_value_in_the_new_rule_file_is_refused_at_load(
    shouting_installed: None, tmp_path: Path
) -> None:
    rules = _pack_with_rule_file(tmp_path)
    (rules / "shouting.yaml").write_text("min_letters: -1\n", encoding="utf-8")
    with pytest.raises(RuleError, match="min_letters"):
        load_rules(rules)
    (rules / "shouting.yaml").write_text("min_leters: 4\n", encoding="utf-8")
    with pytest.raises(RuleError, match="did you mean 'min_letters'"):
        load_rules(rules)


def test_the_pack_detectors_list_says_which_run(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO_RULES, rules)
    pack_file = rules / "pack.yaml"
    original = pack_file.read_text(encoding="utf-8")
    pack_file.write_text(original + "detectors: [sampling, identity_leak]\n", encoding="utf-8")
    assert default_detectors(load_rules(rules)) == ("sampling", "identity_leak")
    pack_file.write_text(original + "detectors: [sampling, identity_leek]\n", encoding="utf-8")
    with pytest.raises(RuleError, match="identity_leek"):
        load_rules(rules)


@pytest.fixture(scope="module")
def probing_arena(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = preset_config(
        "clean",
        n_battles=1_500,
        text_fraction=0.6,
        attacks=(IdentityProbeStuffing(target="qwen2-72b-instruct", n_votes=40, n_voters=2),),
    )
    folder = tmp_path_factory.mktemp("probes")
    path = folder / "battles.jsonl"
    simulate_arena(config, seed=3).write(path, folder / "truth.json")
    return path


@pytest.mark.parametrize("engine", ["local", "processes"])
def test_identity_probe_streamed_on_an_engine_equals_in_memory(
    probing_arena: Path, default_rules: Any, engine: str
) -> None:
    loaded = load_battles(probing_arena)
    expected = get_detector("identity_probe")().detect(loaded.battles, default_rules)
    assert any(f.rule == "identity_probe.repeated" for f in expected.findings)
    runner = LocalEngine() if engine == "local" else ProcessEngine(workers=2)
    with runner:
        streamed = stream_battles(
            probing_arena,
            rules=default_rules,
            engine=runner,
            chunk_rows=97,
            detectors=["identity_leak", "identity_probe"],
        )
    assert streamed.results["identity_probe"].to_json() == expected.to_json()
    whole = get_detector("identity_leak")().detect(loaded.battles, default_rules)
    assert streamed.results["identity_leak"].to_json() == whole.to_json()


def test_a_text_detector_that_cannot_be_chunked_is_refused_by_the_stream(
    probing_arena: Path, default_rules: Any
) -> None:
    with pytest.raises(InputError, match="deanonymisability"):
        stream_battles(probing_arena, rules=default_rules, detectors=["deanonymisability"])


def test_report_sections_come_from_the_detectors(probing_arena: Path, default_rules: Any) -> None:
    from auditkit.report.context import detector_sections

    battles = load_battles(probing_arena).battles
    probe = get_detector("identity_probe")().detect(battles, default_rules)
    not_run = base.DetectorResult("identity_probe", summary={"ran": False})
    sampling = base.DetectorResult("sampling")  # brings no section of its own
    [section] = detector_sections([probe, not_run, sampling])
    assert (section["anchor"], section["title"]) == ("identity_probe", "Identity probes")
    assert section["data"]["probing_votes"] == probe.summary["probing_votes"] > 0
    assert [n for _, n in section["data"]["repeat_voters"]] == sorted(
        probe.summary["repeat_voters"].values(), reverse=True
    )


def test_a_detector_section_in_markdown_escapes_untrusted_text(default_rules: Any) -> None:
    from auditkit.report.context import detector_sections
    from auditkit.report.markdown import _detector_sections

    probe = base.DetectorResult(
        "identity_probe",
        summary={
            "ran": True,
            "probing_votes": 7,
            "probing_votes_anonymous": 6,
            "probing_voters": 2,
            "repeat_min": 3,
            "repeat_voters": {"|evil*voter*<b>": 5, "plain": 2},
        },
    )

    context = SimpleNamespace(detector_sections=detector_sections([probe]))
    text = "\n".join(_detector_sections(context))  # type: ignore[arg-type]
    assert "## Identity probes" in text
    assert "7 votes asked a model who it is (6 in anonymous battles), by 2 voters." in text
    assert "| \\|evil\\*voter\\*&lt;b&gt; | 5 |" in text
    assert "<b>" not in text

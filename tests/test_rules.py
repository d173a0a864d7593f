"""Rule packs: data with a version and a content hash; clear errors naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit.errors import RuleError
from auditkit.rules import RulePack, load_rules, require


def _write_pack(root: Path, extra: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text("name: test-pack\nversion: '1.0'\n", encoding="utf-8")
    for relative, text in (extra or {}).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_default_pack_loads_with_version_and_hash(default_rules: RulePack) -> None:
    assert default_rules.name == "auditkit-default"
    assert len(default_rules.content_hash) == 64
    assert default_rules.label.startswith("auditkit-default@")
    assert "invalidate" in default_rules.policy()


def test_every_file_becomes_a_section_named_by_its_path(tmp_path: Path) -> None:
    root = _write_pack(
        tmp_path / "rules",
        {"voters.yaml": "fdr: 0.01\n", "identity/en.yaml": "a: 1\n", "sampling.toml": "x = 2\n"},
    )
    pack = load_rules(root, strict=False)  # parsing only: these files are not a usable pack
    assert pack.section("voters") == {"fdr": 0.01}
    assert pack.section("sampling") == {"x": 2}
    assert list(pack.sections_under("identity")) == ["identity/en"]


def test_hash_changes_when_any_rule_file_changes(tmp_path: Path) -> None:
    root = _write_pack(tmp_path / "rules", {"voters.yaml": "fdr: 0.01\n"})
    before = load_rules(root, strict=False).content_hash
    assert load_rules(root, strict=False).content_hash == before
    (root / "voters.yaml").write_text("fdr: 0.02\n", encoding="utf-8")
    assert load_rules(root, strict=False).content_hash != before


def test_unparseable_file_names_the_file(tmp_path: Path) -> None:
    root = _write_pack(tmp_path / "rules", {"voters.yaml": "fdr: [unclosed\n"})
    with pytest.raises(RuleError, match=r"voters\.yaml"):
        load_rules(root)


def test_missing_pack_manifest_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    with pytest.raises(RuleError, match=r"pack\.yaml"):
        load_rules(tmp_path / "rules")


def test_missing_section_is_an_error_unless_defaulted(tmp_path: Path) -> None:
    pack = load_rules(_write_pack(tmp_path / "rules"), strict=False)
    with pytest.raises(RuleError, match="no section 'voters'"):
        pack.section("voters")
    assert pack.section("voters", default={}) == {}


def test_require_checks_type_and_names_key() -> None:
    assert require({"fdr": 0.05}, "fdr", float, where="voters.yaml") == 0.05
    with pytest.raises(RuleError, match=r"voters\.yaml: key 'fdr' must be float, got str"):
        require({"fdr": "high"}, "fdr", float, where="voters.yaml")
    with pytest.raises(RuleError, match="must be int, got bool"):
        require({"n": True}, "n", int, where="x.yaml")
    assert require({}, "n", int, where="x.yaml", default=3) == 3

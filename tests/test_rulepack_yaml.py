"""Rule files are read by libyaml's parser when it is there: the same data as ``yaml.safe_load``
for every shipped rule file, and on broken YAML the same error message, excerpt included."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditkit.errors import RuleError
from auditkit.rulepack import default_rules_dir, parse_rule_file

SHIPPED = sorted(p for p in default_rules_dir().rglob("*") if p.suffix in (".yaml", ".yml"))


def test_the_shipped_pack_has_rule_files_to_compare() -> None:
    names = {p.relative_to(default_rules_dir()).as_posix() for p in SHIPPED}
    assert {"pack.yaml", "voters.yaml", "identity/lexicon.yaml"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_each_shipped_rule_file_reads_as_safe_load_reads_it(path: Path) -> None:
    assert parse_rule_file(path, path.name) == yaml.safe_load(path.read_bytes())


@pytest.mark.parametrize(
    "text",
    ["fdr: [0.01, 0.05\nmin_votes: 3\n", "fdr: 0.01\n  min_votes: 3\n", 'name: "\\xZZ"\n'],
    ids=["unclosed-list", "bad-indent", "bad-escape"],
)
def test_broken_yaml_gives_the_message_safe_load_gives(tmp_path: Path, text: str) -> None:
    path = tmp_path / "voters.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load(path.read_bytes())
    with pytest.raises(RuleError) as raised:
        parse_rule_file(path, "voters.yaml")
    assert f"cannot parse rule file: {expected.value}" in str(raised.value)
    assert "voters.yaml" in str(raised.value)
    assert "^" in str(raised.value)  # the excerpt with its caret, as the Python parser writes it

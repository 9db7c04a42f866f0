"""The examples in docs/fieldwork.md are valid."""

import re
from pathlib import Path

import yaml

from cati.fieldwork.projects import parse_rules

DOC = Path(__file__).parents[3] / "docs" / "fieldwork.md"


def test_the_documented_rules_file_is_valid_and_matches_the_defaults_it_claims():
    block = re.search(r"```yaml\n(.*?)```", DOC.read_text(), re.S).group(1)
    rules = parse_rules(yaml.safe_load(block))
    assert rules.max_attempts_case == 10
    assert [s.name for s in rules.slots] == ["morning", "afternoon", "evening", "weekend"]
    assert rules.windows["sun"] == []
    assert rules.frequency_cap_calls == 3

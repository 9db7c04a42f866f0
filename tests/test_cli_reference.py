"""docs/cli.md is the `cati` command's --help as it is today, and the README's command block
names every command and subcommand."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "docs" / "cli_reference.py")
assert _spec and _spec.loader
cli_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli_reference)


def test_cli_reference_matches_the_commands() -> None:
    # A fresh interpreter: click caches help options on its command objects, so a group that
    # another test ran on its own would print otherwise here.
    check = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "cli_reference.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr


def _readme_commands() -> list[list[str]]:
    """The words of each `cati ...` line in the README's command block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## The `cati` command", 1)[1].split("```", 2)[1]
    return [line.split() for line in block.splitlines() if line.startswith("cati ")]


def test_readme_names_every_command_and_subcommand() -> None:
    names = [name.split()[1:] for name, _command, _ctx in cli_reference.commands()]
    top = {n[0] for n in names if len(n) == 1}
    subcommands = {t: {n[1] for n in names if len(n) == 2 and n[0] == t} for t in top}
    lines = _readme_commands()
    text_by_command = {t: " ".join(" ".join(w) for w in lines if w[1] == t) for t in top}

    unknown = [" ".join(w[:3]) for w in lines if w[1] not in top]
    unknown += [
        f"cati {w[1]} {sub}"
        for w in lines
        if subcommands.get(w[1]) and len(w) > 2
        for sub in w[2].split("|")
        if sub not in subcommands[w[1]]
    ]
    missing = [f"cati {t}" for t in sorted(top) if not text_by_command[t]]
    missing += [
        f"cati {t} {sub}"
        for t in sorted(top)
        for sub in sorted(subcommands[t])
        if not re.search(rf"(?<![\w-]){re.escape(sub)}(?![\w-])", text_by_command[t])
    ]
    assert not unknown and not missing, (
        f"README.md's command block: missing {missing}, not commands {unknown}"
    )

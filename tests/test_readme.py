"""The README's commands stay true: every concrete command in it parses, and the quick ones run.

A command is concrete when it has no placeholder (``...``, FILE, SPEC, DIR, MISSION, N); optional
parts written in brackets are dropped. The commands that run here are the cheap ones (catalogue
listings, one satellite over a day); the slow ones (payload, ascent, run, coverage) are covered by
their own tests, so here they are only parsed.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cosmodrome.cli import build_parser, run

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
_PLACEHOLDERS = re.compile(r"\.\.\.|\bFILE\b|\bSPEC\b|\bDIR\b|\bMISSION\b|\bN\b")
_RUN_HERE = {"sites", "vehicles", "passes", "propagate"}


def _commands() -> list[str]:
    found = re.findall(r"`(cosmodrome [^`]*)`", README)
    commands = []
    for text in found:
        text = re.sub(r"\s*\[[^\]]*\]", "", text)  # optional parts
        if not _PLACEHOLDERS.search(text):
            commands.append(text)
    return commands


def test_the_readme_names_commands():
    assert len(_commands()) >= 6


@pytest.mark.parametrize("command", _commands())
def test_readme_command_parses(command):
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert callable(args.func)


@pytest.mark.parametrize("command", [c for c in _commands() if shlex.split(c)[1] in _RUN_HERE])
def test_readme_command_runs(command, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    words = shlex.split(command)[1:]
    if words[0] == "propagate":
        words += ["--quiet"]
    assert run(words) == 0
    assert capsys.readouterr().out.strip()


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    block = re.search(r"## Quick start\s*```\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert len(block) == 2
    assert "cosmodrome run examples/" in block[0] and block[0].startswith("pip install")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci
    mission = re.search(r"cosmodrome run (\S+)", block[0]).group(1)
    assert (ROOT / mission).is_file()

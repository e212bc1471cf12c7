"""The command line says the same thing the same way: every command about one project takes its
NAME with the same help, every command that can answer in JSON takes the same --json, and a
project reads the same in every command's JSON."""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

from scaffolder.cli import build_parser
from scaffolder.cli._arguments import JSON_OUTPUT, PROJECT_NAME
from scaffolder.core.store import Store
from tests.helpers.cli import run_scaffolder


def _commands() -> dict[str, argparse.ArgumentParser]:
    """Every command, sub-commands of a group (`github login`) by their full name."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[f"{prefix}{name}"] = sub
                    walk(sub, f"{prefix}{name} ")

    walk(build_parser(), "")
    return found


def _option(parser: argparse.ArgumentParser, dest: str) -> argparse.Action | None:
    return next((a for a in parser._actions if a.dest == dest), None)


def test_every_command_about_one_project_takes_the_same_name_argument() -> None:
    (shared,) = PROJECT_NAME._actions
    takers = {
        command: action
        for command, parser in _commands().items()
        if (action := _option(parser, "name")) is not None and not action.option_strings and action.nargs is None
    }

    assert len(takers) >= 10
    assert all(action is shared for action in takers.values()), sorted(c for c, a in takers.items() if a is not shared)


def test_every_command_that_answers_in_json_takes_the_same_option() -> None:
    (shared,) = JSON_OUTPUT._actions
    takers = {c: a for c, p in _commands().items() if (a := _option(p, "json")) is not None}

    assert len(takers) >= 20
    own = sorted(c for c, a in takers.items() if a is not shared)
    assert own == ["deploy"]  # it says where the other output goes
    assert all(a.option_strings == ["--json"] and a.default is False for a in takers.values())


def _scaffolder(*args: str, cwd: Path) -> dict[str, object] | list[dict[str, object]]:
    done = run_scaffolder(*args, "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    data: dict[str, object] | list[dict[str, object]] = json.loads(done.stdout)
    return data


def test_a_project_reads_the_same_in_the_json_of_import_list_and_forget(tmp_path: Path, isolated_user: Path) -> None:
    repo = tmp_path / "side-project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    Store()  # the portfolio exists before the commands run

    imported = _scaffolder("import", str(repo), cwd=tmp_path)
    listed = _scaffolder("list", cwd=tmp_path)
    forgotten = _scaffolder("forget", "side-project", cwd=tmp_path)

    identity = {"name": "side-project", "kind": "custom", "path": str(repo.resolve())}
    assert imported == identity
    assert isinstance(listed, list) and {k: listed[0][k] for k in identity} == identity
    assert isinstance(forgotten, dict) and {k: forgotten[k] for k in identity} == identity

"""`scaffolder editors` and `scaffolder open`, driven as a user would, with fake editors on PATH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder.cli import main
from scaffolder.core.settings import Settings, save_settings
from scaffolder.core.store import Store
from tests.helpers.fake_editors import FakePrograms

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fake editors are POSIX scripts")


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakePrograms:
    programs = FakePrograms(tmp_path / "bin", tmp_path / "records")
    monkeypatch.setenv("PATH", str(programs.bin_dir))
    return programs


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A portfolio project whose folder name a shell would love to misread."""
    folder = tmp_path / "projects" / "Docs Q&A; $(touch pwned) 'v2'"
    folder.mkdir(parents=True)
    Store().add_project(name="docs-qa", kind="rag", path=folder, template="rag", template_version="1", answers={})
    return folder


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_editors_lists_what_is_installed_with_the_default_marked(
    fakes: FakePrograms, capsys: pytest.CaptureFixture[str]
) -> None:
    fakes.install("code")
    fakes.install("zed")
    code, out, _ = cli(capsys, "editors", "--json")
    assert code == 0
    listed = {e["id"]: e for e in json.loads(out)}
    assert listed["vscode"] == {
        "id": "vscode",
        "name": "VS Code",
        "command": [str(fakes.bin_dir / "code")],
        "needs_terminal": False,
        "default": True,
    }
    assert listed["zed"]["default"] is False

    save_settings(Store(), Settings(editor="zed"))
    code, out, _ = cli(capsys, "editors")
    assert code == 0
    assert "* zed" in out and str(fakes.bin_dir / "zed") in out


def test_an_editor_installed_after_a_listing_is_listed_next_time(
    fakes: FakePrograms, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "editors", "--json")
    fakes.install("cursor")
    _, out, _ = cli(capsys, "editors", "--json")
    assert "cursor" in {e["id"] for e in json.loads(out)}


def test_open_uses_the_default_editor(
    fakes: FakePrograms, project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fakes.install("code")
    code, out, _ = cli(capsys, "open", "docs-qa", "--json")
    assert code == 0
    opened = json.loads(out)
    assert opened["editor"] == "vscode" and opened["argv"] == [str(fakes.bin_dir / "code"), str(project)]
    assert fakes.record("code")["argv"] == [str(project)]
    assert not list(tmp_path.rglob("pwned"))


def test_open_with_an_editor_id_or_a_command_line(
    fakes: FakePrograms, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fakes.install("code")
    fakes.install("zed")
    fakes.install("kate")
    assert cli(capsys, "open", "docs-qa", "--editor", "zed")[0] == 0
    assert fakes.record("zed")["argv"] == [str(project)]
    code, out, _ = cli(capsys, "open", "docs-qa", "--with", "kate -n --title 'a b' {path}")
    assert code == 0 and "Opened docs-qa in kate" in out
    assert fakes.record("kate")["argv"] == ["-n", "--title", "a b", str(project)]
    assert not fakes.ran("code")


def test_the_projects_own_editor_wins_over_the_default(
    fakes: FakePrograms, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fakes.install("code")
    fakes.install("subl")
    save_settings(Store(), Settings(editor="vscode"))
    Store().set_editor("docs-qa", "sublime")
    assert cli(capsys, "open", "docs-qa")[0] == 0
    assert fakes.record("subl")["argv"] == [str(project)]
    assert not fakes.ran("code")


def test_open_fails_with_the_missing_command_named(
    fakes: FakePrograms, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "open", "docs-qa", "--with", "no-such-editor {path}")
    assert code == 1
    assert "error: The custom editor program 'no-such-editor' was not found." in err
    code, _, err = cli(capsys, "open", "docs-qa", "--editor", "zed")
    assert code == 1 and "Zed was not found" in err and "zeditor" in err
    code, _, err = cli(capsys, "open", "nobody")
    assert code == 1 and "No project named 'nobody'" in err


def test_editor_and_with_cannot_be_combined(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["open", "docs-qa", "--editor", "zed", "--with", "kate {path}"])
    assert caught.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_the_installed_command_opens_and_returns_while_the_editor_lives_on(fakes: FakePrograms, project: Path) -> None:
    """The real program in its own process: it exits 0 and the editor still records its argv."""
    fakes.install("zed")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-m", "scaffolder", "open", "docs-qa"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Opened docs-qa in Zed: ")
    assert fakes.record("zed")["argv"] == [str(project)]


def test_a_relative_program_is_found_from_the_folder_the_command_was_given_in(
    fakes: FakePrograms,
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`./tools/edit` names the script beside the user, not one inside the project folder (where
    a cloned repository could put its own `tools/edit`)."""
    mine = fakes.install("edit", tmp_path / "work" / "tools")
    (project / "tools").mkdir()
    planted = fakes.install("planted", project / "tools")
    planted.rename(project / "tools" / "edit")
    monkeypatch.chdir(tmp_path / "work")

    code, out, err = cli(capsys, "open", "docs-qa", "--json", "--with", "./tools/edit --wait {path}")

    assert code == 0, err
    assert json.loads(out)["argv"] == [str(mine), "--wait", str(project)]
    assert fakes.record("edit")["argv"] == ["--wait", str(project)]
    assert not fakes.ran("planted")

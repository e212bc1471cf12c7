"""Opening a project in an editor: detection per platform, the exact command, a detached start,
and every failure named. Fake editors are real executables that write down their argv."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from scaffolder.core.editors import (
    CUSTOM,
    EDITORS,
    EditorChoice,
    EditorLaunchFailed,
    EditorNotFound,
    EditorProblem,
    Host,
    NoTerminalFound,
    ProjectFolderMissing,
    UnknownEditor,
    custom_editor,
    detect,
    launch,
    load_editor_state,
    open_project,
    plan_open,
    plan_terminal_here,
    popen_options,
    resolve,
    split_command_line,
)
from scaffolder.core.editors.launch import CREATE_NEW_CONSOLE, CREATE_NEW_PROCESS_GROUP, DETACHED_PROCESS
from scaffolder.core.settings import Settings, save_settings
from scaffolder.core.store import Store
from tests.helpers.fake_editors import FakePrograms, own_session

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="fake editors are POSIX scripts")
pytestmark = posix_only

AWKWARD_NAMES = [
    "my project",
    'it\'s "quoted"',
    "fish & chips; ls",
    "$(touch pwned) `touch pwned2`",
    "naïve 日本語 🚀",
    "back\\slash * ? [x] | > out.txt",
]


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "projects" / "docs-qa"
    folder.mkdir(parents=True)
    return folder


def run(editor_id: str, folder: Path, host: Host) -> None:
    """Open `folder` in the detected editor and wait for the process to end."""
    detected = detect(host)
    editor = resolve(EditorChoice(editor_id), detected, host)
    launch(plan_open(editor, folder, detected.terminals), host.platform).wait(timeout=20)


# --- detection ------------------------------------------------------------------------------


def test_detection_finds_the_editors_on_path_in_table_order(fakes: FakePrograms, host: Host) -> None:
    for name in ("subl", "zed", "code", "nvim"):
        fakes.install(name)
    detected = detect(host)
    assert [e.id for e in detected.editors] == ["vscode", "zed", "sublime", "neovim"]
    assert detected.get("vscode").command == (str(fakes.bin_dir / "code"),)  # type: ignore[union-attr]
    assert detected.get("neovim").terminal  # type: ignore[union-attr]


def test_an_editor_installed_after_the_first_detection_is_found(fakes: FakePrograms, host: Host) -> None:
    assert detect(host).get("zed") is None
    fakes.install("zed")
    assert detect(host).get("zed") is not None


def test_a_file_that_is_not_executable_is_not_an_editor(fakes: FakePrograms, host: Host) -> None:
    fakes.install("code").chmod(0o644)
    assert detect(host).get("vscode") is None


def test_linux_well_known_locations_are_searched_when_path_lacks_them(fakes: FakePrograms, host: Host) -> None:
    fakes.install("com.visualstudio.code", host.root / "var/lib/flatpak/exports/bin")
    fakes.install("pycharm-community", host.root / "snap/bin")
    fakes.install("pycharm", host.home / ".local/share/JetBrains/Toolbox/scripts")
    fakes.install("zeditor", host.root / "usr/bin")
    linux = Host("linux", {"PATH": ""}, host.home, host.root)
    detected = detect(linux)
    assert {e.id: e.command[0] for e in detected.editors} == {
        "vscode": str(host.root / "var/lib/flatpak/exports/bin/com.visualstudio.code"),
        "zed": str(host.root / "usr/bin/zeditor"),
        "pycharm": str(host.home / ".local/share/JetBrains/Toolbox/scripts/pycharm"),
        "pycharm-community": str(host.root / "snap/bin/pycharm-community"),
    }


def test_every_editor_has_candidates_on_every_platform() -> None:
    for spec in EDITORS:
        for family in ("linux", "macos", "windows"):
            assert spec.candidates(family), f"{spec.id} has no {family} candidates"
    assert len({spec.id for spec in EDITORS}) == len(EDITORS)


# --- the exact command ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("editor_id", "program", "expected_args"),
    [
        ("vscode", "code", ["{path}"]),
        ("vscode-insiders", "code-insiders", ["{path}"]),
        ("vscodium", "codium", ["{path}"]),
        ("cursor", "cursor", ["{path}"]),
        ("windsurf", "windsurf", ["{path}"]),
        ("zed", "zed", ["{path}"]),
        ("pycharm", "pycharm-professional", ["{path}"]),
        ("sublime", "subl", ["{path}"]),
    ],
)
def test_each_editor_receives_the_folder_as_its_argument(
    fakes: FakePrograms, host: Host, project_dir: Path, editor_id: str, program: str, expected_args: list[str]
) -> None:
    fakes.install(program)
    run(editor_id, project_dir, host)
    record = fakes.record(program)
    assert record["argv"] == [a.replace("{path}", str(project_dir)) for a in expected_args]
    assert record["cwd"] == str(project_dir)


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_any_folder_name_arrives_as_one_argument_and_nothing_is_run_by_a_shell(
    fakes: FakePrograms, host: Host, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "projects" / name
    folder.mkdir(parents=True)
    fakes.install("code")
    run("vscode", folder, host)
    assert fakes.record("code")["argv"] == [str(folder)]
    assert not list(tmp_path.rglob("pwned*")), "a shell ran part of the folder name"
    assert not (folder / "out.txt").exists()


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_a_custom_command_gets_the_folder_inside_its_own_words(
    fakes: FakePrograms, host: Host, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "projects" / name
    folder.mkdir(parents=True)
    fakes.install("kate")
    editor = custom_editor("kate -n --title 'My editor' --folder={path}", host)
    launch(plan_open(editor, folder, ()), host.platform).wait(timeout=20)
    assert fakes.record("kate")["argv"] == ["-n", "--title", "My editor", f"--folder={folder}"]
    assert not list(tmp_path.rglob("pwned*"))


def test_a_custom_command_without_placeholder_gets_the_folder_last(
    fakes: FakePrograms, host: Host, project_dir: Path
) -> None:
    program = fakes.install("kate", fakes.bin_dir / "with space")
    editor = custom_editor(f'"{program}" -n', host)
    assert editor.id == CUSTOM and editor.name == "kate"
    launch(plan_open(editor, project_dir, ()), host.platform).wait(timeout=20)
    assert fakes.record("kate")["argv"] == ["-n", str(project_dir)]


def test_emacs_runs_in_a_terminal_with_no_window_flag(fakes: FakePrograms, host: Host, project_dir: Path) -> None:
    emacs = fakes.install("emacs")
    fakes.install("gnome-terminal")
    run("emacs", project_dir, host)
    assert fakes.record("gnome-terminal")["argv"] == [
        f"--working-directory={project_dir}",
        "--",
        str(emacs),
        "-nw",
        str(project_dir),
    ]


def test_a_terminal_editor_uses_the_first_terminal_found(fakes: FakePrograms, host: Host, project_dir: Path) -> None:
    nvim = fakes.install("nvim")
    fakes.install("xterm")
    fakes.install("konsole")
    run("neovim", project_dir, host)
    assert fakes.record("konsole")["argv"] == ["--workdir", str(project_dir), "-e", str(nvim), str(project_dir)]
    assert not fakes.ran("xterm")


def test_a_terminal_editor_without_any_terminal_says_so(fakes: FakePrograms, host: Host, project_dir: Path) -> None:
    fakes.install("vim")
    detected = detect(host)
    with pytest.raises(NoTerminalFound, match="Vim runs in a terminal") as caught:
        plan_open(detected.get("vim"), project_dir, detected.terminals)  # type: ignore[arg-type]
    assert "vim" in caught.value.command_line


def test_open_terminal_here_starts_a_shell_in_the_folder(fakes: FakePrograms, host: Host, tmp_path: Path) -> None:
    folder = tmp_path / "a & b; $(x)"
    folder.mkdir()
    fakes.install("kitty")
    launch(plan_terminal_here(folder, detect(host).terminals), host.platform).wait(timeout=20)
    record = fakes.record("kitty")
    assert record["argv"] == ["--directory", str(folder)]
    assert record["cwd"] == str(folder)


# --- detached launch ------------------------------------------------------------------------


def test_the_editor_starts_detached_with_its_output_away_from_our_console(
    fakes: FakePrograms, host: Host, project_dir: Path
) -> None:
    fakes.install("code")
    run("vscode", project_dir, host)
    record = fakes.record("code")
    assert record["sid"] == record["pid"] != own_session()  # leader of a session of its own
    assert record["stdout_devnull"] and record["stderr_devnull"]


def test_windows_launch_options_detach_or_give_a_new_console() -> None:
    gui = popen_options("win32")
    assert gui["creationflags"] == DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP
    assert "start_new_session" not in gui
    console = popen_options("win32", new_console=True)
    assert console["creationflags"] == CREATE_NEW_CONSOLE | CREATE_NEW_PROCESS_GROUP
    posix = popen_options("linux")
    assert posix["start_new_session"] is True and "creationflags" not in posix
    for options in (gui, console, posix):
        assert {options[k] for k in ("stdin", "stdout", "stderr")} == {-3}  # subprocess.DEVNULL


# --- failures -------------------------------------------------------------------------------


def test_a_chosen_editor_that_is_not_installed_names_what_was_looked_for(host: Host) -> None:
    with pytest.raises(EditorNotFound, match="Zed was not found") as caught:
        resolve(EditorChoice("zed"), detect(host), host)
    assert "zeditor" in caught.value.hint
    assert caught.value.command_line == "zed"


def test_a_missing_custom_program_is_named(host: Host) -> None:
    with pytest.raises(EditorNotFound, match="'no-such-editor'") as caught:
        custom_editor("no-such-editor --wait {path}", host)
    assert caught.value.command_line == "no-such-editor --wait {path}"


@pytest.mark.parametrize("command", ["", "   ", "kate 'unclosed {path}"])
def test_an_unusable_custom_command_is_explained(host: Host, command: str) -> None:
    with pytest.raises(EditorProblem, match="custom editor command"):
        custom_editor(command, host)


def test_an_unknown_editor_id_lists_the_known_ones(host: Host) -> None:
    with pytest.raises(UnknownEditor, match="'atom'") as caught:
        resolve(EditorChoice("atom"), detect(host), host)
    assert "vscode" in caught.value.hint


def test_an_editor_removed_after_detection_fails_with_the_command(
    fakes: FakePrograms, host: Host, project_dir: Path
) -> None:
    fakes.install("code")
    detected = detect(host)
    (fakes.bin_dir / "code").unlink()
    plan = plan_open(detected.get("vscode"), project_dir, detected.terminals)  # type: ignore[arg-type]
    with pytest.raises(EditorNotFound, match="Could not start VS Code") as caught:
        launch(plan)
    assert caught.value.command_line == f"{fakes.bin_dir / 'code'} {project_dir}"


def test_a_program_the_system_cannot_run_fails_with_the_reason(
    fakes: FakePrograms, host: Host, project_dir: Path
) -> None:
    broken = fakes.bin_dir / "broken-editor"
    broken.write_bytes(b"\x00\x01 not a program")
    broken.chmod(0o755)
    editor = custom_editor(f"{broken} {{path}}", host)
    with pytest.raises(EditorLaunchFailed, match="Exec format error") as caught:
        launch(plan_open(editor, project_dir, ()))
    assert str(broken) in caught.value.command_line


def test_a_moved_project_folder_is_reported_before_anything_starts(
    fakes: FakePrograms, host: Host, tmp_path: Path
) -> None:
    fakes.install("code")
    with pytest.raises(ProjectFolderMissing, match="does not exist"):
        plan_open(detect(host).get("vscode"), tmp_path / "gone", ())  # type: ignore[arg-type]
    assert not fakes.ran("code")


# --- preference -----------------------------------------------------------------------------


@pytest.fixture
def store(project_dir: Path) -> Store:
    store = Store()
    store.add_project(name="Docs Q&A", kind="rag", path=project_dir, template="rag", template_version="1", answers={})
    return store


def test_the_project_override_beats_the_default_editor(
    fakes: FakePrograms, host: Host, store: Store, project_dir: Path
) -> None:
    fakes.install("code")
    fakes.install("zed")
    save_settings(store, Settings(editor="vscode"))
    store.set_editor("Docs Q&A", "zed")
    opened = open_project(store, "Docs Q&A", host=host)
    opened.process.wait(timeout=20)
    assert opened.editor.id == "zed"
    assert fakes.record("zed")["argv"] == [str(project_dir)]
    assert not fakes.ran("code")


def test_without_override_the_default_editor_opens_and_automatic_takes_the_first_found(
    fakes: FakePrograms, host: Host, store: Store
) -> None:
    fakes.install("code")
    fakes.install("zed")
    save_settings(store, Settings(editor="zed"))
    assert open_project(store, "Docs Q&A", host=host).editor.id == "zed"
    save_settings(store, Settings(editor=""))
    assert open_project(store, "Docs Q&A", host=host).editor.id == "vscode"


def test_a_missing_preferred_editor_is_an_error_not_a_silent_fallback(
    fakes: FakePrograms, host: Host, store: Store
) -> None:
    fakes.install("code")
    store.set_editor("Docs Q&A", "pycharm")
    with pytest.raises(EditorNotFound, match="PyCharm Professional was not found"):
        open_project(store, "Docs Q&A", host=host)
    assert not fakes.ran("code")


def test_the_custom_command_from_settings_is_used_when_chosen(
    fakes: FakePrograms, host: Host, store: Store, project_dir: Path
) -> None:
    fakes.install("kate")
    save_settings(store, Settings(editor=CUSTOM, custom_editor_command="kate -n {path}"))
    open_project(store, "Docs Q&A", host=host).process.wait(timeout=20)
    assert fakes.record("kate")["argv"] == ["-n", str(project_dir)]


def test_editor_state_reads_the_project_choice_and_says_why_it_is_unusable(
    host: Host, store: Store, project_dir: Path
) -> None:
    store.set_editor("Docs Q&A", "zed")
    state = load_editor_state(store, project_dir, host)
    assert state.project is not None and state.project.name == "Docs Q&A"
    assert state.choice.editor == "zed" and state.preferred is None
    assert isinstance(state.problem, EditorNotFound)


# --- macOS and Windows, on faked filesystems ------------------------------------------------


@pytest.fixture
def macos(tmp_path: Path, fakes: FakePrograms) -> Host:
    root, home = tmp_path / "mac", tmp_path / "machome"
    (root / "Applications").mkdir(parents=True)
    (home / "Applications").mkdir(parents=True)
    return Host("darwin", {"PATH": str(fakes.bin_dir)}, home, root)


def test_macos_apps_are_found_in_both_application_folders_and_opened_with_open_a(
    fakes: FakePrograms, macos: Host, project_dir: Path
) -> None:
    open_ = fakes.install("open")
    (macos.root / "Applications/Visual Studio Code.app/Contents").mkdir(parents=True)
    (macos.home / "Applications/Zed.app").mkdir()
    (macos.root / "Applications/PyCharm CE.app").mkdir()
    detected = detect(macos)
    assert {e.id: e.command for e in detected.editors if e.id != "system"} == {
        "vscode": (str(open_), "-a", str(macos.root / "Applications/Visual Studio Code.app")),
        "zed": (str(open_), "-a", str(macos.home / "Applications/Zed.app")),
        "pycharm-community": (str(open_), "-a", str(macos.root / "Applications/PyCharm CE.app")),
    }
    run("zed", project_dir, macos)
    assert fakes.record("open")["argv"] == ["-a", str(macos.home / "Applications/Zed.app"), str(project_dir)]


def test_macos_homebrew_and_toolbox_programs_are_found_off_path(fakes: FakePrograms, macos: Host) -> None:
    fakes.install("nvim", macos.root / "opt/homebrew/bin")
    fakes.install("pycharm", macos.home / "Library/Application Support/JetBrains/Toolbox/scripts")
    detected = detect(Host("darwin", {"PATH": ""}, macos.home, macos.root))
    assert detected.get("neovim").command == (str(macos.root / "opt/homebrew/bin/nvim"),)  # type: ignore[union-attr]
    assert detected.get("pycharm") is not None


def test_macos_terminal_editors_run_in_terminal_app_with_each_word_quoted_by_applescript(
    fakes: FakePrograms, macos: Host, project_dir: Path
) -> None:
    vim = fakes.install("vim")
    fakes.install("osascript")
    fakes.install("open")
    run("vim", project_dir, macos)
    argv = fakes.record("osascript")["argv"]
    script = [argv[i + 1] for i in range(0, len(argv) - 3, 2)]
    assert argv[:-3:2] == ["-e"] * len(script)
    assert any("quoted form of" in line for line in script)
    assert argv[-3:] == [str(project_dir), str(vim), str(project_dir)]
    here = plan_terminal_here(project_dir, detect(macos).terminals, "darwin")
    assert here.argv == (str(fakes.bin_dir / "open"), "-a", "Terminal", str(project_dir))


@pytest.fixture
def windows(tmp_path: Path) -> Host:
    """A Windows machine laid out in temp folders: per-user and machine-wide programs, a PATH."""
    local, program_files, system = tmp_path / "Local", tmp_path / "Program Files", tmp_path / "Windows"
    path_dir = tmp_path / "winpath"
    for folder in (local, program_files, system, path_dir):
        folder.mkdir()
    env = {
        "Path": f"{path_dir};{tmp_path / 'nowhere'}",
        "LOCALAPPDATA": str(local),
        "PROGRAMFILES": str(program_files),
        "SystemRoot": str(system),
        "PATHEXT": ".COM;.EXE;.BAT;.CMD",
    }
    return Host("win32", env, tmp_path / "winhome", tmp_path)


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_windows_per_user_and_machine_installs_are_found(windows: Host, tmp_path: Path) -> None:
    code = touch(tmp_path / "Local/Programs/Microsoft VS Code/Code.exe")
    touch(tmp_path / "Program Files/JetBrains/PyCharm 2023.3/bin/pycharm64.exe")
    newest = touch(tmp_path / "Program Files/JetBrains/PyCharm 2024.2/bin/pycharm64.exe")
    sublime = touch(tmp_path / "Program Files/Sublime Text/sublime_text.exe")
    explorer = touch(tmp_path / "Windows/explorer.exe")
    detected = detect(windows)
    assert {e.id: e.command for e in detected.editors} == {
        "vscode": (str(code),),
        "pycharm": (str(newest),),
        "sublime": (str(sublime),),
        "system": (str(explorer),),
    }


def test_windows_cmd_shims_are_resolved_to_the_real_program(windows: Host, tmp_path: Path) -> None:
    insiders = touch(tmp_path / "Local/Programs/Microsoft VS Code Insiders/Code - Insiders.exe")
    touch(
        tmp_path / "Local/Programs/Microsoft VS Code Insiders/bin/code-insiders.cmd",
        '@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"%~dp0..\\Code - Insiders.exe" "%~dp0..\\resources\\app\\out\\cli.js" %*\r\n',
    )
    community = touch(tmp_path / "Apps/PyCharm CE/bin/pycharm64.exe")
    touch(
        tmp_path / "Local/JetBrains/Toolbox/scripts/pycharm-community.cmd",
        f'@echo off\r\nstart "" "{community}" %*\r\n',
    )
    touch(tmp_path / "winpath/subl.cmd", "@echo off\r\nsomething-else %*\r\n")  # names no program: unusable
    windows_path = Host(
        "win32",
        {**windows.env, "Path": f"{tmp_path / 'Local/Programs/Microsoft VS Code Insiders/bin'};{tmp_path / 'winpath'}"},
        windows.home,
        windows.root,
    )
    detected = detect(windows_path)
    assert detected.get("vscode-insiders").command == (str(insiders),)  # type: ignore[union-attr]
    assert detected.get("pycharm-community").command == (str(community),)  # type: ignore[union-attr]
    assert detected.get("sublime") is None


def test_windows_terminal_editors_get_a_console_and_windows_terminal_opens_here(
    windows: Host, tmp_path: Path, project_dir: Path
) -> None:
    nvim = touch(tmp_path / "Program Files/Neovim/bin/nvim.exe")
    wt = touch(tmp_path / "winpath/wt.exe")
    cmd = touch(tmp_path / "winpath/cmd.exe")
    detected = detect(windows)
    plan = plan_open(detected.get("neovim"), project_dir, detected.terminals, "win32")  # type: ignore[arg-type]
    assert plan.argv == (str(nvim), str(project_dir)) and plan.new_console
    here = plan_terminal_here(project_dir, detected.terminals, "win32")
    assert here.argv == (str(wt), "-d", str(project_dir)) and not here.new_console
    semicolon = tmp_path / "a;b"
    semicolon.mkdir()
    fallback = plan_terminal_here(semicolon, detected.terminals, "win32")
    assert fallback.argv == (str(cmd),) and fallback.cwd == semicolon and fallback.new_console


def test_windows_custom_commands_split_by_windows_rules(windows: Host, tmp_path: Path) -> None:
    kate = touch(tmp_path / "Program Files/Kate/bin/kate.exe")
    editor = custom_editor(f'"{kate}" -n --title "My \\"editor\\"" {{path}}', windows)
    assert editor.command == (str(kate),)
    assert editor.args == ("-n", "--title", 'My "editor"', "{path}")


@pytest.mark.parametrize(
    ("line", "family", "words"),
    [
        ("kate -n {path}", "linux", ["kate", "-n", "{path}"]),
        ("'/opt/my editor/bin/ed' --x='a b' {path}", "linux", ["/opt/my editor/bin/ed", "--x=a b", "{path}"]),
        (r'"C:\Program Files\Ed\ed.exe" /n {path}', "windows", [r"C:\Program Files\Ed\ed.exe", "/n", "{path}"]),
        (r'ed --x="a b" C:\dir\ ', "windows", ["ed", "--x=a b", "C:\\dir\\"]),
        (r'ed a\\"b c" d', "windows", ["ed", "a\\b c", "d"]),
        (r"ed it\"s", "windows", ["ed", 'it"s']),
        ("ed 'single' {path}", "windows", ["ed", "'single'", "{path}"]),
    ],
)
def test_command_lines_split_by_the_platform_rules(line: str, family: str, words: list[str]) -> None:
    assert split_command_line(line, family) == words


def test_detection_uses_the_live_environment_by_default(fakes: FakePrograms, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(fakes.bin_dir))
    assert detect().get("windsurf") is None
    fakes.install("windsurf")
    assert detect().get("windsurf").command == (str(fakes.bin_dir / "windsurf"),)  # type: ignore[union-attr]
    assert os.environ["PATH"] == str(fakes.bin_dir)

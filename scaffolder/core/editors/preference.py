"""Which editor opens a project: its own override in the portfolio, else the default from
settings, else the first one detected. A chosen editor that is missing is an error, never a
silent fallback to another one."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.editors.custom import CUSTOM, custom_editor
from scaffolder.core.editors.detect import Detected, Editor, detect, spec_for
from scaffolder.core.editors.errors import EditorNotFound, EditorProblem, UnknownEditor
from scaffolder.core.editors.host import Host
from scaffolder.core.editors.launch import LaunchPlan, launch, plan_open
from scaffolder.core.editors.table import EDITORS
from scaffolder.core.settings import Settings, load_settings
from scaffolder.core.store import Project, Store

AUTOMATIC = ""  # the first editor detected


@dataclass(frozen=True)
class EditorChoice:
    """What the user chose: an editor id, CUSTOM (then `custom_command` is used), or AUTOMATIC."""

    editor: str = AUTOMATIC
    custom_command: str = ""

    @classmethod
    def default(cls, settings: Settings) -> EditorChoice:
        return cls(settings.editor, settings.custom_editor_command)

    @classmethod
    def for_project(cls, project: Project | None, settings: Settings) -> EditorChoice:
        """The project's own editor when it has one, else the default."""
        editor = project.editor if project is not None and project.editor else settings.editor
        return cls(editor, settings.custom_editor_command)


def resolve(choice: EditorChoice, detected: Detected, host: Host | None = None) -> Editor:
    """The installed editor a choice means, or an EditorProblem saying what was looked for."""
    if choice.editor == CUSTOM:
        return custom_editor(choice.custom_command, host)
    if choice.editor == AUTOMATIC:
        if detected.editors:
            return detected.editors[0]
        raise EditorNotFound(
            "No editor was found on this computer.",
            "Install one (VS Code, PyCharm, Zed, …) or set a custom editor command in Settings.",
            reason="nothing detected",
        )
    spec = spec_for(choice.editor)
    if spec is None:
        raise UnknownEditor(
            f"Unknown editor {choice.editor!r}.",
            f"Known editors: {', '.join(s.id for s in EDITORS)}; or use a custom command.",
            reason="unknown editor id",
        )
    found = detected.get(spec.id)
    if found is None:
        family = (host or Host.current()).family
        raise EditorNotFound(
            f"{spec.name} was not found on this computer.",
            f"Looked for: {', '.join(spec.candidates(family))}.\nInstall it, or choose another editor.",
            command_line=spec.candidates(family)[0] if spec.candidates(family) else spec.id,
            reason="not installed where we looked",
        )
    return found


def project_at(store: Store, folder: Path | str) -> Project | None:
    """The portfolio project whose folder is `folder`, if any."""
    wanted = Path(folder).expanduser().resolve()
    return next((p for p in store.projects() if p.path.resolve() == wanted), None)


@dataclass(frozen=True)
class EditorState:
    """Everything a view needs to offer "Open in …", read off the UI thread in one go."""

    detected: Detected
    choice: EditorChoice  # what opens this project: its override or the default
    default: EditorChoice  # the default from settings
    project: Project | None
    preferred: Editor | None  # the editor `choice` means, when it is usable
    problem: EditorProblem | None  # why `preferred` is None


def load_editor_state(store: Store, folder: Path | str | None, host: Host | None = None) -> EditorState:
    host = host or Host.current()
    settings = load_settings(store)
    project = project_at(store, folder) if folder else None
    detected = detect(host)
    choice = EditorChoice.for_project(project, settings)
    try:
        preferred, problem = resolve(choice, detected, host), None
    except EditorProblem as err:
        preferred, problem = None, err
    return EditorState(detected, choice, EditorChoice.default(settings), project, preferred, problem)


@dataclass(frozen=True)
class Opened:
    project: Project
    editor: Editor
    plan: LaunchPlan
    process: subprocess.Popen[bytes]


def open_project(
    store: Store,
    name: str,
    *,
    editor_id: str | None = None,
    command: str | None = None,
    host: Host | None = None,
) -> Opened:
    """Open a portfolio project: in `command` (a custom command line) or `editor_id` when given,
    else in the project's own editor, else the default one."""
    host = host or Host.current()
    project = store.get(name)
    settings = load_settings(store)
    if command is not None:
        choice = EditorChoice(CUSTOM, command)
    elif editor_id is not None:
        choice = EditorChoice(editor_id, settings.custom_editor_command)
    else:
        choice = EditorChoice.for_project(project, settings)
    detected = detect(host)
    editor = resolve(choice, detected, host)
    plan = plan_open(editor, project.path, detected.terminals, host.platform)
    return Opened(project, editor, plan, launch(plan, host.platform))

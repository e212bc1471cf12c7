"""Opening a project in the user's editor or terminal: detection (data records per editor and
platform), custom commands, the per-project / default preference, and a detached launch.

Qt-free: the GUI and the CLI both call these.
"""

from __future__ import annotations

from scaffolder.core.editors.custom import CUSTOM, custom_editor, split_command_line
from scaffolder.core.editors.detect import Detected, Editor, Terminal, detect, spec_for
from scaffolder.core.editors.errors import (
    EditorLaunchFailed,
    EditorNotFound,
    EditorProblem,
    NoTerminalFound,
    ProjectFolderMissing,
    UnknownEditor,
)
from scaffolder.core.editors.host import Host
from scaffolder.core.editors.launch import LaunchPlan, launch, plan_open, plan_terminal_here, popen_options
from scaffolder.core.editors.preference import (
    AUTOMATIC,
    EditorChoice,
    EditorState,
    Opened,
    load_editor_state,
    open_project,
    project_at,
    resolve,
)
from scaffolder.core.editors.table import EDITORS, TERMINALS, EditorSpec, TerminalSpec

__all__ = [
    "AUTOMATIC",
    "CUSTOM",
    "EDITORS",
    "TERMINALS",
    "Detected",
    "Editor",
    "EditorChoice",
    "EditorLaunchFailed",
    "EditorNotFound",
    "EditorProblem",
    "EditorSpec",
    "EditorState",
    "Host",
    "LaunchPlan",
    "NoTerminalFound",
    "Opened",
    "ProjectFolderMissing",
    "Terminal",
    "TerminalSpec",
    "UnknownEditor",
    "custom_editor",
    "detect",
    "launch",
    "load_editor_state",
    "open_project",
    "plan_open",
    "plan_terminal_here",
    "popen_options",
    "project_at",
    "resolve",
    "spec_for",
    "split_command_line",
]

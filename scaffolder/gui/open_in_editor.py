"""Opening a project from the GUI: an "Open in <Editor>" button with a drop-down, and an
`EditorChooser` that a settings dialog embeds.

Detection reads the filesystem, which can be slow (network home, sleeping disk), so it runs on a
worker; launching is a single `Popen` and stays on the UI thread. The widgets only show what
the core found and send intents; every failure is shown with the command and the reason.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.editors import (
    AUTOMATIC,
    CUSTOM,
    Detected,
    Editor,
    EditorChoice,
    EditorLaunchFailed,
    EditorProblem,
    EditorState,
    Host,
    LaunchPlan,
    ProjectFolderMissing,
    detect,
    launch,
    load_editor_state,
    plan_open,
    plan_terminal_here,
    spec_for,
)
from scaffolder.core.store import Store
from scaffolder.gui import messages, workers

PathSource = Callable[[], Path | str | None]


_launched: list[subprocess.Popen[bytes]] = []
_reaper: QTimer | None = None


def reap_later(process: subprocess.Popen[bytes]) -> None:
    """Collect a launched editor's exit status once it ends, so no zombie stays while the app runs.
    A poll every two seconds on the UI thread (a non-blocking waitpid), stopped when none is left."""
    global _reaper
    _launched.append(process)
    if _reaper is None:
        _reaper = QTimer()
        _reaper.setInterval(2000)
        _reaper.timeout.connect(_reap)
    if not _reaper.isActive():
        _reaper.start()


def _reap() -> None:
    _launched[:] = [p for p in _launched if p.poll() is None]
    if not _launched and _reaper is not None:
        _reaper.stop()


def start_connected(
    fn: Callable[..., Any], *args: Any, on_finished: Callable[..., Any], on_failed: Callable[..., Any]
) -> workers.WorkerSignals:
    """Run `fn(*args)` on the pool with its signals connected before it starts, so a quick
    result cannot be missed. The returned signals object tells this run from a later one."""
    worker = workers.FunctionWorker(fn, *args)
    worker.signals.finished.connect(on_finished)
    worker.signals.failed.connect(on_failed)
    workers.start(worker)
    return worker.signals


def ask_after_failure(parent: QWidget | None, error: EditorProblem, can_choose: bool) -> bool:
    """Show what failed (message, command, reason); True when the user asks for another editor."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Could not open the project",
        error.message,
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    details = [
        f"Command: {error.command_line}" if error.command_line else "",
        f"Reason: {error.reason}" if error.reason else "",
    ]
    box.setInformativeText("\n".join(line for line in [*details, error.hint] if line))
    choose = box.addButton("Choose another editor…", QMessageBox.ButtonRole.AcceptRole) if can_choose else None
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    return choose is not None and box.clickedButton() is choose


def ask_choose_editor(parent: QWidget | None, editors: list[Editor]) -> Editor | None:
    names = [editor.name for editor in editors]
    name, ok = QInputDialog.getItem(parent, "Choose another editor", "Open the project in:", names, 0, False)
    return editors[names.index(name)] if ok and name in names else None


class OpenInEditorButton(QToolButton):
    """The "Open in <Editor>" button. Its drop-down holds the other editors found, "Open folder",
    "Open terminal here", the project's own editor (kept in the portfolio) and "Re-detect editors".

    `project_path` is asked for the folder each time; when the folder is a portfolio project,
    its per-project editor is used and can be changed from the menu."""

    ready = Signal(EditorState)  # after each detection
    launched = Signal(LaunchPlan, subprocess.Popen)
    failed = Signal(EditorProblem)  # shown to the user
    folder_opened = Signal(QUrl)  # handed to the system file manager

    def __init__(
        self, project_path: PathSource, store: Store, parent: QWidget | None = None, *, host: Host | None = None
    ) -> None:
        super().__init__(parent)
        self._project_path = project_path
        self._store = store
        self._host = host  # None: this machine, read afresh at each detection
        self.state: EditorState | None = None
        self._pending: workers.WorkerSignals | None = None  # the detection whose result we wait for
        self.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.setMenu(QMenu(self))
        self.clicked.connect(self._on_clicked)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Detect editors again and re-read the settings and the project's own editor."""
        self.setEnabled(False)
        self.setText("Looking for editors…")
        self._pending = start_connected(
            load_editor_state,
            self._store,
            self._project_path(),
            self._host,
            on_finished=self._on_state,
            on_failed=self._on_detection_failed,
        )

    @Slot(object)
    def _on_state(self, state: EditorState) -> None:
        if self.sender() is not self._pending:
            return  # a newer detection is under way
        self.state = state
        preferred = state.preferred
        self.setText(f"Open in {preferred.name}" if preferred else "Open in editor…")
        self.setToolTip(preferred.name if preferred else state.problem.message if state.problem else "")
        self._build_menu(state)
        self.setEnabled(True)
        self.ready.emit(state)

    @Slot(object, str)
    def _on_detection_failed(self, err: BaseException, details: str) -> None:
        if self.sender() is self._pending:
            self.setText("Open in editor…")
            self.setEnabled(True)
            messages.report_error(self, err, details)

    def _build_menu(self, state: EditorState) -> None:
        menu = self.menu()
        menu.clear()
        preferred_id = state.preferred.id if state.preferred else None
        for editor in state.detected.editors:
            if editor.id != preferred_id:
                menu.addAction(f"Open in {editor.name}", self._opener(editor))
        menu.addSeparator()
        menu.addAction("Open folder", self.open_folder)
        terminal = menu.addAction("Open terminal here", self.open_terminal)
        terminal.setEnabled(any(t.here for t in state.detected.terminals))
        if state.project is not None:
            self._add_project_editor_menu(menu, state)
        menu.addSeparator()
        menu.addAction("Re-detect editors", self.refresh)

    def _add_project_editor_menu(self, menu: QMenu, state: EditorState) -> None:
        assert state.project is not None
        submenu = menu.addMenu("Always open this project in")
        group = QActionGroup(submenu)
        default = spec_for(state.default.editor)
        default_name = (
            "custom command" if state.default.editor == CUSTOM else default.name if default else "first found"
        )
        options: list[tuple[str | None, str]] = [(None, f"The default editor ({default_name})")]
        options += [(e.id, e.name) for e in state.detected.editors]
        if state.project.editor and state.project.editor not in {e.id for e in state.detected.editors}:
            missing = spec_for(state.project.editor)
            options.append((state.project.editor, f"{missing.name if missing else state.project.editor} (not found)"))
        for editor_id, label in options:
            action = QAction(label, group)
            action.setCheckable(True)
            action.setChecked(editor_id == (state.project.editor or None))
            action.triggered.connect(lambda _=False, i=editor_id: self.set_project_editor(i))
            submenu.addAction(action)

    def _folder(self) -> Path:
        folder = self._project_path()
        if not folder:
            raise ProjectFolderMissing("There is no project folder to open yet.", reason="no folder given")
        if not Path(folder).is_dir():
            raise ProjectFolderMissing(
                f"The project folder {folder} is missing: it was moved or deleted.",
                "Use Locate… to say where it is now, or Forget… to stop tracking it.",
                reason="folder missing",
            )
        return Path(folder)

    @Slot()
    def _on_clicked(self) -> None:
        if self.state is None:
            return
        if self.state.preferred is not None:
            self.open_with(self.state.preferred)
        elif self.state.problem is not None:
            self._show_failure(self.state.problem, failed_id=self.state.choice.editor)

    def _opener(self, editor: Editor) -> Callable[[], None]:
        def open_it() -> None:
            self.open_with(editor)

        return open_it

    def open_with(self, editor: Editor) -> None:
        """Start `editor` on the project folder now; on failure, say why and offer another."""
        state = self.state
        try:
            plan = plan_open(editor, self._folder(), state.detected.terminals if state else ())
            process = launch(plan)
        except EditorProblem as err:
            self._show_failure(err, failed_id=editor.id)
            return
        self.launched.emit(plan, process)

    def _show_failure(self, error: EditorProblem, failed_id: str | None = None) -> None:
        """Say what failed; when an editor failed (`failed_id`), offer the others."""
        self.failed.emit(error)
        others = [e for e in (self.state.detected.editors if self.state else ()) if e.id != failed_id]
        can_choose = failed_id is not None and bool(others) and not isinstance(error, ProjectFolderMissing)
        if ask_after_failure(self, error, can_choose):
            chosen = ask_choose_editor(self, others)
            if chosen is not None:
                self.open_with(chosen)

    @Slot()
    def open_folder(self) -> None:
        try:
            folder = self._folder()
            if not folder.is_dir():
                raise ProjectFolderMissing(f"The project folder {folder} does not exist.", reason="folder missing")
        except ProjectFolderMissing as err:
            self._show_failure(err)
            return
        url = QUrl.fromLocalFile(str(folder))
        if not QDesktopServices.openUrl(url):
            self._show_failure(
                EditorLaunchFailed(
                    "The file manager could not be opened.",
                    command_line=url.toString(),
                    reason="the system has no application for folders",
                )
            )
            return
        self.folder_opened.emit(url)

    @Slot()
    def open_terminal(self) -> None:
        try:
            plan = plan_terminal_here(self._folder(), self.state.detected.terminals if self.state else ())
            process = launch(plan)
        except EditorProblem as err:
            self._show_failure(err)
            return
        self.launched.emit(plan, process)

    def set_project_editor(self, editor_id: str | None) -> None:
        """Remember `editor_id` (None: the default) for this project, then show it."""
        project = self.state.project if self.state else None
        if project is None:
            return
        start_connected(
            self._store.set_editor, project.name, editor_id, on_finished=self.refresh, on_failed=self._on_save_failed
        )

    @Slot(object, str)
    def _on_save_failed(self, err: BaseException, details: str) -> None:
        messages.report_error(self, err, details)


class EditorChooser(QWidget):
    """The default editor, for a settings dialog: the editors found, "first found", or a custom
    command line; "Re-detect" looks again (a newly installed editor appears)."""

    changed = Signal()
    detected = Signal(Detected)  # after each detection

    def __init__(self, parent: QWidget | None = None, *, host: Host | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._found: Detected | None = None
        self._selected = AUTOMATIC
        self._pending: workers.WorkerSignals | None = None
        self.combo = QComboBox()
        self.combo.setObjectName("editor-choice")
        self.redetect_button = QPushButton("Re-detect")
        self.custom_command = QLineEdit()
        self.custom_command.setObjectName("custom-editor-command")
        # Short enough to show whole in a narrow dialog: what {path} means is said below it.
        self.custom_command.setPlaceholderText("e.g. kate -n {path}")
        self.custom_command.setToolTip("Your editor's command line; {path} is where the project folder goes")
        self.status = QLabel()
        self.status.setWordWrap(True)
        # Room for two lines from the start: the text changes after detection, and a dialog does
        # not grow for a wrapped label's new height by itself.
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing() + 4)
        row = QHBoxLayout()
        row.addWidget(self.combo, 1)
        row.addWidget(self.redetect_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.custom_command)
        layout.addWidget(self.status)
        self.combo.currentIndexChanged.connect(self._on_index_changed)
        self.custom_command.textChanged.connect(self.changed)
        self.redetect_button.clicked.connect(self.redetect)
        self._rebuild()
        self.redetect()

    def value(self) -> EditorChoice:
        return EditorChoice(self._selected, self.custom_command.text().strip())

    def set_value(self, choice: EditorChoice) -> None:
        self._selected = choice.editor
        with QSignalBlocker(self.custom_command):
            self.custom_command.setText(choice.custom_command)
        self._rebuild()

    @Slot()
    def redetect(self) -> None:
        self.redetect_button.setEnabled(False)
        self.status.setText("Looking for editors…")
        self._pending = start_connected(
            detect, self._host, on_finished=self._on_detected, on_failed=self._on_detection_failed
        )

    @Slot(object)
    def _on_detected(self, found: Detected) -> None:
        if self.sender() is not self._pending:
            return
        self._found = found
        self.redetect_button.setEnabled(True)
        self._rebuild()
        self.detected.emit(found)

    @Slot(object, str)
    def _on_detection_failed(self, err: BaseException, details: str) -> None:
        if self.sender() is self._pending:
            self.redetect_button.setEnabled(True)
            self.status.setText("")
            messages.report_error(self, err, details)

    def _items(self) -> list[tuple[str, str]]:
        editors = self._found.editors if self._found else ()
        first = f"First found ({editors[0].name})" if editors else "First found"
        items = [(AUTOMATIC, first)]
        items += [(e.id, f"{e.name} — {' '.join(e.command)}") for e in editors]
        if self._selected not in {AUTOMATIC, CUSTOM, *(e.id for e in editors)}:
            spec = spec_for(self._selected)
            missing = "looking…" if self._found is None else "not found"
            items.append((self._selected, f"{spec.name if spec else self._selected} ({missing})"))
        items.append((CUSTOM, "Custom command…"))
        return items

    def _rebuild(self) -> None:
        with QSignalBlocker(self.combo):
            self.combo.clear()
            for editor_id, label in self._items():
                self.combo.addItem(label, editor_id)
            self.combo.setCurrentIndex(max(0, self.combo.findData(self._selected)))
        self._show_selection()

    def _on_index_changed(self, index: int) -> None:
        self._selected = str(self.combo.itemData(index))
        self._show_selection()
        self.changed.emit()

    def _show_selection(self) -> None:
        custom = self._selected == CUSTOM
        self.custom_command.setEnabled(custom)
        if self._found is None:
            return
        if custom:
            self.status.setText("{path} is replaced by the project folder, as one argument; no shell is involved.")
        elif self._found.get(self._selected) is None and self._selected != AUTOMATIC:
            self.status.setText("This editor was not found. Install it and press Re-detect, or choose another.")
        else:
            count = len(self._found.editors)
            self.status.setText(f"{count} editor{'s' if count != 1 else ''} found.")

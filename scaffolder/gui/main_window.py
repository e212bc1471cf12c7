"""The main window: dashboard and project pages, menus and toolbar; it turns the pages'
intents into calls on the core (through workers when they may be slow)."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QStyle, QToolBar, QWidget

from scaffolder.core.catalogue import TemplateInfo, bundled_templates
from scaffolder.core.errors import UserError
from scaffolder.core.git import Identity, configured_identity
from scaffolder.core.settings import Settings, load_settings, save_settings, suggested_settings
from scaffolder.core.store import Project, Store
from scaffolder.gui import messages, theme, workers
from scaffolder.gui.dashboard import SLOT_TITLE, DashboardPage, DashboardScroll
from scaffolder.gui.portfolio_state import PortfolioState

# Imported when first used, not at start: the dashboard paints first (benchmarks/bench_startup.py).
if TYPE_CHECKING:
    from scaffolder.gui.project_page import ProjectPage
    from scaffolder.gui.welcome_dialog import WelcomeDialog
    from scaffolder.gui.wizard import NewProjectWizard

START_WORK_AT_THE_LATEST_MS = 300  # if the first paint never comes (a hidden window), start anyway


class FirstPaint(QObject):
    """Calls `then` once, at `widget`'s first paint (or after START_WORK_AT_THE_LATEST_MS): the
    background work that fills the cards competes with painting for the interpreter, so it waits."""

    def __init__(self, widget: QWidget, then: Any) -> None:
        super().__init__(widget)
        self.widget, self.then, self.done = widget, then, False
        widget.installEventFilter(self)
        QTimer.singleShot(START_WORK_AT_THE_LATEST_MS, self.fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self.fire)  # after this paint has reached the screen
        return False

    def fire(self) -> None:
        if not self.done:
            self.done = True
            self.widget.removeEventFilter(self)
            self.then()


def git_knows_identity() -> bool:
    try:
        return configured_identity() is not None
    except UserError:  # no git at all: generation will say so, with what to install
        return False


def first_run_check(store: Store) -> tuple[bool, Settings | None]:
    """Runs on a worker at start: (git knows an identity, the welcome step's prefill or None)."""
    settings = load_settings(store)
    git_known = git_knows_identity()
    if settings.identity is None and not git_known:
        return git_known, suggested_settings(settings)
    return git_known, None


class MainWindow(QMainWindow):
    welcome_shown = Signal(object)  # WelcomeDialog
    first_run_checked = Signal()
    first_painted = Signal()  # the dashboard has been painted once: background work starts

    def __init__(
        self, store: Store, templates: list[TemplateInfo] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("AI Portfolio Scaffolder")
        self.setWindowIcon(theme.app_icon())
        self.store = store
        self.templates = templates if templates is not None else bundled_templates()
        self.state = PortfolioState(store, self)
        # The projects are known before the dashboard is built, so that its cards are built filled
        # (or empty) once; start() reads the store again when the window is up.
        self.state.reload(background=False)
        self.wizard: NewProjectWizard | None = None
        self.welcome: WelcomeDialog | None = None
        self._project_page: ProjectPage | None = None
        self.git_identity_known: bool | None = None  # None: not asked yet

        self.dashboard = DashboardPage(self.state, self.templates)
        scroll = DashboardScroll(self.dashboard)
        self.pages = QStackedWidget()
        self.pages.addWidget(scroll)
        self.setCentralWidget(self.pages)
        self._build_actions()

        self.dashboard.generate_requested.connect(self.new_project)
        self.dashboard.open_requested.connect(self.open_project)
        self.dashboard.locate_requested.connect(self.locate_project)
        self.dashboard.forget_requested.connect(self.forget_project)
        self.statusBar().showMessage("Loading the portfolio…", 3000)
        self.resize(1024, 700)

    @property
    def project_page(self) -> ProjectPage:
        """Built on first use: its readiness view and editor detection are not needed to start."""
        if self._project_page is None:
            from scaffolder.gui.project_page import ProjectPage

            page = ProjectPage(self.state)
            page.back_requested.connect(self.show_dashboard)
            page.forget_requested.connect(self.forget_project)
            page.locate_requested.connect(self.locate_project)
            page.open_in_editor.launched.connect(self._on_launched)
            self.pages.addWidget(page)
            self._project_page = page
        return self._project_page

    def _build_actions(self) -> None:
        icon = theme.standard_icon
        px = QStyle.StandardPixmap
        self.new_action = QAction(icon(px.SP_FileDialogNewFolder), "&New Project…", self)
        self.new_action.setToolTip("Generate a project from a template (Ctrl+N)")
        self.new_action.triggered.connect(lambda: self.new_project(""))
        self.import_action = QAction(icon(px.SP_DialogOpenButton), "&Import…", self)
        self.import_action.setToolTip("Track an existing git repository (Ctrl+I)")
        self.import_action.triggered.connect(self.import_repository)
        self.settings_action = QAction(icon(px.SP_FileDialogDetailedView), "&Settings…", self)
        self.settings_action.triggered.connect(self.edit_settings)
        self.refresh_action = QAction(icon(px.SP_BrowserReload), "&Refresh", self)
        self.refresh_action.triggered.connect(self.state.reload)
        self.export_action = QAction(icon(px.SP_DialogSaveButton), "&Export Portfolio…", self)
        self.export_action.setToolTip("The portfolio as a GitHub profile README, résumé bullets or JSON")
        self.export_action.triggered.connect(self.export_portfolio)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.triggered.connect(self.close)
        self.about_action = QAction(theme.app_icon(), "&About AI Portfolio Scaffolder", self)
        self.about_action.triggered.connect(self.show_about)
        file_menu = self.menuBar().addMenu("&File")
        for action in (self.new_action, self.import_action, self.export_action, self.settings_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.refresh_action)
        self.menuBar().addMenu("&Help").addAction(self.about_action)
        toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.new_action, self.import_action, self.settings_action, self.refresh_action):
            toolbar.addAction(action)
        self.addToolBar(toolbar)

    def _set_shortcuts(self) -> None:
        """After the first paint: nobody presses a key before it, and QKeySequence's Python
        enums (its standard keys) cost start-up time (benchmarks/bench_startup.py)."""
        from PySide6.QtGui import QKeySequence

        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)

    def export_portfolio(self) -> None:
        from scaffolder.gui.show_dialogs import ExportDialog

        ExportDialog(self.store, self).open()

    def show_about(self) -> None:
        from scaffolder.gui.about import show_about

        show_about(self)

    def start(self) -> None:
        """Name the projects now (one store read, again: the caller may have changed the store since
        the window was built) and start the readiness check's child process; once that is painted,
        fill in git summaries (a worker) and set the shortcuts. On a first start where nobody knows
        who the user is, the welcome step opens."""
        self.state.reload(background=False)
        # The check's child process works on another core while this one paints: it takes the
        # app no time from the paint, and the cards fill sooner.
        self.state.check_readiness()
        self._first_paint = FirstPaint(self.dashboard, self._start_background_work)
        if self.store.notices:  # the portfolio was restored from its backup: say so, where it stays seen
            self.statusBar().showMessage("  ".join(self.store.notices))

    def _start_background_work(self) -> None:
        self._set_shortcuts()
        self.first_painted.emit()
        self.state.summarize_in_background()
        worker = workers.run_in_background(first_run_check, self.store)
        worker.signals.finished.connect(self._on_first_run_checked)

    @Slot(object)
    def _on_first_run_checked(self, facts: tuple[bool, Settings | None]) -> None:
        self.git_identity_known, suggested = facts
        if suggested is not None:
            self.show_welcome(suggested)
        self.first_run_checked.emit()

    def show_welcome(self, suggested: Settings) -> WelcomeDialog:
        from scaffolder.gui.welcome_dialog import WelcomeDialog

        dialog = WelcomeDialog(suggested, self)
        dialog.accepted.connect(lambda: self._on_welcome_accepted(dialog))
        self.welcome = dialog
        dialog.open()
        self.welcome_shown.emit(dialog)
        return dialog

    def _on_welcome_accepted(self, dialog: WelcomeDialog) -> None:
        save_settings(self.store, dialog.values())
        self.statusBar().showMessage("Saved: new projects start with your name and e-mail.", 5000)
        if dialog.write_git_config.isChecked():
            self._write_git_identity(dialog.identity())

    def _write_git_identity(self, identity: Identity) -> workers.FunctionWorker:
        from scaffolder.core.settings import write_git_global_identity

        worker = workers.run_in_background(write_git_global_identity, identity)
        worker.signals.finished.connect(self._on_git_identity_written)
        worker.signals.failed.connect(lambda err, details: messages.report_error(self, err, details))
        return worker

    @Slot(object)
    def _on_git_identity_written(self, _result: object) -> None:
        self.git_identity_known = True
        self.statusBar().showMessage("Saved your name and e-mail in git's global config too.", 5000)

    # --- intents --------------------------------------------------------------------------

    @Slot(str)
    def new_project(self, kind: str = "") -> NewProjectWizard:
        from scaffolder.gui.wizard import NewProjectWizard

        settings = load_settings(self.store)
        if self.git_identity_known is None:
            self.git_identity_known = git_knows_identity()
        wizard = NewProjectWizard(
            self.store,
            settings,
            self.templates,
            kind or None,
            self,
            identity_known=settings.identity is not None or self.git_identity_known,
            taken_names=[p.name for p in self.state.projects],
        )
        wizard.project_created.connect(self._on_project_created)
        wizard.show_in_portfolio.connect(self._show_created)
        wizard.open_in_editor.launched.connect(self._on_launched)
        self.wizard = wizard
        wizard.open()
        return wizard

    @Slot(object)
    def _on_project_created(self, result: Any) -> None:
        project = result.project
        holder = self.state.slot_project(project.kind)
        if holder is not None and holder.id != project.id and project.kind in SLOT_TITLE:
            slot = SLOT_TITLE[project.kind]
            if messages.ask_confirm(
                self.wizard or self,
                "Which project is your " + slot + "?",
                f"{holder.name} is your {slot} now. Should {project.name} take its place on the dashboard?\n"
                f"The other one stays in the portfolio, under Other projects.",
                "Use the new one",
            ):
                self.state.choose_slot(project.kind, project.id)
                return
        self.state.reload()

    def _show_created(self, project_id: int) -> None:
        self.state.reload()
        self.open_project(project_id)

    @Slot(object, object)
    def _on_launched(self, plan: Any, process: subprocess.Popen[bytes]) -> None:
        from scaffolder.gui.open_in_editor import reap_later

        reap_later(process)
        self.statusBar().showMessage(f"Opened {plan.cwd.name} in {plan.what}.", 5000)

    @Slot(int)
    def open_project(self, project_id: int) -> None:
        project = self.state.project(project_id)
        if project is None:
            return
        self.project_page.show_project(project)
        self.pages.setCurrentWidget(self.project_page)

    @Slot()
    def show_dashboard(self) -> None:
        self.pages.setCurrentIndex(0)

    @Slot(int)
    def forget_project(self, project_id: int) -> None:
        project = self.state.project(project_id)
        if project is None:
            return
        if messages.ask_confirm(
            self,
            "Forget project",
            f"Remove {project.name} from the portfolio?\nIts files at {project.path} are not touched.",
            "Forget",
        ):
            self.state.forget(project_id)
            self.show_dashboard()

    @Slot(int)
    def locate_project(self, project_id: int) -> None:
        project = self.state.project(project_id)
        if project is None:
            return
        chosen = messages.ask_directory(self, f"Where is {project.name} now?", project.path.parent)
        if chosen is not None:
            try:
                self.state.relocate(project_id, chosen)
            except Exception as err:
                messages.report_error(self, err)

    @Slot()
    def import_repository(self) -> None:
        from scaffolder.core.portfolio import import_project

        chosen = messages.ask_directory(self, "Import a git repository")
        if chosen is None:
            return
        worker = workers.run_in_background(import_project, self.store, chosen)
        worker.signals.finished.connect(self._on_imported)
        worker.signals.failed.connect(lambda err, details: messages.report_error(self, err, details))

    @Slot(object)
    def _on_imported(self, project: Project) -> None:
        self.state.reload()
        self.statusBar().showMessage(f"Added {project.name}", 5000)

    @Slot()
    def edit_settings(self) -> None:
        from scaffolder.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(load_settings(self.store), self)
        if dialog.exec():
            save_settings(self.store, dialog.values())

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.wizard is not None and self.wizard.generate_page.running:
            self.wizard.reject()
        workers.cancel_all()  # whatever still runs (an index build, a check) stops with the app, children too
        workers.wait_for_all(30000)
        super().closeEvent(event)

"""The main window: dashboard and project pages, menus and toolbar; it turns the pages'
intents into calls on the core (through workers when they may be slow)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QScrollArea, QStackedWidget, QToolBar, QWidget

from scaffolder import __version__
from scaffolder.core.catalogue import TemplateInfo, bundled_templates
from scaffolder.core.portfolio import import_project
from scaffolder.core.settings import load_settings, save_settings
from scaffolder.core.store import Store
from scaffolder.gui import messages, workers
from scaffolder.gui.dashboard import DashboardPage
from scaffolder.gui.portfolio_state import PortfolioState
from scaffolder.gui.project_page import ProjectPage
from scaffolder.gui.settings_dialog import SettingsDialog
from scaffolder.gui.wizard import NewProjectWizard


class MainWindow(QMainWindow):
    def __init__(
        self, store: Store, templates: list[TemplateInfo] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("AI Portfolio Scaffolder")
        self.store = store
        self.templates = templates if templates is not None else bundled_templates()
        self.state = PortfolioState(store, self)
        self.wizard: NewProjectWizard | None = None

        self.dashboard = DashboardPage(self.state, self.templates)
        self.project_page = ProjectPage(self.state)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.dashboard)
        self.pages = QStackedWidget()
        self.pages.addWidget(scroll)
        self.pages.addWidget(self.project_page)
        self.setCentralWidget(self.pages)
        self._build_actions()

        self.dashboard.generate_requested.connect(self.new_project)
        self.dashboard.open_requested.connect(self.open_project)
        self.dashboard.locate_requested.connect(self.locate_project)
        self.dashboard.forget_requested.connect(self.forget_project)
        self.project_page.back_requested.connect(self.show_dashboard)
        self.project_page.forget_requested.connect(self.forget_project)
        self.project_page.locate_requested.connect(self.locate_project)
        self.statusBar().showMessage("Loading the portfolio…", 3000)
        self.resize(1024, 700)

    def _build_actions(self) -> None:
        self.new_action = QAction("&New Project…", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(lambda: self.new_project(""))
        self.import_action = QAction("&Import…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.import_repository)
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.edit_settings)
        self.refresh_action = QAction("&Refresh", self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.state.reload)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        about = QAction("&About", self)
        about.triggered.connect(
            lambda: QMessageBox.about(
                self, "About", f"AI Portfolio Scaffolder {__version__}\nA portfolio of three AI projects, kept honest."
            )
        )
        file_menu = self.menuBar().addMenu("&File")
        for action in (self.new_action, self.import_action, self.settings_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.refresh_action)
        self.menuBar().addMenu("&Help").addAction(about)
        toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        for action in (self.new_action, self.import_action, self.settings_action):
            toolbar.addAction(action)
        self.addToolBar(toolbar)

    def start(self) -> None:
        """Fill the portfolio after the window is shown; git summaries arrive later."""
        self.state.reload()

    # --- intents --------------------------------------------------------------------------

    @Slot(str)
    def new_project(self, kind: str = "") -> NewProjectWizard:
        settings = load_settings(self.store)
        wizard = NewProjectWizard(self.store, settings, self.templates, kind or None, self)
        wizard.project_created.connect(lambda _result: self.state.reload())
        wizard.show_in_portfolio.connect(self._show_created)
        self.wizard = wizard
        wizard.open()
        return wizard

    def _show_created(self, project_id: int) -> None:
        self.state.reload()
        self.open_project(project_id)

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
        chosen = messages.ask_directory(self, "Import a git repository")
        if chosen is None:
            return
        worker = workers.run_in_background(import_project, self.store, chosen)
        worker.signals.finished.connect(
            lambda project: (self.state.reload(), self.statusBar().showMessage(f"Added {project.name}", 5000))
        )
        worker.signals.failed.connect(lambda err, details: messages.report_error(self, err, details))

    @Slot()
    def edit_settings(self) -> None:
        dialog = SettingsDialog(load_settings(self.store), self)
        if dialog.exec():
            save_settings(self.store, dialog.values())

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.wizard is not None and self.wizard.generate_page.running:
            self.wizard.reject()
            workers.wait_for_all(30000)
        super().closeEvent(event)

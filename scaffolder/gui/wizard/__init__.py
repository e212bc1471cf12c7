"""The New Project wizard: template → questions → location and review → generate.

The pages share one `WizardDraft` (what the user has chosen so far) and never read each other's
widgets: each writes what it asks for into the draft and reads the rest from it."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QStyle, QWidget, QWizard

from scaffolder.core.catalogue import TemplateInfo
from scaffolder.core.settings import Settings
from scaffolder.core.store import Store
from scaffolder.gui import theme
from scaffolder.gui.open_in_editor import OpenInEditorButton
from scaffolder.gui.wizard.draft import WizardDraft
from scaffolder.gui.wizard.generate_page import GeneratePage
from scaffolder.gui.wizard.location_page import LocationPage
from scaffolder.gui.wizard.questions_page import QuestionsPage
from scaffolder.gui.wizard.template_page import TemplatePage


class NewProjectWizard(QWizard):
    project_created = Signal(object)  # GenerationResult
    show_in_portfolio = Signal(int)

    def __init__(
        self,
        store: Store,
        settings: Settings,
        templates: list[TemplateInfo],
        kind: str | None = None,
        parent: QWidget | None = None,
        *,
        identity_known: bool = True,
        taken_names: Collection[str] = (),
    ) -> None:
        """`identity_known`: git or the settings know who the user is (else the template's
        placeholder author answers are refused); `taken_names`: the portfolio's project names."""
        super().__init__(parent)
        self.setWindowTitle("New Project")
        self.setObjectName("new-project-wizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self.store = store
        self.settings = settings
        self.draft = WizardDraft(
            output_dir=settings.projects_path, identity_known=identity_known, taken_names=frozenset(taken_names)
        )
        self.template_page = TemplatePage(templates, self.draft, store)
        self.questions_page = QuestionsPage(self.draft, settings)
        self.location_page = LocationPage(self.draft)
        self.generate_page = GeneratePage(self.draft, store, settings)
        for page in (self.template_page, self.questions_page, self.location_page, self.generate_page):
            self.addPage(page)
        self.open_in_editor = OpenInEditorButton(self._created_path, store)
        self.open_in_editor.setObjectName("wizard-open-in-editor")
        self.open_folder = QPushButton("Open &folder")
        self.open_folder.setObjectName("wizard-open-folder")
        self.open_folder.setIcon(theme.standard_icon(QStyle.StandardPixmap.SP_DirOpenIcon))
        self.open_folder.clicked.connect(self.open_in_editor.open_folder)
        self.generate_page.add_success_action(self.open_folder)
        self.generate_page.add_success_action(self.open_in_editor)
        self.generate_page.generation_finished.connect(lambda _result: self.open_in_editor.refresh())
        self.generate_page.generation_finished.connect(self.project_created)
        self.generate_page.show_in_portfolio.connect(self.show_in_portfolio)
        self._close_when_done = False
        self.finished.connect(lambda _code: self.location_page.discard_scans())
        self.finished.connect(lambda _code: self.generate_page.index_build.cancel())  # nothing half-built stays
        if kind:
            self.template_page.select(kind)
        self.resize(760, 600)

    def _created_path(self) -> Path | None:
        result = self.generate_page.result
        return result.project.path if result is not None else None

    def reject(self) -> None:
        """Cancel: while generating, ask the worker to stop and close once it has cleaned up."""
        if self.generate_page.running:
            self._close_when_done = True
            self.generate_page.cancel()
            return
        super().reject()

    def generation_done(self) -> None:
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

"""The New Project wizard's one shared draft: everything the user has chosen so far.

Each page writes what it asks for into the draft and reads what earlier pages decided from it;
no page reaches into another page's widgets. Plain data, no Qt: the draft can be built, read and
checked without a window, and the core's `preview` validates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from scaffolder.core.agent_data import DataReport
from scaffolder.core.catalogue import TemplateInfo
from scaffolder.core.corpus import CorpusReport
from scaffolder.core.openapi_tools import OpenApiReport
from scaffolder.core.preview import Preview, preview

PRESET_QUESTION = "product_preset"  # the full-stack template's worked presets


class DocumentsMode(Enum):
    SAMPLE = "sample"
    COPIED = "copied"
    PRIVATE = "private"


@dataclass
class WizardDraft:
    """What will be generated. `answers` are the ones the user edited (or settings prefilled);
    `full_answers` every asked question's value as the form shows it, defaults included."""

    output_dir: Path
    identity_known: bool = True
    taken_names: frozenset[str] = frozenset()
    template: TemplateInfo | None = None
    accept_hooks: bool = False  # the user agreed to run the custom template chosen now
    answers: dict[str, Any] = field(default_factory=dict)
    full_answers: dict[str, Any] = field(default_factory=dict)
    documents_mode: DocumentsMode = DocumentsMode.SAMPLE
    corpus: CorpusReport | None = None  # the rag template's scanned documents, when not the sample
    agent_data: DataReport | None = None  # the agent's SQL data, when not the sample shop
    openapi: OpenApiReport | None = None  # the agent's API, optional

    @property
    def kind(self) -> str | None:
        return self.template.kind if self.template is not None else None

    @property
    def slug(self) -> str | None:
        """The project's folder name, as the form shows it (rendered from the name until edited)."""
        value = self.full_answers.get("project_slug")
        return str(value) if value is not None else None

    @property
    def preset(self) -> str | None:
        """The full-stack preset chosen (an answer like any other, so `scaffolder update` keeps it)."""
        value = self.full_answers.get(PRESET_QUESTION)
        return str(value) if value is not None else None

    def preview(self) -> Preview | None:
        """The core's verdict on the answers and the target folder (None before a template is chosen)."""
        if self.template is None:
            return None
        return preview(
            self.template,
            self.answers,
            self.output_dir,
            identity_known=self.identity_known,
            taken_names=self.taken_names,
        )

    def documents_to_add(self) -> tuple[CorpusReport, bool] | None:
        """(the corpus, private?) to add after generating, or None for the sample or another kind."""
        if self.kind != "rag" or self.documents_mode is DocumentsMode.SAMPLE or self.corpus is None:
            return None
        return self.corpus, self.documents_mode is DocumentsMode.PRIVATE

    def agent_data_to_add(self) -> tuple[DataReport | None, OpenApiReport | None] | None:
        """(data, OpenAPI) to add after generating, or None when the agent keeps its samples."""
        if self.kind != "agent" or (self.agent_data is None and self.openapi is None):
            return None
        return self.agent_data, self.openapi

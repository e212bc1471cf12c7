"""What the app says when the core refuses: the next step is a button or a field, never a flag to
type or a `scaffolder` command, even where the same error on the command line names one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from scaffolder.core.catalogue import load_template
from scaffolder.core.errors import NameTaken
from scaffolder.core.generate import generate
from scaffolder.core.store import Project, Store
from scaffolder.gui import workers
from scaffolder.gui.update_dialog import UpdateDialog
from tests.helpers.template_versions import git, move_to_v2, template_v1

WAIT_MS = 60000


@pytest.fixture
def third_party_project(tmp_path: Path, store: Store) -> Iterator[tuple[Project, Path]]:
    template = template_v1(tmp_path / "demo-template")
    made = generate(load_template(template), {}, tmp_path / "projects", store=store, trust=True)
    git(made.project.path, "commit", "-q", "--allow-empty", "-m", "Mine")
    yield made.project, template
    workers.wait_for_all()


def test_a_changed_third_party_template_asks_to_agree_with_the_apps_button_not_a_flag(
    qtbot: QtBot, third_party_project: tuple[Project, Path], store: Store, confirm_all: list[str]
) -> None:
    project, template = third_party_project
    move_to_v2(template)  # changed since the user agreed: updating asks again

    dialog = UpdateDialog(project, store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.review_page, timeout=WAIT_MS)

    (asked,) = confirm_all
    assert "has not been agreed to" in asked
    assert asked.endswith("To agree, press Agree when asked, or tick “I have read this template and trust it”.")
    assert "--trust" not in asked and "scaffolder " not in asked


def test_a_taken_name_points_the_app_user_at_forget_on_the_page(store: Store, tmp_path: Path) -> None:
    store.add_project(
        name="Docs Q&A", kind="rag", path=tmp_path / "a", template=None, template_version=None, answers={}
    )

    with pytest.raises(NameTaken) as refused:
        store.add_project(
            name="Docs Q&A", kind="rag", path=tmp_path / "b", template=None, template_version=None, answers={}
        )

    assert refused.value.hint == "Choose another project name, or forget the old one first (press Forget… on its page)."
    assert "scaffolder forget" not in str(refused.value)

"""The Publish and Deploy dialogs, driven like a user drives them, offscreen on a real Qt event
loop: a token is pasted and kept, the project is published to the fake GitHub, the README fix is
confirmed; flyctl's output streams into the log, Stop stops it, and the URL is recorded."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from scaffolder.core.github import credentials
from scaffolder.core.readiness import Result
from scaffolder.core.store import Project, Store
from scaffolder.gui import workers
from scaffolder.gui.deploy_dialog import DeployDialog
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.publish_dialog import PublishDialog
from tests.helpers.fake_flyctl import alive, install_fake_flyctl
from tests.helpers.fake_github import FakeGitHub, commits_in
from tests.helpers.publishing import TOKEN, MemoryKeyring, files_containing, git, make_project
from tests.unit.core.deploy.test_deploy import DEPLOY_MD
from tests.unit.core.readiness.conftest import answer, http_site

WAIT_MS = 15000


@pytest.fixture
def project(store: Store, tmp_path: Path) -> Project:
    return make_project(store, tmp_path / "docs-qa")


def open_publish(qtbot: QtBot, store: Store, project: Project, github: FakeGitHub) -> PublishDialog:
    credentials.remember_api_url(store, github.api_url)
    dialog = PublishDialog(store, project)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    return dialog


def test_sign_in_publish_and_fix_the_readme_from_the_dialog(
    qtbot: QtBot,
    store: Store,
    project: Project,
    github: FakeGitHub,
    memory_keyring: MemoryKeyring,
    confirm_all: list[str],
    isolated_user: Path,
) -> None:
    dialog = open_publish(qtbot, store, project, github)
    assert dialog.account.text().startswith("Not signed in")
    assert dialog.repo_name.text() == "docs-qa"

    dialog.token.setText(TOKEN)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "ada-lovelace" in dialog.account.text() and not dialog.busy, timeout=WAIT_MS)
    assert dialog.token.text() == ""
    assert memory_keyring.passwords == {(credentials.KEYRING_SERVICE, github.api_url): TOKEN}

    dialog.private.setChecked(True)
    with qtbot.waitSignals([dialog.published, dialog.published], timeout=WAIT_MS):  # the push, then the README fix
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)

    assert github.repos["ada-lovelace/docs-qa"]["private"] is True
    assert confirm_all == [f"{dialog.result.readme_fix.summary}\n\nCommit the fix and push it?"]  # type: ignore[union-attr]
    assert "the README's links now point at it" in dialog.status.text()
    reopened = open_publish(qtbot, store, project, github)
    assert reopened.publish_button.text() == "&Push" and not reopened.repo_name.isEnabled()
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa")) == git(project.path, "rev-list", "main").split()
    assert files_containing(TOKEN, project.path, isolated_user) == []


def test_a_taken_name_is_shown_in_the_dialog(
    qtbot: QtBot, store: Store, project: Project, github: FakeGitHub, memory_keyring: MemoryKeyring
) -> None:
    credentials.store_token(github.api_url, TOKEN)
    github.create("ada-lovelace", {"name": "docs-qa"})
    dialog = open_publish(qtbot, store, project, github)
    assert "Signed in as <b>ada-lovelace</b>" in dialog.account.text()

    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and "already" in dialog.status.text(), timeout=WAIT_MS)

    assert dialog.status.text().startswith("There is already a repository named 'docs-qa'")
    assert git(project.path, "remote") == ""


@pytest.fixture
def fly_project(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    (project.path / "fly.toml").write_text('app = "docs-qa"\n', encoding="utf-8")
    (project.path / "docs").mkdir()
    (project.path / "docs" / "DEPLOY.md").write_text(DEPLOY_MD, encoding="utf-8")
    install_fake_flyctl(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_FLYCTL_RECORD", str(tmp_path / "argv"))
    monkeypatch.setenv("FAKE_FLYCTL_PIDS", str(tmp_path / "pids"))
    return project


def test_deploy_streams_the_log_and_records_the_url(
    qtbot: QtBot, store: Store, fly_project: Project, confirm_all: list[str]
) -> None:
    dialog = DeployDialog(store, fly_project)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.sentence.text().startswith("Runs flyctl deploy --remote-only in ")

    with qtbot.waitSignal(dialog.live_url_recorded, timeout=WAIT_MS) as recorded:
        qtbot.mouseClick(dialog.deploy_button, Qt.MouseButton.LeftButton)

    assert recorded.args == ["https://docs-qa.fly.dev"]
    assert dialog.log.toPlainText().endswith("Visit your newly deployed app at https://docs-qa.fly.dev/")
    assert confirm_all == ["Record https://docs-qa.fly.dev as the live URL of Docs Q&A?"]
    assert store.get(fly_project.name).live_url == "https://docs-qa.fly.dev"
    workers.wait_for_all()


def test_stop_ends_flyctl_and_its_children(
    qtbot: QtBot, store: Store, fly_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_FLYCTL_MODE", "hang")
    dialog = DeployDialog(store, fly_project)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.deploy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "==> Building image" in dialog.log.toPlainText(), timeout=WAIT_MS)
    assert dialog.cancel_button.isEnabled()

    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=WAIT_MS)

    assert dialog.status.text() == "Deploying with flyctl was cancelled and stopped."
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if alive(pid)] == []


def test_without_flyctl_the_dialog_says_how_to_install_it_and_shows_the_steps(
    qtbot: QtBot, store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project.path / "fly.toml").write_text('app = "docs-qa"\n', encoding="utf-8")
    (project.path / "docs").mkdir()
    (project.path / "docs" / "DEPLOY.md").write_text(DEPLOY_MD, encoding="utf-8")
    monkeypatch.setenv("PATH", "/nonexistent")
    dialog = DeployDialog(store, project)
    qtbot.addWidget(dialog)

    assert dialog.sentence.text().startswith("flyctl is not on PATH. Install flyctl")
    assert "fly launch --no-deploy --copy-config" in dialog.steps.toPlainText()
    assert dialog.deploy_button.isHidden()


def test_the_project_page_offers_publish_and_deploy(
    window: MainWindow, qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    project = make_project(store, tmp_path / "page-project", name="Page Project")
    window.state.reload()
    window.open_project(project.id)
    page = window.project_page
    assert page.publish.isVisible() and page.deploy.isVisible()

    qtbot.mouseClick(page.deploy, Qt.MouseButton.LeftButton)
    assert isinstance(page.dialog, DeployDialog) and page.dialog.isVisible()
    assert "has no deploy config" in page.dialog.sentence.text()
    page.dialog.close()
    qtbot.mouseClick(page.publish, Qt.MouseButton.LeftButton)
    assert isinstance(page.dialog, PublishDialog) and page.dialog.isVisible()
    page.dialog.close()
    workers.wait_for_all()


def test_a_deploy_from_the_project_page_records_the_url_and_the_page_probes_it(
    window: MainWindow,
    qtbot: QtBot,
    store: Store,
    fly_project: Project,
    confirm_all: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.state.reload()
    window.open_project(fly_project.id)
    page = window.project_page
    with http_site(lambda request: answer(request, 200)) as app_url:
        monkeypatch.setenv("FAKE_FLYCTL_APP_URL", app_url)
        qtbot.mouseClick(page.deploy, Qt.MouseButton.LeftButton)
        dialog = page.dialog
        assert isinstance(dialog, DeployDialog)
        qtbot.mouseClick(dialog.deploy_button, Qt.MouseButton.LeftButton)
        live_url = app_url.rstrip("/")
        qtbot.waitUntil(
            lambda: page.readiness is not None and page.readiness.live_url.text() == live_url, timeout=WAIT_MS
        )
        qtbot.waitUntil(
            lambda: (
                page.readiness is not None
                and page.readiness.report is not None
                and page.readiness.report.result("live-url-answers").result is Result.PASSED
            ),
            timeout=WAIT_MS,
        )
    dialog.close()
    workers.wait_for_all()

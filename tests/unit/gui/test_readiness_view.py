"""The readiness view of one project, driven like a user drives it: it checks on its own,
re-checks when files change on disk, and records ticks and URLs through workers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from scaffolder.core.readiness import Checklist, Level, Report, Result
from scaffolder.core.store import Store
from scaffolder.gui import workers
from scaffolder.gui.level_badge import LevelBadge
from scaffolder.gui.models.checklist_model import ChecklistModel
from scaffolder.gui.readiness_view import ReadinessView
from tests.unit.core.readiness.conftest import COMPLETE_PROJECT, GOOD_README, Repo, answer, http_site, make_repo

DEBOUNCE_MS = 200
WAIT_MS = 10000


@pytest.fixture
def project(tmp_path: Path, store: Store) -> Repo:
    return make_repo(tmp_path, store).write_all(COMPLETE_PROJECT).commit("Initial commit")


@pytest.fixture
def open_view(qtbot: QtBot, store: Store) -> Iterator[Callable[[Repo], ReadinessView]]:
    """Open the view of a project and wait for its first report, as the project page does."""

    def open_(repo: Repo) -> ReadinessView:
        view = ReadinessView(store, store.get(repo.name).id, debounce_ms=DEBOUNCE_MS, probe_on_start=False)
        qtbot.addWidget(view)
        with qtbot.waitSignal(view.report_changed, timeout=WAIT_MS):
            pass  # the first check runs on a worker; its report arrives through the event loop
        return view

    yield open_
    workers.wait_for_all()


def rows(view: ReadinessView, checklist: Checklist) -> dict[str, int]:
    model = view.models[checklist]
    return {model.data(model.index(row, 0), ChecklistModel.CHECK_ID_ROLE): row for row in range(model.rowCount())}


def result_is(check_id: str, result: Result) -> Callable[[Report], bool]:
    return lambda report: report.result(check_id).result is result


def test_the_view_shows_the_level_the_score_the_next_checks_and_each_checklist(
    project: Repo, open_view: Callable[[Repo], ReadinessView]
) -> None:
    view = open_view(project)
    report = view.report
    assert report is not None and report.level is Level.SHAREABLE
    assert view.badge.label.text() == "Shareable"
    assert view.badge.bar.value() == report.score
    assert view.next_label.text().startswith(
        "Next: 1. The live URL is linked in the README  ·  2. Pushed to a git remote"
    )
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "README (8/9)",
        "Deployment (6/8)",
        "Write-up (2/5)",
        "Git history (0/1)",
    ]
    readme = view.models[Checklist.README]
    row = rows(view, Checklist.README)["readme-live-url"]
    assert readme.data(readme.index(row, 0)) == "The live URL is linked in the README"
    assert readme.data(readme.index(row, 1)) == "no live URL recorded for this project"
    assert readme.data(readme.index(row, 2)) == (
        "Deploy it, record the URL (type it in the Live URL field) and link it in the README."
    )
    fixes = [m.data(m.index(r, 2)) for m in view.models.values() for r in range(m.rowCount())]
    assert not [fix for fix in fixes if fix and "scaffolder " in fix], "the app names its own fields, not commands"
    assert "Why it matters: A link that opens a working app" in readme.data(
        readme.index(row, 0), Qt.ItemDataRole.ToolTipRole
    )


def test_the_checklist_model_passes_qt_model_checks(
    project: Repo, open_view: Callable[[Repo], ReadinessView], qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    view = open_view(project)
    for model in view.models.values():
        qtmodeltester.check(model)


def test_a_readme_edit_on_disk_flips_its_check_without_pressing_anything(
    project: Repo, open_view: Callable[[Repo], ReadinessView], qtbot: QtBot
) -> None:
    view = open_view(project)
    assert view.report is not None and view.report.result("readme-usage").result is Result.PASSED

    with qtbot.waitSignal(
        view.report_changed, timeout=WAIT_MS, check_params_cb=result_is("readme-usage", Result.FAILED)
    ):
        (project.path / "README.md").write_text(GOOD_README.replace("## Usage", "## Notes"), encoding="utf-8")
    model = view.models[Checklist.README]
    row = rows(view, Checklist.README)["readme-usage"]
    assert model.data(model.index(row, 1)) == "README.md has no Usage / Examples heading"

    with qtbot.waitSignal(
        view.report_changed, timeout=WAIT_MS, check_params_cb=result_is("readme-usage", Result.PASSED)
    ):
        (project.path / "README.md").write_text(GOOD_README, encoding="utf-8")


def test_a_new_commit_is_seen_without_pressing_anything(
    project: Repo, open_view: Callable[[Repo], ReadinessView], qtbot: QtBot
) -> None:
    view = open_view(project)

    def two_commits(report: Report) -> bool:
        return report.result("git-iteration").evidence.startswith("2 commits")

    with qtbot.waitSignal(view.report_changed, timeout=WAIT_MS, check_params_cb=two_commits):
        project.write("CHANGELOG.md", "- first fix\n").commit("Fix the first bug")


def test_checking_does_not_wake_its_own_watcher(
    project: Repo, open_view: Callable[[Repo], ReadinessView], qtbot: QtBot
) -> None:
    """Reading git must not write to .git, or every check would schedule the next one."""
    view = open_view(project)
    with qtbot.assertNotEmitted(view.report_changed, wait=DEBOUNCE_MS * 5):
        pass


def test_ticking_a_manual_check_box_records_it_and_an_evidence_url(
    project: Repo, store: Store, open_view: Callable[[Repo], ReadinessView], qtbot: QtBot
) -> None:
    view = open_view(project)
    model = view.models[Checklist.WRITEUP]
    row = rows(view, Checklist.WRITEUP)["writeup-shared"]
    assert model.data(model.index(row, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked

    with qtbot.waitSignal(
        view.report_changed, timeout=WAIT_MS, check_params_cb=result_is("writeup-shared", Result.PASSED)
    ):
        model.setData(model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert "writeup-shared" in store.get(project.name).manual_checks
    assert model.data(model.index(row, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked

    post = "https://www.linkedin.com/posts/ada-1"

    def with_post(report: Report) -> bool:
        return report.result("writeup-shared").evidence.endswith(post)

    with qtbot.waitSignal(view.report_changed, timeout=WAIT_MS, check_params_cb=with_post):
        model.setData(model.index(row, 1), post, Qt.ItemDataRole.EditRole)
    assert model.data(model.index(row, 1), Qt.ItemDataRole.EditRole) == post

    model.setData(model.index(row, 1), "not a url", Qt.ItemDataRole.EditRole)
    assert view.url_error.isVisibleTo(view)
    assert "is not an http or https URL" in view.url_error.text()
    assert store.get(project.name).manual_checks["writeup-shared"].evidence_url == post

    with qtbot.waitSignal(
        view.report_changed, timeout=WAIT_MS, check_params_cb=result_is("writeup-shared", Result.NOT_CHECKED)
    ):
        model.setData(model.index(row, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert "writeup-shared" not in store.get(project.name).manual_checks


@pytest.fixture
def live_site() -> Iterator[str]:
    with http_site(lambda request: answer(request, 204)) as url:
        yield url


def test_the_live_url_field_validates_saves_and_probes(
    project: Repo, store: Store, open_view: Callable[[Repo], ReadinessView], qtbot: QtBot, live_site: str
) -> None:
    view = open_view(project)
    view.live_url.setText("ftp://docs-qa.example.org")
    view.live_url.editingFinished.emit()
    assert view.url_error.isVisibleTo(view)
    assert "is not an http or https URL" in view.url_error.text()
    assert store.get(project.name).live_url is None

    view.live_url.setText(live_site)
    with qtbot.waitSignal(
        view.report_changed, timeout=WAIT_MS, check_params_cb=result_is("live-url-answers", Result.PASSED)
    ):
        view.live_url.editingFinished.emit()
    assert not view.url_error.isVisibleTo(view)
    assert store.get(project.name).live_url == live_site
    assert view.report is not None
    assert view.report.result("live-url-answers").evidence.startswith(f"{live_site} answered HTTP 204 in ")


def test_the_recheck_button_probes_the_urls(
    project: Repo, store: Store, open_view: Callable[[Repo], ReadinessView], qtbot: QtBot, live_site: str
) -> None:
    store.set_live_url(project.name, live_site)
    view = open_view(project)  # opened without probing: the URL is recorded but not probed yet
    assert view.report is not None and view.report.result("live-url-answers").result is Result.NOT_CHECKED
    with qtbot.waitSignal(
        view.report_changed, timeout=WAIT_MS, check_params_cb=result_is("live-url-answers", Result.PASSED)
    ):
        qtbot.mouseClick(view.recheck_button, Qt.MouseButton.LeftButton)
    assert view.live_url.text() == live_site


def test_the_level_badge_for_dashboard_slots(qtbot: QtBot) -> None:
    badge = LevelBadge()
    qtbot.addWidget(badge)
    assert (badge.label.text(), badge.bar.value()) == ("Not checked yet", 0)
    badge.set_level(Level.DEPLOYED, 72)
    assert (badge.label.text(), badge.bar.value()) == ("Deployed", 72)

"""Rendering in a child process (the GUI's way) gives the same project, and its failures say more."""

from __future__ import annotations

import threading
from pathlib import Path

import git
import pytest

from scaffolder.core.catalogue import load_template
from scaffolder.core.errors import Cancelled, TemplateError
from scaffolder.core.generate import Progress, generate
from scaffolder.core.store import Store
from tests.helpers.template_tree import PROJECT_DIR, minimal_template


def test_an_isolated_render_gives_the_same_committed_project(tmp_path: Path) -> None:
    template = load_template(minimal_template(tmp_path / "tpl"))
    seen: list[Progress] = []
    isolated = generate(
        template,
        {"project_name": "Twin A"},
        tmp_path / "out",
        store=Store(),
        isolate=True,
        progress=seen.append,
        trust=True,
    )
    in_process = generate(template, {"project_name": "Twin B"}, tmp_path / "out", store=Store(), trust=True)
    for result in (isolated, in_process):
        repo = git.Repo(result.project.path)
        assert repo.active_branch.name == "main" and not repo.is_dirty(untracked_files=True)
        repo.close()
    files_a = sorted(
        p.relative_to(isolated.project.path).as_posix()
        for p in isolated.project.path.rglob("*")
        if ".git" not in p.parts
    )
    files_b = sorted(
        p.relative_to(in_process.project.path).as_posix()
        for p in in_process.project.path.rglob("*")
        if ".git" not in p.parts
    )
    assert files_a == files_b
    assert (isolated.project.path / "src" / "app.py").read_text(encoding="utf-8") == 'NAME = "twin-a"\n'
    assert [p.phase for p in seen][:1] == ["render"] and seen[-1].phase == "done"


def test_a_failing_hook_says_why_in_the_users_words_and_leaves_nothing(tmp_path: Path) -> None:
    hook = "import sys\nprint('checking the answers...')\nsys.exit('ERROR: project_slug must not start with a digit')\n"
    template = load_template(minimal_template(tmp_path / "tpl", files={"hooks/pre_gen_project.py": hook}))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(TemplateError) as raised:
        generate(template, {}, out, store=Store(), accept_hooks=True, isolate=True)
    # The hook's own words come first, in order; cookiecutter's traceback is not shown at all.
    assert raised.value.message == "checking the answers...\nERROR: project_slug must not start with a digit"
    assert "pre_gen_project.py" in raised.value.hint and "exit code 1" in raised.value.hint
    assert "Traceback" not in str(raised.value)
    assert list(out.iterdir()) == []
    assert Store().projects() == []


def test_cancelling_kills_the_child_and_leaves_nothing(tmp_path: Path) -> None:
    hook = "import time\ntime.sleep(30)\n"
    files = {"hooks/pre_gen_project.py": hook, f"{PROJECT_DIR}/x.txt": "x"}
    template = load_template(minimal_template(tmp_path / "tpl", files=files))
    out = tmp_path / "out"
    out.mkdir()
    cancel = threading.Event()
    timer = threading.Timer(0.5, cancel.set)
    timer.start()
    with pytest.raises(Cancelled):
        generate(template, {}, out, store=Store(), accept_hooks=True, isolate=True, cancel=cancel)
    timer.cancel()
    assert list(out.iterdir()) == []
    assert Store().projects() == []

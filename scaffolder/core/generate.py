"""Generate a project: plan (every check that can refuse), render, commit, move into place.

Nothing is half-written: cookiecutter renders into a staging folder beside the target (same
filesystem), git commits there, and one rename puts the finished repository in place inside
the store transaction that registers it. Any failure, Ctrl-C included, removes the staging
folder and rolls the row back.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder import __version__
from scaffolder.core import git
from scaffolder.core.answer_rules import check_answers
from scaffolder.core.catalogue import TemplateInfo, answers_only, resolve_answers
from scaffolder.core.deferred_import import deferred_import
from scaffolder.core.errors import (
    Cancelled,
    HooksNotApproved,
    TargetExists,
    TemplateError,
    UserError,
)
from scaffolder.core.names import check_folder_name
from scaffolder.core.store import Project, Store

ANSWERS_FILE = ".cookiecutter.json"
# cookiecutter changes the process's working directory while it renders: one render at a time.
_RENDER_LOCK = threading.Lock()


@dataclass(frozen=True)
class Progress:
    phase: str  # "render" | "git" | "register" | "done"
    done: int
    total: int
    message: str

    @property
    def fraction(self) -> float:
        """Overall progress 0..1: rendering is most of the work, then git, then the store."""
        share = self.done / self.total if self.total else 1.0
        start, width = {"render": (0.0, 0.8), "git": (0.8, 0.15), "register": (0.95, 0.05), "done": (1.0, 0.0)}[
            self.phase
        ]
        return min(1.0, start + width * share)


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class GenerationPlan:
    template: TemplateInfo
    context: dict[str, Any]
    answers: dict[str, Any]
    output_dir: Path
    folder_name: str
    project_name: str
    identity: git.Identity | None
    run_hooks: bool
    total_files: int
    # The user's answers as cookiecutter's extra_context takes them (see catalogue.resolve_answers).
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> Path:
        return self.output_dir / self.folder_name


@dataclass(frozen=True)
class GenerationResult:
    project: Project
    commit: str


def _project_dir_template(template: TemplateInfo) -> Path:
    candidates = [p for p in template.path.iterdir() if p.is_dir() and "cookiecutter" in p.name and "{{" in p.name]
    if len(candidates) != 1:
        raise TemplateError(
            f"The template {template.path} must have exactly one folder named with {{{{cookiecutter.…}}}}; found {len(candidates)}."
        )
    return candidates[0]


def render_folder_name(template: TemplateInfo, context: dict[str, Any]) -> str:
    from cookiecutter.environment import StrictEnvironment
    from jinja2 import TemplateError as JinjaError

    env = StrictEnvironment(context={"cookiecutter": template.raw_context})
    try:
        return str(env.from_string(_project_dir_template(template).name).render(cookiecutter=context))
    except JinjaError as err:
        raise TemplateError(f"The template's folder name cannot be rendered: {err}.") from err


def _fallback_identity(
    context: dict[str, Any], fallback: git.Identity | None, template: TemplateInfo
) -> git.Identity | None:
    """The app's settings first, then the template's author answers if the user changed them."""
    if fallback is not None:
        return fallback
    name, email = str(context.get("author_name", "")), str(context.get("author_email", ""))
    defaults = (template.raw_context.get("author_name"), template.raw_context.get("author_email"))
    if name and "@" in email and (name, email) != defaults:
        return git.Identity(name, email)
    return None


def plan_generation(
    template: TemplateInfo,
    answers: dict[str, Any],
    output_dir: Path,
    *,
    store: Store | None = None,
    accept_hooks: bool = False,
    fallback_identity: git.Identity | None = None,
) -> GenerationPlan:
    """Every check that can refuse, before anything is written. Raises UserError subclasses."""
    git.git_executable()
    context, overrides = resolve_answers(template, answers)
    folder = check_folder_name(render_folder_name(template, context))
    check_answers(context)
    output_dir = Path(output_dir).expanduser().resolve()
    if output_dir.exists() and not output_dir.is_dir():
        raise UserError(f"{output_dir} is a file, not a folder.", "Choose a folder to put the project in.")
    target = output_dir / folder
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TargetExists(
            f"{target} already exists and is not empty; a project is never generated over existing files.",
            "Choose another project name or slug, or another parent folder.",
        )
    if template.has_hooks and not template.bundled and not accept_hooks:
        raise HooksNotApproved(
            f"The template {template.name!r} has hooks: scripts that run on your machine while it generates.",
            "Read them in its hooks/ folder; if you trust them, agree to run them (--accept-hooks).",
        )
    project_name = str(context.get("project_name") or folder)
    if store is not None and store.name_taken(project_name):
        raise UserError(
            f"The portfolio already has a project named {project_name!r}.",
            f"Choose another project name, or forget the old one first (scaffolder forget {project_name!r}).",
        )
    identity = git.resolve_identity(_fallback_identity(context, fallback_identity, template))
    total = sum(len(files) for _root, _dirs, files in os.walk(_project_dir_template(template)))
    return GenerationPlan(
        template=template,
        context=dict(context),
        answers=answers_only(template, context),
        output_dir=output_dir,
        folder_name=folder,
        project_name=project_name,
        identity=identity,
        run_hooks=template.bundled or accept_hooks,
        total_files=total,
        overrides=overrides,
    )


def render_template(
    template: TemplateInfo,
    overrides: dict[str, Any],
    staging: Path,
    run_hooks: bool,
    total_files: int,
    report: ProgressCallback,
    cancel: threading.Event | None = None,
    before_post_gen_hook: Callable[[], object] | None = None,
) -> Path:
    """Render with cookiecutter into `staging`, reporting each file; returns the project folder.

    `before_post_gen_hook` is called as the template's post-generation hook starts: this thread
    then only waits for the hook's process, a moment for other work to have the GIL."""
    import cookiecutter.generate as cc_generate
    from cookiecutter.exceptions import CookiecutterException, UndefinedVariableInTemplate
    from jinja2 import TemplateError as JinjaError

    with deferred_import("requests"):  # only for templates zipped at a URL, which the catalogue refuses
        from cookiecutter.main import cookiecutter

    original = cc_generate.generate_file
    original_run_hook = cc_generate.run_hook_from_repo_dir
    rendered = 0

    def counting_generate_file(*args: Any, **kwargs: Any) -> Any:
        nonlocal rendered
        if cancel is not None and cancel.is_set():
            raise Cancelled("Generation was cancelled; nothing was written.")
        result = original(*args, **kwargs)
        rendered += 1
        report(Progress("render", min(rendered, total_files), total_files, f"Rendered {rendered} files"))
        return result

    def announcing_run_hook(repo_dir: Any, hook_name: str, *args: Any, **kwargs: Any) -> Any:
        if hook_name == "post_gen_project" and before_post_gen_hook is not None:
            before_post_gen_hook()
        return original_run_hook(repo_dir, hook_name, *args, **kwargs)

    with _RENDER_LOCK:
        cc_generate.generate_file = counting_generate_file
        cc_generate.run_hook_from_repo_dir = announcing_run_hook
        try:
            project = cookiecutter(
                str(template.path),
                no_input=True,
                extra_context=overrides,
                output_dir=str(staging),
                accept_hooks=run_hooks,
                default_config=True,
            )
        except UndefinedVariableInTemplate as err:  # its str() appends the whole context
            raise TemplateError(
                f"The template {template.name!r} failed: {err.message}: {getattr(err.error, 'message', err.error)}."
            ) from err
        except CookiecutterException as err:
            raise TemplateError(f"The template {template.name!r} failed: {err}.") from err
        except JinjaError as err:
            raise TemplateError(f"The template {template.name!r} has a Jinja error: {err}.") from err
        finally:
            cc_generate.generate_file = original
            cc_generate.run_hook_from_repo_dir = original_run_hook
    report(Progress("render", total_files, total_files, "Rendered all files"))
    return Path(project)


def _render(
    plan: GenerationPlan, staging: Path, report: ProgressCallback, cancel: threading.Event | None, isolate: bool
) -> Path:
    if isolate:
        from scaffolder.core.render_process import render_in_child

        return render_in_child(plan, staging, report, cancel)
    # GitPython's import (~30 ms) overlaps the post-generation hook's process instead of following it.
    return render_template(
        plan.template,
        plan.overrides,
        staging,
        plan.run_hooks,
        plan.total_files,
        report,
        cancel,
        before_post_gen_hook=git.import_in_background,
    )


def _write_answers(plan: GenerationPlan, project: Path) -> None:
    """cookiecutter's replay format, plus what the app needs to re-import the project elsewhere."""
    template_ref = plan.template.kind if plan.template.bundled else str(plan.template.path)
    replay = {
        "cookiecutter": {**plan.answers, "_template": template_ref, "_template_version": plan.template.version},
        "scaffolder": {
            "kind": plan.template.kind,
            "template": template_ref,
            "template_version": plan.template.version,
            "generated_with": f"ai-portfolio-scaffolder {__version__}",
        },
    }
    (project / ANSWERS_FILE).write_text(json.dumps(replay, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def remove_tree(path: Path) -> None:
    """Delete a folder even where git made files read-only (Windows refuses to delete those)."""

    def make_writable_and_retry(function: Callable[[str], object], failed_path: str, _exc: object) -> None:
        try:
            os.chmod(failed_path, stat.S_IWRITE | stat.S_IREAD)
            function(failed_path)
        except OSError:
            pass  # gone already, or truly stuck: a leftover staging folder is hidden, not harmful

    if not path.exists():
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=make_writable_and_retry)
    else:  # `onerror` is deprecated from 3.12 on
        shutil.rmtree(path, onerror=make_writable_and_retry)


def execute_plan(
    plan: GenerationPlan,
    store: Store,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    isolate: bool = False,
) -> GenerationResult:
    """Carry out a plan. `isolate` renders in a child Python process (the GUI's choice: no GIL
    contention with the UI thread, a crashing hook cannot take the app down, cancel kills it)."""
    report = progress or (lambda _p: None)
    created_output_dir = not plan.output_dir.exists()
    try:
        plan.output_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".scaffolder-staging-", dir=plan.output_dir))
    except OSError as err:
        raise UserError(
            f"Cannot write in {plan.output_dir}: {err.strerror or err}.", "Choose a folder you can write to."
        ) from err
    try:
        project = _render(plan, staging, report, cancel, isolate)
        _write_answers(plan, project)
        if cancel is not None and cancel.is_set():
            raise Cancelled("Generation was cancelled; nothing was written.")
        steps = ["git init", "git add", "git commit"]

        def on_git_step(step: str) -> None:
            report(Progress("git", steps.index(step), len(steps), step))

        commit = git.init_and_commit(
            project, f"Initial commit from {plan.template.name} template", plan.identity, on_git_step
        )
        if cancel is not None and cancel.is_set():  # the last point before anything is kept
            raise Cancelled("Generation was cancelled; nothing was written.")
        report(Progress("register", 0, 1, "Adding to the portfolio"))
        with store.transaction() as db:
            project_id = store.insert_project(
                db,
                name=plan.project_name,
                kind=plan.template.kind,
                path=plan.target,
                template=plan.template.kind if plan.template.bundled else str(plan.template.path),
                template_version=plan.template.version,
                answers=plan.answers,
            )
            emptied = plan.target.exists()
            if emptied:  # empty (checked in the plan); a rename cannot replace it on Windows
                plan.target.rmdir()
            try:
                os.rename(project, plan.target)
            except BaseException:
                if emptied:  # give the user's empty folder back
                    plan.target.mkdir(exist_ok=True)
                raise
    except OSError as err:
        raise UserError(
            f"Writing the project failed: {err.strerror or err}.",
            "Nothing was kept; free some space or fix permissions and try again.",
        ) from err
    finally:
        remove_tree(staging)
        if created_output_dir and plan.output_dir.is_dir() and not any(plan.output_dir.iterdir()):
            plan.output_dir.rmdir()
    report(Progress("done", 1, 1, f"Created {plan.target}"))
    return GenerationResult(store.get(project_id), commit)


def generate(
    template: TemplateInfo,
    answers: dict[str, Any],
    output_dir: Path,
    *,
    store: Store | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    accept_hooks: bool = False,
    fallback_identity: git.Identity | None = None,
    isolate: bool = False,
) -> GenerationResult:
    """Render `template` with `answers` into `output_dir/<slug>`, commit it on `main`, register it."""
    store = store or Store()
    plan = plan_generation(
        template, answers, output_dir, store=store, accept_hooks=accept_hooks, fallback_identity=fallback_identity
    )
    return execute_plan(plan, store, progress, cancel, isolate)

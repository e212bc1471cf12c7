"""Generate a project: plan (every check that can refuse), render, commit, move into place.

Nothing is half-written: cookiecutter renders into a staging folder beside the target (same
filesystem), git commits there, and one rename puts the finished repository in place inside
the store transaction that registers it. Any failure, Ctrl-C included, removes the staging
folder and rolls the row back.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder import __version__
from scaffolder.core import git
from scaffolder.core.answer_rules import answers_problem, check_answers
from scaffolder.core.catalogue import TemplateInfo, answers_only, jinja_environment, resolve_answers
from scaffolder.core.consent import check_unchanged, consent_text, has_consent, record_consent
from scaffolder.core.deferred_import import deferred_import
from scaffolder.core.errors import (
    Cancelled,
    GitIdentityMissing,
    NameTaken,
    OutsideProjectFolder,
    PlaceholderAuthor,
    StoreError,
    TargetExists,
    TemplateError,
    TemplateNotTrusted,
    UserError,
)
from scaffolder.core.hook_runner import HookRunner, cookiecutter_log_to_file, hook_timeout
from scaffolder.core.names import check_folder_name
from scaffolder.core.staging import create_staging, remove_leftover_staging, remove_tree
from scaffolder.core.store import Project, Store

# cookiecutter's replay file, written unless the template ships its own (which it then keeps).
ANSWERS_FILE = ".cookiecutter.json"
# The app's record of a generation (kind, template, answers), always written: `import` reads it.
SCAFFOLDER_ANSWERS_FILE = ".scaffolder/answers.json"
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
    branch: str = "main"
    commit_count: int = 1
    # A template hook ran `git init` itself: the app's commit went into that repository.
    template_made_repository: bool = False


def _project_dir_template(template: TemplateInfo) -> Path:
    candidates = [p for p in template.path.iterdir() if p.is_dir() and "cookiecutter" in p.name and "{{" in p.name]
    if len(candidates) != 1:
        raise TemplateError(
            f"The template {template.path} must have exactly one folder named with {{{{cookiecutter.…}}}}; found {len(candidates)}."
        )
    return candidates[0]


def render_folder_name(template: TemplateInfo, context: dict[str, Any]) -> str:
    from jinja2 import TemplateError as JinjaError

    env = jinja_environment(template)
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


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _escape_error(relative: str, rendered: str) -> OutsideProjectFolder:
    return OutsideProjectFolder(
        f"The template's {relative} would be written outside the project folder, as {rendered!r}; nothing was written.",
        "An answer used in that file or folder name contains '/', '..' or an absolute path: change it,"
        " or fix the template.",
    )


def check_paths_stay_inside(template: TemplateInfo, context: dict[str, Any], target: Path) -> None:
    """Render every templated file and folder name now, and refuse one that leaves the project.

    Not for the bundled templates: their templated names use only answers the plan has already
    checked (slug, package name), and the render checks each path again before writing it."""
    from jinja2 import TemplateError as JinjaError

    if template.bundled:
        return
    env = jinja_environment(template)
    root = _project_dir_template(template)
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            relative = Path(folder, name).relative_to(root).as_posix()
            if "{" not in relative:
                continue
            try:
                rendered = env.from_string(relative).render(cookiecutter=context)
            except JinjaError:
                continue  # cookiecutter reports it while rendering, with the file named
            if not _inside(os.path.normpath(os.path.join(target, rendered)), str(target)):
                raise _escape_error(f"{root.name}/{relative}", rendered)


def _consented(template: TemplateInfo, store: Store | None, agreed: bool) -> TemplateInfo:
    """The template as trusted, or TemplateNotTrusted: nothing of it has run yet. A template
    passed in as trusted (`as_trusted()`, after the caller asked) counts as agreed to."""
    if template.bundled:
        return template
    agreed = agreed or template.trusted
    if agreed and store is not None:
        record_consent(store, template)
    if agreed or (store is not None and has_consent(store, template)):
        return template.as_trusted()
    raise TemplateNotTrusted.not_agreed(template.name, consent_text(template))


def plan_generation(
    template: TemplateInfo,
    answers: dict[str, Any],
    output_dir: Path,
    *,
    store: Store | None = None,
    accept_hooks: bool = False,
    trust: bool = False,
    fallback_identity: git.Identity | None = None,
) -> GenerationPlan:
    """Every check that can refuse, before anything is written. Raises UserError subclasses.

    A third-party template must be agreed to first (`trust=True`, or `accept_hooks=True`, its
    older name, or an agreement recorded for this content); agreeing records it in `store`."""
    git.git_executable()
    template = _consented(template, store, trust or accept_hooks)
    hook_timeout()  # a malformed SCAFFOLDER_HOOK_TIMEOUT is refused now, not after rendering
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
    check_paths_stay_inside(template, context, target)
    project_name = str(context.get("project_name") or folder)
    if store is not None and store.name_taken(project_name):
        raise NameTaken(project_name)
    try:
        identity = git.resolve_identity(_fallback_identity(context, fallback_identity, template))
    except GitIdentityMissing as missing:
        # Nobody is known: placeholder author answers are then the thing to fix, said in the
        # wizard's own sentence (answer_rules), with every way out (git's config or the answers).
        placeholder = answers_problem(context, identity_known=False)
        if placeholder is not None:
            raise PlaceholderAuthor(placeholder.question, placeholder.message, missing.unworded[1]) from missing
        raise
    total = sum(len(files) for _root, _dirs, files in os.walk(_project_dir_template(template)))
    return GenerationPlan(
        template=template,
        context=dict(context),
        answers=answers_only(template, context),
        output_dir=output_dir,
        folder_name=folder,
        project_name=project_name,
        identity=identity,
        run_hooks=True,  # the template is trusted by now
        total_files=total,
        overrides=overrides,
    )


def _syntax_error(template: TemplateInfo, err: Exception) -> TemplateError:
    """A Jinja syntax error, naming the template file and line."""
    filename = getattr(err, "filename", None) or getattr(err, "name", None)
    where = "a file or folder name"
    if filename:
        path = Path(filename)
        if path.is_absolute():
            try:
                where = path.resolve().relative_to(template.path).as_posix()
            except ValueError:
                where = path.name
        else:
            where = f"{_project_dir_template(template).name}/{Path(filename).as_posix()}"
    return TemplateError(
        f"The template {template.name!r} has a Jinja syntax error in {where}, line {getattr(err, 'lineno', '?')}:"
        f" {getattr(err, 'message', err)}.",
        "Fix that line of the template.",
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
    on_hook_group: Callable[[int | None], None] = lambda _pid: None,
) -> Path:
    """Render with cookiecutter into `staging`, reporting each file; returns the project folder.

    Every rendered path is checked to stay inside `staging` (and the project folder) before
    cookiecutter writes it, and a link in the template is never followed out of it. Hooks run
    through `HookRunner`: own process group, time limit, killed on cancel; `on_hook_group` is
    told the group of the hook running.

    `before_post_gen_hook` is called as the template's post-generation hook starts: this thread
    then only waits for the hook's process, a moment for other work to have the GIL."""
    import cookiecutter.generate as cc_generate
    from cookiecutter.exceptions import CookiecutterException, UndefinedVariableInTemplate
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError

    with deferred_import("requests"):  # only for templates zipped at a URL, which the catalogue refuses
        from cookiecutter.main import cookiecutter

    original = cc_generate.generate_file
    original_run_hook = cc_generate.run_hook_from_repo_dir
    original_create_dir = cc_generate.render_and_create_dir
    rendered = 0
    staging_root = os.path.abspath(staging)
    template_root = os.path.realpath(template.path)
    project_root: list[str] = []  # the project folder, once cookiecutter created it

    def guarded_create_dir(dirname: str, context: dict[str, Any], output_dir: Any, env: Any, *args: Any) -> Any:
        name = env.from_string(dirname).render(**context) if "{" in dirname else dirname
        created = os.path.normpath(os.path.join(output_dir, name))
        inside = project_root[0] if project_root else staging_root
        if not _inside(created, inside) or created == staging_root:
            raise _escape_error(os.path.basename(dirname) or dirname, name)
        result = original_create_dir(dirname, context, output_dir, env, *args)
        if not project_root:
            project_root.append(os.path.abspath(result[0]))
        return result

    def counting_generate_file(project_dir: str, infile: str, context: dict[str, Any], env: Any, *args: Any) -> Any:
        nonlocal rendered
        if cancel is not None and cancel.is_set():
            raise Cancelled.generation()
        if os.path.islink(infile) and not _inside(os.path.realpath(infile), template_root):
            raise OutsideProjectFolder(
                f"The template file {infile} is a symbolic link to {os.readlink(infile)}, outside the template.",
                "A generated project never copies files from elsewhere on your computer; remove the link.",
            )
        name = env.from_string(infile).render(**context) if "{" in infile else infile
        if not _inside(os.path.normpath(os.path.join(project_dir, name)), os.path.abspath(project_dir)):
            raise _escape_error(infile, name)
        result = original(project_dir, infile, context, env, *args)
        rendered += 1
        report(Progress("render", min(rendered, total_files), total_files, f"Rendered {rendered} files"))
        return result

    def announcing_run_hook(repo_dir: Any, hook_name: str, *args: Any, **kwargs: Any) -> Any:
        if hook_name == "post_gen_project" and before_post_gen_hook is not None:
            before_post_gen_hook()
        return original_run_hook(repo_dir, hook_name, *args, **kwargs)

    hooks = HookRunner(cancel, on_group=on_hook_group)
    with _RENDER_LOCK, hooks.installed(), cookiecutter_log_to_file():
        cc_generate.generate_file = counting_generate_file
        cc_generate.run_hook_from_repo_dir = announcing_run_hook
        cc_generate.render_and_create_dir = guarded_create_dir
        try:
            project = cookiecutter(
                str(template.path),
                no_input=True,
                extra_context=overrides,
                output_dir=str(staging),
                accept_hooks=run_hooks,
                # cookiecutter's defaults, but its replay file of the answers (the user's name and
                # e-mail) goes into staging, removed with it, not into ~/.cookiecutter_replay/.
                default_config={"replay_dir": tempfile.mkdtemp(prefix=".replay-", dir=staging)},
            )
        except UndefinedVariableInTemplate as err:  # its str() appends the whole context
            raise TemplateError(
                f"The template {template.name!r} failed: {err.message}: {getattr(err.error, 'message', err.error)}."
            ) from err
        except CookiecutterException as err:
            raise TemplateError(f"The template {template.name!r} failed: {err}.") from err
        except TemplateSyntaxError as err:
            raise _syntax_error(template, err) from err
        except JinjaError as err:
            raise TemplateError(f"The template {template.name!r} has a Jinja error: {err}.") from err
        finally:
            cc_generate.generate_file = original
            cc_generate.run_hook_from_repo_dir = original_run_hook
            cc_generate.render_and_create_dir = original_create_dir
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
    """The app's record in .scaffolder/answers.json; cookiecutter's replay file too, unless the
    template shipped its own `.cookiecutter.json` (its output is never overwritten)."""
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
    text = json.dumps(replay, indent=2, sort_keys=True) + "\n"
    record = project / SCAFFOLDER_ANSWERS_FILE
    record.parent.mkdir(exist_ok=True)
    record.write_text(text, encoding="utf-8")
    if not (project / ANSWERS_FILE).exists():
        (project / ANSWERS_FILE).write_text(text, encoding="utf-8")


def _take_back(target: Path, staging_copy: Path, emptied: bool) -> None:
    """Undo the rename: the project goes back into staging (removed with it), the user's empty
    folder comes back."""
    try:
        os.rename(target, staging_copy)
    except OSError:
        remove_tree(target)
    if emptied:
        target.mkdir(exist_ok=True)


def _register(plan: GenerationPlan, store: Store, project: Path) -> int:
    """Insert the row, rename the project into place, commit: both happen or neither does."""
    moved = committed = emptied = False
    try:
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
            moved = True
        committed = True
    except BaseException as err:
        # The COMMIT failed (disk full, lock, I/O) or Ctrl-C came before it: the row is rolled
        # back, so the folder must go too.
        if moved and not committed:
            _take_back(plan.target, project, emptied)
        if isinstance(err, StoreError):  # the store already said why, by SQLite's error code
            why = err.message[:1].lower() + err.message[1:]
            raise StoreError(
                f"The portfolio could not record {plan.project_name!r}, so the project was not kept: {why}",
                err.unworded[1],
                reason=err.reason,
            ) from err
        raise
    return project_id


def _repository_facts(project: Path, made_by_template: bool) -> tuple[str, int]:
    """(branch, commit count) of the new repository: `main` and 1 unless a hook made it."""
    if not made_by_template:
        return "main", 1
    summary = git.summarize(project)
    if summary is None:
        return "main", 1
    return summary.branch or "(detached HEAD)", summary.commit_count


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
    check_unchanged(plan.template)
    created_output_dir = not plan.output_dir.exists()
    try:
        plan.output_dir.mkdir(parents=True, exist_ok=True)
        remove_leftover_staging(plan.output_dir)  # of generations killed outright (kill -9)
        staging = create_staging(plan.output_dir)
    except OSError as err:
        raise UserError(
            f"Cannot write in {plan.output_dir}: {err.strerror or err}.", "Choose a folder you can write to."
        ) from err
    try:
        project = _render(plan, staging, report, cancel, isolate)
        made_by_template = (project / ".git").exists()
        _write_answers(plan, project)
        if cancel is not None and cancel.is_set():
            raise Cancelled.generation()
        steps = ["git init", "git add", "git commit"]

        def on_git_step(step: str) -> None:
            report(Progress("git", steps.index(step), len(steps), step))

        commit = git.init_and_commit(
            project, f"Initial commit from {plan.template.name} template", plan.identity, on_git_step
        )
        branch, commit_count = _repository_facts(project, made_by_template)
        if cancel is not None and cancel.is_set():  # the last point before anything is kept
            raise Cancelled.generation()
        report(Progress("register", 0, 1, "Adding to the portfolio"))
        project_id = _register(plan, store, project)
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
    return GenerationResult(store.get(project_id), commit, branch, commit_count, made_by_template)


def generate(
    template: TemplateInfo,
    answers: dict[str, Any],
    output_dir: Path,
    *,
    store: Store | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    accept_hooks: bool = False,
    trust: bool = False,
    fallback_identity: git.Identity | None = None,
    isolate: bool = False,
) -> GenerationResult:
    """Render `template` with `answers` into `output_dir/<slug>`, commit it on `main`, register it.

    A third-party template runs only with `trust=True` (`accept_hooks=True` is its older name)
    or an agreement the store recorded for its current content."""
    store = store or Store()
    plan = plan_generation(
        template,
        answers,
        output_dir,
        store=store,
        accept_hooks=accept_hooks,
        trust=trust,
        fallback_identity=fallback_identity,
    )
    return execute_plan(plan, store, progress, cancel, isolate)

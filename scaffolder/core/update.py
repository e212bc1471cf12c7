"""Update a generated project from a newer version of its template, keeping the user's changes.

The project's repository keeps the template's pristine output at `refs/scaffolder/template`
(the first commit, for a generated project). An update renders the new version with the
recorded answers (plus answers to questions new since) in a staging folder, commits that output
as a child of the old pristine commit, and merges it into the user's branch with git's own
three-way merge: the old pristine output is the merge base, so git sees exactly what the
template changed and what the user changed. cruft and copier re-render the old version and
apply a diff; with the pristine history in the repository no re-render of the old version and
no patch is needed, and a conflict is git's standard conflict, finished with git's own commands.

`plan_update` changes nothing (its objects go to a scratch folder); `apply_update` changes the
repository only once the new output is rendered and committed, and a refusal changes nothing.
"""

from __future__ import annotations

import shlex
import tempfile
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from scaffolder.core import update_git
from scaffolder.core.catalogue import Question, TemplateInfo, render_context, resolve_template
from scaffolder.core.consent import has_consent, record_consent
from scaffolder.core.errors import Cancelled, FolderMissing, InvalidAnswer, TemplateError, UserError
from scaffolder.core.generate import GenerationPlan, Progress, ProgressCallback, plan_generation
from scaffolder.core.git import TEMPLATE_REF, Identity
from scaffolder.core.staging import remove_tree
from scaffolder.core.store import Project, Store
from scaffolder.core.update_git import FileChange, Git


class NoTemplateRef(UserError):
    """The project has no pristine template output to merge from (an older or imported project)."""


class UpdateOutcome(StrEnum):
    MERGED = "merged"
    CONFLICTS = "conflicts"  # left as git's standard conflict, for the user to finish or abort
    ABORTED = "aborted"  # there were conflicts and the caller asked to back out: nothing changed


@dataclass(frozen=True)
class RecordedAnswers:
    """What a generation recorded: the answers, which template, at which version."""

    answers: dict[str, Any]
    template: str | None
    version: str | None


def read_recorded_answers(project: Project) -> RecordedAnswers:
    """The project's recorded answers, template and version: its committed answers file first,
    the portfolio's row second. The one place that knows where answers are kept."""
    from scaffolder.core.portfolio import read_answers_file

    replay = read_answers_file(project.path) or {}
    recorded = replay.get("cookiecutter", {})
    meta = replay.get("scaffolder", {}) if isinstance(replay.get("scaffolder"), dict) else {}
    if not recorded:
        return RecordedAnswers(dict(project.answers), project.template, project.template_version)
    answers = {key: value for key, value in recorded.items() if not key.startswith("_")}
    template = meta.get("template") or recorded.get("_template") or project.template
    version = meta.get("template_version") or recorded.get("_template_version") or project.template_version
    return RecordedAnswers(answers, str(template) if template else None, str(version) if version else None)


@dataclass(frozen=True)
class NewQuestion:
    question: Question
    default: Any  # rendered against the recorded answers, as the wizard would show it


@dataclass(frozen=True)
class UpdatePlan:
    project: Project
    template: TemplateInfo
    recorded_version: str | None
    recorded_answers: dict[str, Any]  # only those the template still asks
    new_questions: tuple[NewQuestion, ...]
    branch: str
    pristine: str  # the commit refs/scaffolder/template points at
    changes: tuple[FileChange, ...]  # what the template changes, rendered with the defaults of new questions
    accept_hooks: bool = False
    fallback_identity: Identity | None = field(default=None, repr=False)

    @property
    def current_version(self) -> str:
        return self.template.version

    @property
    def up_to_date(self) -> bool:
        return not self.changes

    def change(self, path: str) -> FileChange:
        return next(c for c in self.changes if c.path == path)


@dataclass(frozen=True)
class UpdateResult:
    outcome: UpdateOutcome
    message: str
    template_commit: str | None  # the new pristine commit (None when aborted)
    merge_commit: str | None  # the update's merge commit on the branch (None unless merged)
    conflicts: tuple[str, ...] = ()


# --- the template and the checks ------------------------------------------------------------


def find_template(recorded: RecordedAnswers) -> TemplateInfo:
    if not recorded.template:
        raise TemplateError(
            "This project does not record which template made it, so it cannot be updated.",
            "Only projects generated by the app (with a .cookiecutter.json) can be updated.",
        )
    try:
        return resolve_template(recorded.template)
    except TemplateError as err:
        raise TemplateError(
            f"The template this project was made from cannot be found: {err.message}",
            "Put the template folder back at that path (or clone it again) and try again.",
        ) from err


def _checked_repository(project: Project) -> Git:
    if not project.exists:
        raise FolderMissing(project.name, project.path)
    git = Git(project.path)
    refusal = update_git.repository_state_refusal(git)
    if refusal is not None:
        raise refusal
    return git


def _require_pristine(git: Git, project: Project) -> str:
    pristine = update_git.pristine_commit(git)
    if pristine is None:
        raise NoTemplateRef(
            f"{project.name} has no {TEMPLATE_REF}: the template's own output, which an update merges from,"
            " was never recorded (the project is older than updates, or was imported).",
            "Lay it from the recorded answers first:  {link_template}"
            " (it takes the template's output at the recorded version as the base: the commit that has it, or a"
            " merge commit that records it; your files do not change).",
            name=project.name,
        )
    return pristine


def _kept_answers(template: TemplateInfo, recorded: dict[str, Any]) -> dict[str, Any]:
    """Recorded answers to questions the template still asks and still accepts: a dropped question
    is dropped, and an answer the new version refuses (a choice it no longer offers) is asked again
    as a new question, with the new default."""
    asked = {q.name for q in template.asked_questions}
    kept = {key: value for key, value in recorded.items() if key in asked}
    while kept:
        try:
            render_context(template, kept)
            break
        except InvalidAnswer as refused:
            if refused.question not in kept:
                raise
            del kept[refused.question]
    return kept


def _new_questions(template: TemplateInfo, kept: dict[str, Any]) -> tuple[NewQuestion, ...]:
    defaults = render_context(template, kept)
    return tuple(NewQuestion(q, defaults[q.name]) for q in template.asked_questions if q.name not in kept)


def _generation_plan(
    template: TemplateInfo,
    answers: dict[str, Any],
    scratch: Path,
    accept_hooks: bool,
    identity: Identity | None,
    store: Store | None = None,
) -> GenerationPlan:
    """Generation's own plan (answer checks, consent, folder name) for rendering into `scratch`.

    Updating renders the template again, so it needs the same consent as generating: given now
    (`accept_hooks`, recorded in `store`), or recorded before for this very content. A template
    that changed since the user agreed asks again. (The store is not passed on to planning: the
    project's own name is taken in the portfolio, by itself.)"""
    agreed = accept_hooks or template.bundled or (store is not None and has_consent(store, template))
    if accept_hooks and store is not None and not template.bundled:
        record_consent(store, template)
    return plan_generation(template, answers, scratch, trust=agreed, fallback_identity=identity)


def _render_pristine(
    gen_plan: GenerationPlan,
    staging: Path,
    report: ProgressCallback,
    cancel: threading.Event | None,
    isolate: bool,
) -> Path:
    """Render exactly as generation does, answers file included: the output is what a fresh
    project generated today with these answers would have committed."""
    from scaffolder.core.generate import _render, _write_answers

    project = _render(gen_plan, staging, report, cancel, isolate)
    _write_answers(gen_plan, project)
    return project


def _rendered_tree(
    git: Git,
    template: TemplateInfo,
    answers: dict[str, Any],
    accept_hooks: bool,
    identity: Identity | None,
    report: ProgressCallback,
    cancel: threading.Event | None,
    isolate: bool,
    store: Store | None = None,
) -> str:
    staging = Path(tempfile.mkdtemp(prefix="scaffolder-update-"))
    try:
        gen_plan = _generation_plan(template, answers, staging / "plan", accept_hooks, identity, store)
        rendered = _render_pristine(gen_plan, staging, report, cancel, isolate)
        if cancel is not None and cancel.is_set():
            raise Cancelled.update()
        report(Progress("git", 0, 3, "Recording the template's new output"))
        return update_git.tree_of_folder(git, rendered)
    finally:
        remove_tree(staging)


def _identity(git: Git, fallback: Identity | None) -> Identity | None:
    return update_git.repository_identity(git) or fallback


# --- plan ----------------------------------------------------------------------------------


def plan_update(
    project: Project,
    *,
    accept_hooks: bool = False,
    fallback_identity: Identity | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    isolate: bool = False,
    store: Store | None = None,
) -> UpdatePlan:
    """The recorded and current versions, the questions new since, and a preview of what the
    template changes (rendered with the new questions' defaults). Writes nothing anywhere the
    user can see: the render is in a temporary folder and git's objects go to a scratch folder."""
    report = progress or (lambda _p: None)
    git = _checked_repository(project)
    pristine = _require_pristine(git, project)
    recorded = read_recorded_answers(project)
    template = find_template(recorded)
    kept = _kept_answers(template, recorded.answers)
    new = _new_questions(template, kept)
    identity = _identity(git, fallback_identity)
    with update_git.scratch_objects(git) as scratch:
        tree = _rendered_tree(scratch, template, kept, accept_hooks, identity, report, cancel, isolate, store)
        changes = update_git.tree_changes(scratch, pristine, tree)
    report(Progress("done", 1, 1, "Preview ready"))
    return UpdatePlan(
        project=project,
        template=template,
        recorded_version=recorded.version,
        recorded_answers=kept,
        new_questions=new,
        branch=update_git.current_branch(git),
        pristine=pristine,
        changes=changes,
        accept_hooks=accept_hooks,
        fallback_identity=fallback_identity,
    )


# --- apply ---------------------------------------------------------------------------------


def _version_text(plan: UpdatePlan) -> str:
    return f"{plan.template.name} {plan.recorded_version or '(unknown version)'} → {plan.current_version}"


def conflict_sentence(plan: UpdatePlan, conflicts: tuple[str, ...]) -> str:
    one = len(conflicts) == 1
    add = f"git add {' '.join(shlex.quote(c) for c in conflicts)}" if len(conflicts) <= 3 else "git add FILE…"
    return (
        f"The update {_version_text(plan)} conflicts with your changes in {len(conflicts)} file{'' if one else 's'}:"
        f" {', '.join(conflicts)}. In {plan.project.path}, edit {'it' if one else 'them'} to keep what you want"
        f" (git marked the places with <<<<<<<), then run  {add}  and  git merge --continue  to finish;"
        " or run  git merge --abort  to back out of the update."
    )


def apply_update(
    plan: UpdatePlan,
    answers: dict[str, Any] | None = None,
    *,
    abort_on_conflict: bool = False,
    store: Store | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    isolate: bool = False,
) -> UpdateResult:
    """Render the new version with the recorded answers plus `answers` (new questions, or changed
    ones), commit it on top of the old pristine commit, and merge it into the user's branch.

    A conflict is left as git's standard conflict (MERGE_HEAD, markers in the files) with a
    sentence saying how to finish or back out, or backed out at once with `abort_on_conflict`.
    Every refusal is checked again here, as the repository may have changed since the plan."""
    report = progress or (lambda _p: None)
    git = _checked_repository(plan.project)
    pristine = _require_pristine(git, plan.project)
    if pristine != plan.pristine:
        raise UserError(
            f"{TEMPLATE_REF} of {plan.project.name} moved since the update was planned.", "Plan the update again."
        )
    if find_template(read_recorded_answers(plan.project)).version != plan.current_version:
        raise UserError(
            f"The template {plan.template.name} changed since the update was planned (it is no longer at"
            f" {plan.current_version}).",
            "Plan the update again to see what it changes now.",
        )
    given = {**plan.recorded_answers, **(answers or {})}
    identity = _identity(git, plan.fallback_identity)
    tree = _rendered_tree(git, plan.template, given, plan.accept_hooks, identity, report, cancel, isolate, store)
    committer = git.with_env(**update_git.identity_env(git, identity))
    message = f"Template {plan.template.name} {plan.current_version}"
    template_commit = update_git.commit_tree(committer, tree, [pristine], message)
    if cancel is not None and cancel.is_set():  # the last point before the project changes
        raise Cancelled.update()
    report(Progress("git", 1, 3, f"Merging into {plan.branch}"))
    committer.run("update-ref", "-m", "scaffolder update", TEMPLATE_REF, template_commit, pristine)
    merged = committer.run(
        "merge",
        "--no-ff",
        "--no-edit",
        "--no-verify",  # the user's commit hooks judge their code, not the template's output
        "--no-gpg-sign",  # a pinentry prompt would hang the app's worker
        "-m",
        f"Update from template {_version_text(plan)}",
        template_commit,
        check=False,
    )
    if merged.returncode != 0:
        conflicts = update_git.conflicted_files(git)
        if not conflicts:  # git refused before merging (it says why): put the ref back
            committer.run("merge", "--abort", check=False)
            committer.run("update-ref", TEMPLATE_REF, pristine, template_commit)
            said = (merged.stderr or merged.stdout).strip().splitlines()
            raise UserError(
                f"git could not merge the update: {said[-1] if said else 'exit code ' + str(merged.returncode)}.",
                "Nothing was changed; fix what git says and try again.",
            )
        if abort_on_conflict:
            committer.run("merge", "--abort")
            committer.run("update-ref", TEMPLATE_REF, pristine, template_commit)
            report(Progress("done", 1, 1, "Backed out"))
            return UpdateResult(
                UpdateOutcome.ABORTED,
                f"The update {_version_text(plan)} conflicts in {', '.join(conflicts)}; it was backed out"
                " as you asked, and nothing was changed.",
                None,
                None,
                conflicts,
            )
        report(Progress("done", 1, 1, "Conflicts to resolve"))
        return UpdateResult(
            UpdateOutcome.CONFLICTS, conflict_sentence(plan, conflicts), template_commit, None, conflicts
        )
    merge_commit = git.out("rev-parse", "HEAD")
    if store is not None:
        _record_in_portfolio(store, plan, given)
    report(Progress("done", 1, 1, "Updated"))
    return UpdateResult(
        UpdateOutcome.MERGED,
        f"Updated {plan.project.name} from template {_version_text(plan)}: merge commit {merge_commit[:10]}"
        f" on {plan.branch}.",
        template_commit,
        merge_commit,
    )


def _record_in_portfolio(store: Store, plan: UpdatePlan, answers: dict[str, Any]) -> None:
    from scaffolder.core.catalogue import answers_only

    context = render_context(plan.template, answers)
    store.record_template_version(plan.project.id, plan.current_version, answers_only(plan.template, context))


# --- link ----------------------------------------------------------------------------------


def link_template(
    project: Project,
    *,
    accept_hooks: bool = False,
    fallback_identity: Identity | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    isolate: bool = False,
    store: Store | None = None,
) -> str:
    """Lay `refs/scaffolder/template` for a project that has none, like cruft's `link`: render the
    template at the recorded version with the recorded answers. A commit of the branch with exactly
    that output (a clone's first commit: the hidden ref is not pushed) becomes the base as it is;
    otherwise the output is committed and recorded as merged into the branch (`git merge -s ours`,
    no file changes), so that every difference from the template's output counts as the user's own.

    The template must still be at the recorded version: an older output cannot be rebuilt from a
    newer template. Returns the pristine commit."""
    report = progress or (lambda _p: None)
    git = _checked_repository(project)
    if update_git.pristine_commit(git) is not None:
        raise UserError(
            f"{project.name} already has {TEMPLATE_REF}; there is nothing to link.",
            "Update it instead:  {update_project}",
            name=project.name,
        )
    recorded = read_recorded_answers(project)
    template = find_template(recorded)
    if recorded.version is None or recorded.version != template.version:
        raise TemplateError(
            f"{project.name} was made from {template.name} {recorded.version or '(unknown version)'}, and the"
            f" template is now at {template.version}: linking needs the output of the version the project was made from.",
            "Point the template folder at that version (for a git folder: git checkout it) and link again.",
        )
    identity = _identity(git, fallback_identity)
    kept = _kept_answers(template, recorded.answers)
    tree = _rendered_tree(git, template, kept, accept_hooks, identity, report, cancel, isolate, store)
    if cancel is not None and cancel.is_set():
        raise Cancelled("Linking was cancelled; nothing was changed.")
    in_history = update_git.commit_with_tree(git, tree)
    if in_history is not None:
        git.run("update-ref", "-m", "scaffolder link", TEMPLATE_REF, in_history, "")
        report(Progress("done", 1, 1, "Linked"))
        return in_history
    committer = git.with_env(**update_git.identity_env(git, identity))
    pristine = update_git.commit_tree(committer, tree, [], f"Template {template.name} {template.version} (linked)")
    committer.run(
        "merge",
        "--strategy=ours",
        "--allow-unrelated-histories",
        "--no-ff",
        "--no-verify",
        "--no-gpg-sign",
        "-m",
        f"Link to template {template.name} {template.version}: later updates merge from here",
        pristine,
    )
    committer.run("update-ref", "-m", "scaffolder link", TEMPLATE_REF, pristine, "")
    report(Progress("done", 1, 1, "Linked"))
    return pristine


# --- is one available? ---------------------------------------------------------------------


@dataclass(frozen=True)
class AvailableUpdate:
    recorded: str
    current: str

    @property
    def text(self) -> str:
        return f"Template {self.recorded} → {self.current} available"


def available_update(project: Project) -> AvailableUpdate | None:
    """A newer template version than the project records, or None (same version, template or
    folder missing, or unknown). Cheap: reads two small JSON files, renders nothing."""
    if not project.exists:
        return None
    recorded = read_recorded_answers(project)
    if not recorded.template or not recorded.version:
        return None
    try:
        template = resolve_template(recorded.template)
    except UserError:
        return None
    if template.version == recorded.version:
        return None
    return AvailableUpdate(recorded.version, template.version)

"""templates, new, list, import, forget."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scaffolder.cli._arguments import JSON_OUTPUT, PROJECT_NAME
from scaffolder.cli.cmd_golden import (
    add_data_after_generating,
    add_data_options,
    add_docs_after_generating,
    add_docs_options,
    scan_data_before_generating,
    scan_docs_before_generating,
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("templates", help="list the templates and their questions", parents=[JSON_OUTPUT])
    p.set_defaults(handler=cmd_templates)

    p = subparsers.add_parser(
        "new",
        help="generate a project, commit it to a new git repository and add it to the portfolio",
        description="Generate a project from a bundled template (rag, agent, fullstack) or a local cookiecutter template folder.",
        parents=[JSON_OUTPUT],
    )
    p.add_argument("template", help="rag, agent, fullstack, or the path of a folder holding a cookiecutter.json")
    p.add_argument("-o", "--output-dir", type=Path, help="parent folder (default: the projects folder from settings)")
    p.add_argument(
        "--set", dest="answers", action="append", default=[], metavar="KEY=VALUE", help="answer a question (repeatable)"
    )
    p.add_argument("--no-input", action="store_true", help="do not ask; use defaults for unanswered questions")
    p.add_argument(
        "--trust",
        "--accept-hooks",
        dest="trust",
        action="store_true",
        help="agree to run a third-party template (its files, hooks and extensions are code) without asking;"
        " --accept-hooks is the older spelling",
    )
    add_docs_options(p)
    add_data_options(p)
    p.set_defaults(handler=cmd_new)

    p = subparsers.add_parser("list", help="list the portfolio's projects", parents=[JSON_OUTPUT])
    p.set_defaults(handler=cmd_list)

    p = subparsers.add_parser("import", help="add an existing git repository to the portfolio", parents=[JSON_OUTPUT])
    p.add_argument("path", type=Path, help="the repository's folder")
    p.add_argument("--name", help="display name (default: its recorded project name or folder name)")
    p.set_defaults(handler=cmd_import)

    p = subparsers.add_parser(
        "forget",
        help="remove a project from the portfolio (its files are not touched)",
        parents=[PROJECT_NAME, JSON_OUTPUT],
    )
    p.set_defaults(handler=cmd_forget)


def _question_dict(q: Any, default: Any, rendered_choices: list[Any]) -> dict[str, Any]:
    """A question as the form shows it: default and choices rendered the way cookiecutter renders them."""
    return {
        "name": q.name,
        "kind": q.kind.value,
        "default": default,
        "raw_default": q.raw_default,
        "help": q.help,
        "choices": rendered_choices,
    }


def cmd_templates(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.catalogue import bundled_templates, render_context

    templates = bundled_templates()
    choices: dict[str, dict[str, list[Any]]] = {t.name: {} for t in templates}
    defaults = {t.name: render_context(t, {}, choices[t.name]) for t in templates}
    data = [
        {
            "name": t.name,
            "kind": t.kind,
            "title": t.title,
            "description": t.description,
            "version": t.version,
            "path": str(t.path),
            "questions": [
                _question_dict(q, defaults[t.name][q.name], choices[t.name].get(q.name, [])) for q in t.asked_questions
            ],
        }
        for t in templates
    ]
    lines = []
    for t in templates:
        lines.append(f"{t.name}  —  {t.title} (v{t.version})\n  {t.description}")
        for q in t.asked_questions:
            options = choices[t.name].get(q.name)
            extra = f" [{' | '.join(map(str, options))}]" if options else f" (default: {defaults[t.name][q.name]})"
            lines.append(f"    {q.name}: {q.kind.value}{extra}")
    emit(args, data, "\n".join(lines))
    return 0


def _parse_sets(pairs: list[str]) -> dict[str, str]:
    from scaffolder.core.errors import UserError

    answers = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--set {pair!r} is not KEY=VALUE.", "For example: --set project_name='Docs Q&A'")
        answers[key.strip()] = value
    return answers


def _ask(template: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """Ask each unanswered question on the terminal, with cookiecutter-rendered defaults."""
    from scaffolder.core.catalogue import QuestionKind, render_context
    from scaffolder.core.errors import InvalidAnswer

    answers = dict(answers)
    for q in template.asked_questions:
        if q.name in answers:
            continue
        while True:
            default = render_context(template, answers)[q.name]
            if q.kind is QuestionKind.CHOICE:
                options = [str(c) for c in q.choices]
                reply = input(f"{q.label} [{' / '.join(options)}] ({default}): ").strip()
            else:
                reply = input(f"{q.label} ({default}): ").strip()
            value = reply or default
            try:
                render_context(template, {**answers, q.name: value})  # a templated choice's shown option is valid
            except InvalidAnswer as err:
                print(err, file=sys.stderr)
                continue
            answers[q.name] = value
            break
    return answers


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Template hooks are processes writing to file descriptor 1: with --json, what they print
    goes to stderr, so that stdout is one JSON document."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _agree_to(template: Any, store: Any, args: argparse.Namespace, interactive: bool) -> bool:
    """Whether the user agrees to run a third-party template; asks on a terminal."""
    from scaffolder.core.consent import consent_text, has_consent

    if template.trusted or args.trust or has_consent(store, template):
        return True
    if not interactive:
        return False  # plan_generation refuses, with the consent text and --trust
    from scaffolder.core.errors import TemplateNotTrusted

    print(consent_text(template), file=sys.stderr)
    if input("Trust this template and run it? [y/N] ").strip().lower() in {"y", "yes"}:
        return True
    raise TemplateNotTrusted(
        f"You did not agree to run the template {template.name!r}; nothing of it ran.",
        "Read it first; run the command again and answer yes if you trust it.",
    )


def _created_text(result: Any) -> str:
    project = result.project
    text = f"Created {project.name} ({project.kind}) at {project.path}\n"
    if result.template_made_repository:
        return text + (
            f"The template's hook created the git repository itself; the app's commit {result.commit[:10]}"
            f" is on its branch {result.branch} ({result.commit_count} commits)."
        )
    return text + f"First commit {result.commit[:10]} on {result.branch}."


def cmd_new(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit, project_json
    from scaffolder.core.catalogue import resolve_template
    from scaffolder.core.corpus_answers import with_corpus_answers
    from scaffolder.core.generate import execute_plan, plan_generation
    from scaffolder.core.settings import load_settings
    from scaffolder.core.store import Store

    store = Store()
    settings = load_settings(store)
    template = resolve_template(args.template)
    documents = scan_docs_before_generating(args, template.kind)  # refused before anything is generated
    agent_data = scan_data_before_generating(args, template.kind)
    interactive = not args.no_input and sys.stdin.isatty()
    trust = _agree_to(template, store, args, interactive)  # before any question: defaults are template code
    asked = {q.name for q in template.asked_questions}  # a custom template may have no author questions
    prefill = {key: value for key, value in settings.template_answers().items() if key in asked}
    answers: dict[str, Any] = {**prefill, **_parse_sets(args.answers)}
    if documents is not None:  # the README's pitch, sample questions and web UI placeholder: about them
        answers = with_corpus_answers(answers, documents, asked)
    if trust:
        template = template.as_trusted()  # its defaults are rendered for real from here on
    if interactive:
        answers = _ask(template, answers)
    output_dir = args.output_dir or settings.projects_path
    plan = plan_generation(template, answers, output_dir, store=store, trust=trust, fallback_identity=settings.identity)

    def show(progress: Any) -> None:
        if interactive and not args.json:
            print(f"\r{progress.fraction:4.0%} {progress.message[:60]:<60}", end="", file=sys.stderr, flush=True)

    with _stdout_to_stderr() if args.json else contextlib.nullcontext():  # SIGTERM: see sigterm_cancels
        result = execute_plan(plan, store, progress=show)
    if interactive and not args.json:
        print(file=sys.stderr)
    project = result.project
    knowledge_base = add_docs_after_generating(args, project, documents)
    data_and_tools = add_data_after_generating(args, project, agent_data)
    emit(
        args,
        {
            **project_json(project, "template", "template_version"),
            "commit": result.commit,
            "branch": result.branch,
            "commit_count": result.commit_count,
            "template_made_repository": result.template_made_repository,
            "knowledge_base": knowledge_base,
            "data_and_tools": data_and_tools,
        },
        _created_text(result),
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit, project_json
    from scaffolder.cli.cmd_update import update_note
    from scaffolder.core.paths import BUNDLED_KINDS
    from scaffolder.core.store import Store

    projects = Store().projects()
    updates = {p.id: update_note(p) for p in projects}
    data = [
        {
            **project_json(p, "exists", "template", "created_at", "live_url", "writeup_url"),
            "template_update": updates[p.id],
        }
        for p in projects
    ]
    if not projects:
        text = f"The portfolio is empty. Start with: scaffolder new {BUNDLED_KINDS[0]}"
    else:
        width = max(len(p.name) for p in projects)
        text = "\n".join(
            f"{p.name:<{width}}  {p.kind:<9}  {p.path}{'' if p.exists else '  (missing)'}{_update_suffix(updates[p.id])}"
            for p in projects
        )
    emit(args, data, text)
    return 0


def _update_suffix(note: dict[str, str] | None) -> str:
    return f"  ({note['text'].lower()}: scaffolder update)" if note else ""


def cmd_import(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit, project_json
    from scaffolder.core.portfolio import import_project
    from scaffolder.core.store import Store

    project = import_project(Store(), args.path, args.name)
    emit(
        args,
        project_json(project),
        f"Added {project.name} ({project.kind}) at {project.path}",
    )
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit, project_json
    from scaffolder.core.store import Store

    project = Store().forget(args.name)
    emit(
        args,
        {**project_json(project), "forgotten": True},
        f"Forgot {project.name}; its files at {project.path} are untouched.",
    )
    return 0

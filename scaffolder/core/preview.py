"""What a generation would produce, checked cheaply enough to run on every keystroke:
the full context, the folder name and the target, or the first problem with the answers.

No git, no store, no rendering of files: the wizard validates with this, and `generate`
repeats every check (and more) before it writes anything.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.core.answer_rules import answers_problem, name_taken_problem
from scaffolder.core.catalogue import TemplateInfo, render_context
from scaffolder.core.errors import InvalidAnswer, TargetExists, UserError
from scaffolder.core.generate import render_folder_name
from scaffolder.core.names import check_folder_name


@dataclass(frozen=True)
class Preview:
    context: dict[str, Any]
    folder_name: str
    target: Path | None
    problem: UserError | None
    choices: dict[str, list[Any]] = field(default_factory=dict)  # rendered options of choice questions
    slug_question: str = ""  # the question that names the folder (a taken folder is its problem)

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def problem_question(self) -> str | None:
        """The question the problem is about (to flag its field), if it is about one."""
        if isinstance(self.problem, TargetExists):
            return self.slug_question or None
        return self.problem.question if isinstance(self.problem, InvalidAnswer) else None


def preview(
    template: TemplateInfo,
    answers: dict[str, Any],
    output_dir: Path | None,
    *,
    identity_known: bool = True,
    taken_names: Collection[str] = (),
) -> Preview:
    """`identity_known`: whether git or the app's settings know who the user is; when neither
    does, the template's placeholder author answers are refused (they would fail at the commit).
    `taken_names`: the portfolio's project names; a new project may not reuse one."""
    choices: dict[str, list[Any]] = {}
    try:
        context = dict(render_context(template, answers, choices))
    except UserError as err:
        return Preview({}, "", None, err, choices)
    folder = ""
    slug_question = "project_slug" if "project_slug" in context else "project_name"
    try:
        folder = render_folder_name(template, context)
        check_folder_name(folder, slug_question)
    except UserError as err:
        return Preview(context, folder, None, err, choices)
    problem = answers_problem(context, identity_known=identity_known)
    project_name = str(context.get("project_name") or folder)
    if problem is None and project_name in taken_names:
        problem = name_taken_problem(project_name)
    if problem is not None:
        return Preview(context, folder, None, problem, choices, slug_question)
    if output_dir is None:
        return Preview(context, folder, None, None, choices, slug_question)
    target = Path(output_dir).expanduser() / folder
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        return Preview(
            context,
            folder,
            target,
            TargetExists(
                f"{target} already exists and is not empty.",
                "Change the project name or slug, or choose another parent folder.",
            ),
            choices,
            slug_question,
        )
    return Preview(context, folder, target, None, choices, slug_question)

"""Rules for answers whose meaning the app knows, checked before anything renders.

A template's `cookiecutter.json` says what it asks, not what a good answer is. For the questions
every bundled template shares (and many third-party ones use the same names), the app knows the
rule: `package_name` is imported by Python, `author_email` goes into package metadata and git.
The wizard shows these sentences beside the field as you type; `scaffolder new --set` and
`generate` raise the same ones, so no surface accepts what another refuses.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from typing import Any

from scaffolder.core.errors import InvalidAnswer

# Deliberately simple: one '@', a dot in the domain, nothing blank. Deliverability is not ours
# to judge, but "a@.", "x@@x.co" and "you@localhost" are not addresses a user meant to give.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.][^@\s]*\.[^@\s.]+\Z")
_PLACEHOLDER_AUTHORS = {"Your Name", "you@example.com"}


def package_name_problem(value: str) -> str | None:
    if not value:
        return "it is empty"
    if not value.isidentifier() or not value.isascii():
        return "it is not a Python identifier (letters, digits and '_', not starting with a digit)"
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return f"'{value}' is a Python keyword"
    return None


def email_problem(value: str) -> str | None:
    if not _EMAIL.match(value):
        return "it is not an e-mail address (name@domain.tld)"
    return None


def answer_problem(name: str, value: Any, *, identity_known: bool = True) -> InvalidAnswer | None:
    """Why the answer `value` to question `name` would fail later, or None if it will not."""
    text = str(value)
    if name == "package_name":
        problem = package_name_problem(text)
        if problem:
            return InvalidAnswer(
                name,
                f"The package name {text!r} is not allowed: {problem}.",
                "Use lower-case letters, digits and '_', for example 'docs_qa'.",
            )
    if name == "author_email":
        problem = email_problem(text)
        if problem:
            return InvalidAnswer(name, f"The e-mail {text!r} is not allowed: {problem}.", "Type your own e-mail.")
    if name in {"author_name", "author_email"} and not identity_known and text in _PLACEHOLDER_AUTHORS:
        return InvalidAnswer(
            name,
            f"{text!r} is the template's placeholder, and git does not know who you are either.",
            "Type your own name and e-mail: they become the author of the first commit.",
        )
    if name == "author_name" and not text.strip():
        return InvalidAnswer(name, "The author name is empty.", "Type your name as it should appear in LICENSE.")
    return None


def answers_problem(context: Mapping[str, Any], *, identity_known: bool = True) -> InvalidAnswer | None:
    """The first problem among the answers of a rendered context, in question order."""
    for name, value in context.items():
        problem = answer_problem(name, value, identity_known=identity_known)
        if problem is not None:
            return problem
    return None


def name_taken_problem(project_name: str) -> InvalidAnswer:
    """The portfolio already tracks a project of this name: the same sentence `generate` raises."""
    return InvalidAnswer(
        "project_name",
        f"The portfolio already has a project named {project_name!r}.",
        "Choose another project name, or forget the old one first.",
    )


def check_answers(context: Mapping[str, Any], *, identity_known: bool = True) -> None:
    problem = answers_problem(context, identity_known=identity_known)
    if problem is not None:
        raise problem

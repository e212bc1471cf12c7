"""An error tells the user what to do next in the words of where they read it: a command in the
terminal, a button or a field in the app. The app never tells anyone to type a flag or a
`scaffolder` command, whichever error reaches it."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import sqlite3
from pathlib import Path

import pytest

import scaffolder.core
from scaffolder.cli import build_parser
from scaffolder.core import store_recovery
from scaffolder.core.deploy.plan import plan_deploy
from scaffolder.core.errors import (
    Cancelled,
    FolderMissing,
    FolderTaken,
    NameTaken,
    ProjectNotFound,
    StoreError,
    TemplateNotTrusted,
    UserError,
)
from scaffolder.core.store import Store
from scaffolder.core.surface import HINT_ACTIONS, Surface, speak_on, word

CORE = Path(scaffolder.core.__file__).parent


def _commands_and_options() -> tuple[list[str], list[str]]:
    """The command line's own words: its commands and every option any of them takes."""
    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if a.dest == "command"]
    assert isinstance(subparsers.choices, dict)
    options = {
        option
        for command in subparsers.choices.values()
        for action in command._actions
        for option in action.option_strings
        if option.startswith("--")
    }
    return sorted(subparsers.choices), sorted(options, key=len, reverse=True)


COMMANDS, OPTIONS = _commands_and_options()
# A scaffolder command or option (another program's flag, `git merge --continue`, is that
# program's and is typed in a terminal whichever surface says so).
TYPED_BY_HAND = re.compile(
    r"\bscaffolder (?:" + "|".join(COMMANDS) + r")\b|(?<![\w-])(?:" + "|".join(map(re.escape, OPTIONS)) + r")(?![\w-])"
)


def _what_the_app_would_tell(err: UserError) -> str:
    return "\n".join(err.worded(Surface.APP))


def _every_user_error_type() -> set[str]:
    for module in pkgutil.walk_packages(scaffolder.core.__path__, "scaffolder.core."):
        importlib.import_module(module.name)
    found: set[str] = set()
    todo: list[type[UserError]] = [UserError]
    while todo:
        kind = todo.pop()
        found.add(kind.__name__)
        todo.extend(kind.__subclasses__())
    return found


def _constant_text(node: ast.AST, constants: dict[str, str]) -> str | None:
    """The words a sentence argument is built from (a formatted value as "…"), or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "…" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant_text(node.left, constants), _constant_text(node.right, constants)
        return None if left is None and right is None else (left or "…") + (right or "…")
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _sentences_raised_in(path: Path, error_types: set[str]) -> list[tuple[str, int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        target.id: text
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        for target in statement.targets
        if isinstance(target, ast.Name) and (text := _constant_text(statement.value, {})) is not None
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = (
            func.id
            if isinstance(func, ast.Name)
            else func.value.id
            if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name))
            else ""
        )
        builds_its_own = called == "cls" or (  # an error type's own wording: cls(…), super().__init__(…)
            isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call)
        )
        if called not in error_types and not builds_its_own:
            continue
        for argument in [*node.args, *(k.value for k in node.keywords)]:
            text = _constant_text(argument, constants)
            if text:
                found.append((path.relative_to(CORE).as_posix(), node.lineno, text))
    return found


def test_no_error_the_core_raises_tells_the_app_user_to_type_a_command() -> None:
    error_types = _every_user_error_type()
    sentences = [s for path in sorted(CORE.rglob("*.py")) for s in _sentences_raised_in(path, error_types)]

    assert len(sentences) > 150  # the walk sees the core's raise sites, not a handful
    assert any(where == "errors.py" for where, _line, _text in sentences)  # and the types' own wording
    typed = [
        f"{where}:{line}: {word(text, Surface.APP)!r}"
        for where, line, text in sentences
        if TYPED_BY_HAND.search(word(text, Surface.APP))
    ]
    assert typed == [], "\n".join(typed)


def test_the_walk_would_see_a_flag_if_one_were_raised() -> None:
    """The check above can fail: a sentence with a command in it is caught by the same pattern."""
    assert TYPED_BY_HAND.search("Choose another name, or forget it first (scaffolder forget 'Docs').")
    assert TYPED_BY_HAND.search("To agree, answer yes when asked, or pass --trust.")
    assert not TYPED_BY_HAND.search("Another scaffolder is writing to the portfolio; restore it (git checkout -- it).")
    assert not TYPED_BY_HAND.search("Finish it (git merge --continue) or back out of it (git merge --abort) first.")


@pytest.mark.parametrize("action", sorted(HINT_ACTIONS))
def test_every_hint_action_is_a_command_in_the_terminal_and_a_button_or_field_in_the_app(action: str) -> None:
    in_terminal = word("{" + action + "}", Surface.CLI, "My Agent")
    in_app = word("{" + action + "}", Surface.APP, "My Agent")

    assert TYPED_BY_HAND.search(in_terminal) or "git config --global" in in_terminal
    assert not TYPED_BY_HAND.search(in_app) and "{" not in in_app and "scaffolder" not in in_app


def _errors_with_their_own_wording(tmp_path: Path) -> list[UserError]:
    path = tmp_path / "portfolio.sqlite3"
    explained = [
        store_recovery.explain(sqlite3.OperationalError(text), path, 10.0)
        for text in (
            "database is locked",
            "attempt to write a readonly database",
            "database or disk is full",
            "database disk image is malformed",
            "unable to open database file",
            "disk I/O error",
            "something else entirely",
        )
    ]
    return [
        NameTaken("Docs Q&A"),
        NameTaken("Docs Q&A", tmp_path / "docs-qa"),
        FolderTaken("Docs Q&A", tmp_path / "docs-qa"),
        FolderMissing("Docs Q&A", tmp_path / "docs-qa"),
        FolderMissing("Docs Q&A", tmp_path / "docs-qa", then=", then deploy"),
        ProjectNotFound("Docs", ["Docs Q&A", "Support Agent"]),
        ProjectNotFound("Docs", []),
        Cancelled.generation(),
        Cancelled.recording(),
        Cancelled.update(),
        TemplateNotTrusted.not_agreed("my-template", "Its files are code."),
        *explained,
    ]


def test_each_error_type_says_its_next_step_as_a_button_in_the_app(tmp_path: Path) -> None:
    for err in _errors_with_their_own_wording(tmp_path):
        assert not TYPED_BY_HAND.search(_what_the_app_would_tell(err)), _what_the_app_would_tell(err)
        assert "{" not in _what_the_app_would_tell(err)


def test_a_taken_name_says_forget_as_a_command_in_the_terminal_and_a_button_in_the_app() -> None:
    taken = NameTaken("Bob's Agent")

    assert taken.worded(Surface.CLI) == (
        'The portfolio already has a project named "Bob\'s Agent".',
        "Choose another project name, or forget the old one first (scaffolder forget 'Bob'\"'\"'s Agent').",
    )
    assert (
        taken.worded(Surface.APP)[1]
        == "Choose another project name, or forget the old one first (press Forget… on its page)."
    )


def test_a_moved_project_is_located_in_the_app_and_imported_again_on_the_command_line(tmp_path: Path) -> None:
    store = Store(tmp_path / "portfolio.sqlite3")
    store.add_project(
        name="Docs Q&A", kind="rag", path=tmp_path / "gone", template=None, template_version=None, answers={}
    )
    with pytest.raises(FolderMissing) as refused:
        plan_deploy(store.get("Docs Q&A"))

    assert refused.value.worded(Surface.CLI) == (
        f"The folder of Docs Q&A is missing: {(tmp_path / 'gone').resolve()}.",
        "Bring it back, or forget it and import it from where it is now (scaffolder forget 'Docs Q&A',"
        " then scaffolder import FOLDER), then deploy.",
    )
    assert refused.value.worded(Surface.APP)[1] == "Locate it first (Locate… on its page), then deploy."


def test_the_app_words_every_error_it_shows_for_itself(tmp_path: Path) -> None:
    """`run_gui` speaks on the app: `message`, `hint` and str() then say buttons, not commands."""
    untrusted = TemplateNotTrusted.not_agreed("my-template", "Its files are code.")
    assert "pass --trust" in untrusted.hint
    speak_on(Surface.APP)
    try:
        assert "--trust" not in untrusted.hint and "--trust" not in str(untrusted)
        assert untrusted.hint.endswith(
            "To agree, press Agree when asked, or tick “I have read this template and trust it”."
        )
    finally:
        speak_on(Surface.CLI)


def test_a_second_project_of_the_same_name_is_refused_in_the_apps_words(tmp_path: Path) -> None:
    store = Store(tmp_path / "portfolio.sqlite3")
    store.add_project(
        name="Docs Q&A", kind="rag", path=tmp_path / "a", template=None, template_version=None, answers={}
    )
    speak_on(Surface.APP)
    try:
        with pytest.raises(NameTaken) as refused:
            store.add_project(
                name="Docs Q&A", kind="rag", path=tmp_path / "b", template=None, template_version=None, answers={}
            )
        shown = f"{refused.value.message}\n{refused.value.hint}"
    finally:
        speak_on(Surface.CLI)

    assert shown == (
        f"The portfolio already has a project with this name: Docs Q&A ({(tmp_path / 'a').resolve()}).\n"
        "Choose another project name, or forget the old one first (press Forget… on its page)."
    )
    assert isinstance(refused.value, UserError) and not isinstance(refused.value, StoreError)

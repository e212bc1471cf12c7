"""Templates and their questions, read from `cookiecutter.json` the way cookiecutter reads it.

Defaults are rendered with cookiecutter's own environment and `render_variable`, in
cookiecutter's order (plain values and choices first, dicts second), so what the wizard
shows is what `cookiecutter --no-input` would produce. A third-party template the user has not
agreed to run (see `consent`) is rendered in Jinja's sandbox instead, without its own extensions;
a default the sandbox refuses is shown as written.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.core.consent import TemplateCode, hook_files, inspect_template
from scaffolder.core.errors import InvalidAnswer, TemplateError
from scaffolder.core.paths import BUNDLED_KINDS, CUSTOM_KIND, templates_root

if TYPE_CHECKING:
    from jinja2 import Environment

# cookiecutter's own (ExtensionLoaderMixin): safe to load in the sandbox, unlike a template's.
COOKIECUTTER_EXTENSIONS = (
    "cookiecutter.extensions.JsonifyExtension",
    "cookiecutter.extensions.RandomStringExtension",
    "cookiecutter.extensions.SlugifyExtension",
    "cookiecutter.extensions.TimeExtension",
    "cookiecutter.extensions.UUIDExtension",
)

_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}


class QuestionKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    DICT = "dict"
    PRIVATE = "private"  # `_x`: copied as is, never asked
    PRIVATE_RENDERED = "private_rendered"  # `__x`: rendered, never asked


@dataclass(frozen=True)
class Question:
    name: str
    kind: QuestionKind
    raw_default: Any
    help: str = ""
    choices: tuple[Any, ...] = ()
    choice_labels: dict[str, str] = field(default_factory=dict)

    @property
    def asked(self) -> bool:
        return self.kind not in (QuestionKind.PRIVATE, QuestionKind.PRIVATE_RENDERED)

    @property
    def label(self) -> str:
        return self.help or self.name.replace("_", " ").capitalize()

    def coerce(self, value: Any) -> Any:
        """Turn a typed or command-line value into what cookiecutter expects, or say why not."""
        if self.kind is QuestionKind.BOOLEAN:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise InvalidAnswer(self.name, f"{self.name} must be yes or no, not {value!r}.")
        if self.kind is QuestionKind.DICT:
            if isinstance(value, dict):
                return value
            try:
                parsed = json.loads(value)
            except (TypeError, ValueError) as err:
                raise InvalidAnswer(
                    self.name, f"{self.name} must be a JSON object: {err}.", 'For example {"key": "value"}.'
                ) from err
            if not isinstance(parsed, dict):
                raise InvalidAnswer(self.name, f"{self.name} must be a JSON object, not {type(parsed).__name__}.")
            return parsed
        if self.kind is QuestionKind.CHOICE:
            options = [str(c) for c in self.choices]
            if str(value) not in options:
                raise InvalidAnswer(
                    self.name,
                    f"{value!r} is not one of the choices for {self.name}.",
                    f"Choose one of: {', '.join(options)}.",
                )
            return self.choices[options.index(str(value))]
        return value if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    path: Path
    kind: str  # rag | agent | fullstack | custom
    title: str
    description: str
    version: str
    questions: tuple[Question, ...]
    has_hooks: bool
    bundled: bool
    raw_context: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    # Content digest (third-party templates; consent is given to one digest) and what would run.
    digest: str = ""
    hook_files: tuple[str, ...] = ()
    local_extensions: tuple[str, ...] = ()
    package_extensions: tuple[str, ...] = ()
    # Bundled, or agreed to by the user: rendered for real. Otherwise only in the sandbox.
    trusted: bool = False

    def as_trusted(self) -> TemplateInfo:
        """This template once the user agreed to run it (at the digest it was loaded with)."""
        return replace(self, trusted=True)

    def question(self, name: str) -> Question:
        for q in self.questions:
            if q.name == name:
                return q
        raise InvalidAnswer(
            name,
            f"The template {self.name!r} has no question {name!r}.",
            f"Its questions are: {', '.join(q.name for q in self.questions if q.asked)}.",
        )

    @property
    def asked_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.asked)


def _prompt_help(prompts: dict[str, Any], name: str) -> tuple[str, dict[str, str]]:
    entry = prompts.get(name)
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, dict):
        labels = {str(k): str(v) for k, v in entry.items() if k != "__prompt__"}
        return str(entry.get("__prompt__", "")), labels
    return "", {}


def _question(name: str, raw: Any, prompts: dict[str, Any]) -> Question:
    help_text, labels = _prompt_help(prompts, name)
    if name.startswith("__"):
        kind = QuestionKind.PRIVATE_RENDERED
    elif name.startswith("_"):
        kind = QuestionKind.PRIVATE
    elif isinstance(raw, list):
        if not raw:
            raise TemplateError(f"The choice question {name!r} has no options.")
        kind = QuestionKind.CHOICE
    elif isinstance(raw, bool):
        kind = QuestionKind.BOOLEAN
    elif isinstance(raw, dict):
        kind = QuestionKind.DICT
    else:
        kind = QuestionKind.TEXT
    choices = tuple(raw) if kind is QuestionKind.CHOICE else ()
    return Question(name, kind, raw, help_text, choices, labels)


def _template_version(path: Path, context: dict[str, Any]) -> str:
    declared = context.get("_template_version")
    if declared:
        return str(declared)
    from scaffolder.core.git import head_commit_of

    return head_commit_of(path) or "unversioned"


def load_template(path: Path, *, kind: str | None = None, bundled: bool = False) -> TemplateInfo:
    """Read a template folder holding a `cookiecutter.json`."""
    path = Path(path).expanduser().resolve()
    config = path / "cookiecutter.json"
    if not path.is_dir():
        raise TemplateError(f"No template folder at {path}.", "Give a local folder that holds a cookiecutter.json.")
    if not config.is_file():
        raise TemplateError(f"{path} is not a cookiecutter template: it has no cookiecutter.json.")
    try:
        context = json.loads(config.read_text(encoding="utf-8"), object_pairs_hook=OrderedDict)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise TemplateError(f"Cannot read {config}: {err}.", "Fix the JSON in that file.") from err
    if not isinstance(context, dict):
        raise TemplateError(f"{config} must hold a JSON object.")
    prompts = context.get("__prompts__", {}) if isinstance(context.get("__prompts__"), dict) else {}
    questions = tuple(_question(k, v, prompts) for k, v in context.items() if k != "__prompts__")
    # The bundled templates are the app's own: no digest to read on every start.
    code = TemplateCode("", hook_files(path), (), ()) if bundled else inspect_template(path, context)
    return TemplateInfo(
        name=path.name if not bundled else (kind or path.name),
        path=path,
        kind=kind or CUSTOM_KIND,
        title=str(context.get("_template_title") or path.name),
        description=str(context.get("_template_description") or ""),
        version=_template_version(path, context),
        questions=questions,
        has_hooks=bool(code.hooks),
        bundled=bundled,
        raw_context=dict(context),
        digest=code.digest,
        hook_files=code.hooks,
        local_extensions=code.local_extensions,
        package_extensions=code.package_extensions,
        trusted=bundled,
    )


def bundled_templates() -> list[TemplateInfo]:
    root = templates_root()
    return [load_template(root / kind, kind=kind, bundled=True) for kind in BUNDLED_KINDS]


def resolve_template(name_or_path: str | Path) -> TemplateInfo:
    """A bundled template by kind (`rag`, `agent`, `fullstack`) or a template folder by path."""
    text = str(name_or_path)
    if text in BUNDLED_KINDS:
        return load_template(templates_root() / text, kind=text, bundled=True)
    if "://" in text or text.startswith("gh:") or text.startswith("git@"):
        raise TemplateError(
            f"{text!r} is a remote template; only local folders are supported.",
            "Clone it first (git clone …) and give the folder's path.",
        )
    candidate = Path(text).expanduser()
    if not candidate.exists():
        raise TemplateError(
            f"No template named {text!r}.",
            f"Use one of {', '.join(BUNDLED_KINDS)} or the path of a folder holding a cookiecutter.json.",
        )
    return load_template(candidate)


@contextlib.contextmanager
def _template_importable(template: TemplateInfo) -> Iterator[None]:
    """cookiecutter puts the template folder on sys.path while it renders (local extensions)."""
    saved = list(sys.path)
    sys.path.append(str(template.path))
    try:
        yield
    finally:
        sys.path[:] = saved


_ENVIRONMENTS: dict[tuple[str, bool, str], Environment] = {}


def jinja_environment(template: TemplateInfo) -> Environment:
    """cookiecutter's environment (with the template's extensions) for a trusted template; Jinja's
    sandbox with only cookiecutter's own extensions for one the user has not agreed to.

    One per template, trust and content digest: planning renders defaults, the folder name and
    every templated path, and building an environment (its extensions) is most of that cost."""
    key = (str(template.path), template.trusted, template.digest)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = _ENVIRONMENTS[key] = _new_environment(template)
    return env


def _new_environment(template: TemplateInfo) -> Environment:
    from cookiecutter.environment import StrictEnvironment
    from cookiecutter.exceptions import UnknownExtension
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    if not template.trusted:
        return SandboxedEnvironment(
            undefined=StrictUndefined, extensions=list(COOKIECUTTER_EXTENSIONS), keep_trailing_newline=True
        )
    try:
        with _template_importable(template):
            env: Environment = StrictEnvironment(
                context={"cookiecutter": template.raw_context}, keep_trailing_newline=True
            )
            return env
    except UnknownExtension as err:
        raise TemplateError(
            f"The template {template.name!r} names a Jinja extension that cannot be loaded: {err}.",
            "Install the package it comes from, or fix _extensions in its cookiecutter.json.",
        ) from err
    except Exception as err:  # a local extension's own code failed while importing
        raise TemplateError(
            f"The template {template.name!r} has a Jinja extension that failed to load: {type(err).__name__}: {err}.",
            "Fix the extension's code in the template folder.",
        ) from err


def render_context(
    template: TemplateInfo, answers: dict[str, Any], choices_out: dict[str, list[Any]] | None = None
) -> OrderedDict[str, Any]:
    """The full context cookiecutter would build from these answers: unanswered questions get
    their defaults, rendered against the answers before them. Raises InvalidAnswer for bad values.

    Pass `choices_out` to receive each choice question's options as rendered (e.g. for a combo box)."""
    return resolve_answers(template, answers, choices_out)[0]


def _choice_index(q: Question, value: Any, rendered: list[Any]) -> int:
    """A choice may be given as its rendered option (what a form shows) or as written."""
    shown = [str(option) for option in rendered]
    written = [str(option) for option in q.choices]
    for options in (shown, written):
        if str(value) in options:
            return options.index(str(value))
    raise InvalidAnswer(
        q.name, f"{value!r} is not one of the choices for {q.name}.", f"Choose one of: {', '.join(shown)}."
    )


def resolve_answers(
    template: TemplateInfo, answers: dict[str, Any], choices_out: dict[str, list[Any]] | None = None
) -> tuple[OrderedDict[str, Any], dict[str, Any]]:
    """(context, overrides): the context as `render_context` describes it, and the answers as
    cookiecutter's `extra_context` must get them to render that context. Cookiecutter renders an
    answer like a default (so does this), looks a choice up in the options *as written* and
    merges a dict answer into the default dict."""
    from copy import deepcopy

    from cookiecutter.generate import apply_overwrites_to_context
    from cookiecutter.prompt import render_variable
    from jinja2 import TemplateError as JinjaError

    unknown = set(answers) - {q.name for q in template.questions}
    if unknown:
        name = sorted(unknown)[0]
        template.question(name)  # raises with the list of valid names
    env = jinja_environment(template)
    result: OrderedDict[str, Any] = OrderedDict()
    overrides: dict[str, Any] = {}
    ordered = [q for q in template.questions if q.kind is not QuestionKind.DICT] + [
        q for q in template.questions if q.kind is QuestionKind.DICT
    ]
    for q in ordered:
        answered = q.name in answers and q.kind is not QuestionKind.PRIVATE
        try:
            if q.kind is QuestionKind.PRIVATE:
                result[q.name] = q.raw_default
            elif q.kind is QuestionKind.CHOICE:
                options = [render_variable(env, option, result) for option in q.choices]
                if choices_out is not None:
                    choices_out[q.name] = options
                index = _choice_index(q, answers[q.name], options) if answered else 0
                if answered:
                    overrides[q.name] = q.choices[index]
                result[q.name] = options[index]
            elif answered:
                value = overrides[q.name] = q.coerce(answers[q.name])
                if q.kind is QuestionKind.DICT:
                    value = deepcopy(q.raw_default)
                    apply_overwrites_to_context(value, overrides[q.name], in_dictionary_variable=True)
                result[q.name] = render_variable(env, value, result)
            else:
                result[q.name] = render_variable(env, q.raw_default, result)
        except JinjaError as err:
            if answered:
                raise InvalidAnswer(
                    q.name,
                    f"The answer to {q.name} cannot be rendered: {err}.",
                    "Answers are rendered like the template's defaults: balance or remove '{{' and '{%'.",
                ) from err
            if not template.trusted:  # the sandbox refused it: shown as written until the user agrees
                result[q.name] = q.raw_default if not isinstance(q.raw_default, list) else q.raw_default[0]
                if choices_out is not None and q.kind is QuestionKind.CHOICE:
                    choices_out[q.name] = list(q.choices)
                continue
            raise TemplateError(
                f"The default of {q.name!r} cannot be rendered: {err}.", "Answer it yourself or fix the template."
            ) from err
    return OrderedDict((q.name, result[q.name]) for q in template.questions), overrides


def answers_only(template: TemplateInfo, context: dict[str, Any]) -> dict[str, Any]:
    """The asked questions' values of a context (what a replay file records as answers)."""
    return {q.name: context[q.name] for q in template.asked_questions if q.name in context}

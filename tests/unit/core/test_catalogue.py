"""The catalogue: every kind of cookiecutter 2.x variable, described and defaulted the way
cookiecutter itself treats it (checked against cookiecutter's own output, not a copy of its rules)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scaffolder.core.catalogue import (
    QuestionKind,
    TemplateInfo,
    bundled_templates,
    load_template,
    render_context,
    resolve_template,
)
from scaffolder.core.errors import InvalidAnswer, TemplateError
from scaffolder.core.generate import generate
from scaffolder.core.paths import BUNDLED_KINDS
from scaffolder.core.store import Store
from tests.helpers.template_tree import PROJECT_DIR, build_file_tree

EVERY_KIND: dict[str, Any] = {
    "project_name": "Demo Project",
    "project_slug": "{{ cookiecutter.project_name|slugify }}",
    "greeting": "Hello from {{ cookiecutter.project_name }}!",
    "port": 8000,
    "license": ["MIT", "Apache-2.0", "BSD-3-Clause"],
    "flavour": ["{{ cookiecutter.project_slug }}-classic", "{{ cookiecutter.project_slug }}-lite", "plain"],
    "use_docker": False,
    "use_ci": True,
    "service": {"name": "{{ cookiecutter.project_slug }}", "replicas": 2, "tags": ["web", "ai"]},
    "_copy_without_render": ["*.bin"],
    "_secret_raw": "{{ not rendered }}",
    "__package": "{{ cookiecutter.project_slug|replace('-', '_') }}",
    "__prompts__": {
        "project_name": "What is the project called?",
        "license": {
            "__prompt__": "Which license?",
            "MIT": "MIT (permissive)",
            "Apache-2.0": "Apache 2.0 (patent grant)",
            "BSD-3-Clause": "BSD 3-clause",
        },
    },
}
QUESTIONS = [k for k in EVERY_KIND if k != "__prompts__"]


@pytest.fixture
def every_kind(tmp_path: Path) -> TemplateInfo:
    """A template whose project writes every variable, as cookiecutter rendered it, to a JSON file."""
    dump = "{\n" + ",\n".join(f'  "{k}": {{{{ cookiecutter["{k}"] | tojson }}}}' for k in QUESTIONS) + "\n}\n"
    root = build_file_tree(
        tmp_path / "every-kind",
        {
            "cookiecutter.json": EVERY_KIND,
            f"{PROJECT_DIR}/context.json": dump,
            f"{PROJECT_DIR}/README.md": "# {{ cookiecutter.project_name }}\n",
        },
    )
    return load_template(root)


def rendered_by_cookiecutter(template: TemplateInfo, out: Path, **extra: Any) -> dict[str, Any]:
    from cookiecutter.main import cookiecutter

    project = cookiecutter(
        str(template.path), no_input=True, output_dir=str(out), extra_context=extra, default_config=True
    )
    return dict(json.loads((Path(project) / "context.json").read_text(encoding="utf-8")))


def test_every_variable_kind_is_described(every_kind: TemplateInfo) -> None:
    kinds = {q.name: q.kind for q in every_kind.questions}

    assert kinds == {
        "project_name": QuestionKind.TEXT,
        "project_slug": QuestionKind.TEXT,
        "greeting": QuestionKind.TEXT,
        "port": QuestionKind.TEXT,
        "license": QuestionKind.CHOICE,
        "flavour": QuestionKind.CHOICE,
        "use_docker": QuestionKind.BOOLEAN,
        "use_ci": QuestionKind.BOOLEAN,
        "service": QuestionKind.DICT,
        "_copy_without_render": QuestionKind.PRIVATE,
        "_secret_raw": QuestionKind.PRIVATE,
        "__package": QuestionKind.PRIVATE_RENDERED,
    }
    assert [q.name for q in every_kind.asked_questions] == QUESTIONS[:9]
    assert "__prompts__" not in kinds


def test_prompts_give_help_text_and_choice_labels(every_kind: TemplateInfo) -> None:
    name, license_, slug = (every_kind.question(n) for n in ("project_name", "license", "project_slug"))

    assert name.help == name.label == "What is the project called?"
    assert license_.help == "Which license?"
    assert license_.choice_labels == {
        "MIT": "MIT (permissive)",
        "Apache-2.0": "Apache 2.0 (patent grant)",
        "BSD-3-Clause": "BSD 3-clause",
    }
    assert license_.choices == ("MIT", "Apache-2.0", "BSD-3-Clause")
    assert slug.help == "" and slug.label == "Project slug"


def test_defaults_are_what_cookiecutter_renders(every_kind: TemplateInfo, tmp_path: Path) -> None:
    ours = render_context(every_kind, {})

    theirs = rendered_by_cookiecutter(every_kind, tmp_path / "cc")

    assert json.loads(json.dumps(ours)) == theirs
    assert ours["flavour"] == "demo-project-classic"
    assert ours["service"] == {
        "name": "demo-project",
        "replicas": "2",
        "tags": ["web", "ai"],
    }  # rendered as text, as cookiecutter does
    assert ours["__package"] == "demo_project" and ours["_secret_raw"] == "{{ not rendered }}"
    assert ours["port"] == "8000"  # cookiecutter renders numbers to text


def test_defaults_follow_earlier_answers_as_in_cookiecutter(every_kind: TemplateInfo, tmp_path: Path) -> None:
    answers = {"project_name": "Legal Search", "use_docker": True, "license": "BSD-3-Clause"}

    ours = render_context(every_kind, answers)
    theirs = rendered_by_cookiecutter(every_kind, tmp_path / "cc", **answers)

    assert json.loads(json.dumps(ours)) == theirs
    assert ours["project_slug"] == "legal-search" and ours["greeting"] == "Hello from Legal Search!"


def test_generating_with_every_kind_renders_what_the_catalogue_predicted(
    every_kind: TemplateInfo, tmp_path: Path
) -> None:
    answers = {
        "project_name": "Legal Search",
        "use_docker": "yes",
        "flavour": "plain",
        "service": '{"name": "api", "replicas": 3, "tags": []}',
    }

    result = generate(every_kind, answers, tmp_path / "out", store=Store(), trust=True)

    rendered = json.loads((result.project.path / "context.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(render_context(every_kind, answers))) == rendered
    assert rendered["use_docker"] is True and rendered["flavour"] == "plain"
    assert rendered["service"] == {"name": "api", "replicas": "3", "tags": []}


def test_a_templated_choice_can_be_generated_with_its_default_or_another_option(
    every_kind: TemplateInfo, tmp_path: Path
) -> None:
    """Choice options may be templates: the default is the first option *rendered*, and a
    rendered option is a valid answer (it is what a form shows)."""
    store = Store()

    first = generate(every_kind, {}, tmp_path / "a", store=store, trust=True)
    second = generate(
        every_kind, {"project_name": "Other", "flavour": "other-lite"}, tmp_path / "b", store=store, trust=True
    )

    def flavour_of(project: Path) -> str:
        return str(json.loads((project / "context.json").read_text(encoding="utf-8"))["flavour"])

    assert flavour_of(first.project.path) == "demo-project-classic"
    assert flavour_of(second.project.path) == "other-lite"
    assert second.project.answers["flavour"] == "other-lite"


def test_answers_are_rendered_and_merged_the_way_cookiecutter_does(every_kind: TemplateInfo, tmp_path: Path) -> None:
    answers: dict[str, Any] = {"greeting": "Hi from {{ cookiecutter.project_slug }}", "service": {"name": "api"}}

    ours = render_context(every_kind, answers)
    theirs = rendered_by_cookiecutter(every_kind, tmp_path / "cc", **answers)

    assert json.loads(json.dumps(ours)) == theirs
    assert ours["greeting"] == "Hi from demo-project"
    assert ours["service"] == {"name": "api", "replicas": "2", "tags": ["web", "ai"]}  # merged into the default


def test_an_answer_that_cannot_be_rendered_is_an_invalid_answer(every_kind: TemplateInfo) -> None:
    with pytest.raises(InvalidAnswer) as refused:
        render_context(every_kind, {"greeting": "Hi {{ unclosed"})

    assert refused.value.question == "greeting"


# --- coercion of typed values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("yes", True),
        ("y", True),
        ("true", True),
        ("1", True),
        ("On", True),
        ("no", False),
        ("false", False),
        ("0", False),
        ("off", False),
        (True, True),
        (False, False),
    ],
)
def test_boolean_answers_accept_yes_no_words(every_kind: TemplateInfo, typed: Any, expected: bool) -> None:
    assert every_kind.question("use_docker").coerce(typed) is expected
    assert render_context(every_kind, {"use_docker": typed})["use_docker"] is expected


def test_a_boolean_answer_that_is_not_yes_or_no_is_refused(every_kind: TemplateInfo) -> None:
    with pytest.raises(InvalidAnswer, match="yes or no"):
        every_kind.question("use_ci").coerce("maybe")


def test_dict_answers_are_json_objects(every_kind: TemplateInfo) -> None:
    service = every_kind.question("service")

    assert service.coerce('{"name": "x", "replicas": 1}') == {"name": "x", "replicas": 1}
    assert service.coerce({"already": "a dict"}) == {"already": "a dict"}
    with pytest.raises(InvalidAnswer, match="JSON object"):
        service.coerce("[1, 2]")
    with pytest.raises(InvalidAnswer, match="JSON object"):
        service.coerce("name=x")


def test_an_invalid_choice_is_refused_with_the_list_of_options(every_kind: TemplateInfo) -> None:
    with pytest.raises(InvalidAnswer) as refused:
        render_context(every_kind, {"license": "WTFPL"})

    assert refused.value.question == "license"
    assert "Choose one of: MIT, Apache-2.0, BSD-3-Clause." in str(refused.value)


def test_text_answers_are_kept_as_text(every_kind: TemplateInfo) -> None:
    assert every_kind.question("port").coerce(9000) == "9000"
    assert render_context(every_kind, {"project_name": "  Spaces kept  "})["project_name"] == "  Spaces kept  "


def test_an_answer_to_an_unknown_question_lists_the_questions(every_kind: TemplateInfo) -> None:
    with pytest.raises(InvalidAnswer, match="project_name, project_slug"):
        render_context(every_kind, {"projekt_name": "typo"})


# --- templates: bundled, third-party, broken ------------------------------------------------


def test_the_bundled_templates_are_found_with_their_shared_questions() -> None:
    templates = bundled_templates()

    assert [t.kind for t in templates] == list(BUNDLED_KINDS)
    for template in templates:
        assert template.bundled and template.name == template.kind
        names = {q.name for q in template.asked_questions}
        assert {"project_name", "project_slug"} <= names
        assert template.question("project_name").kind is QuestionKind.TEXT
        context = render_context(template, {})
        assert context["project_slug"] and "{{" not in str(context["project_slug"])


def test_a_template_folder_is_resolved_by_path_and_is_custom(every_kind: TemplateInfo) -> None:
    template = resolve_template(str(every_kind.path))

    assert (template.kind, template.bundled, template.name) == ("custom", False, "every-kind")
    assert template.version == "unversioned"  # not in a git repository, no _template_version


def test_a_third_party_template_in_git_is_versioned_by_its_commit(every_kind: TemplateInfo) -> None:
    import subprocess

    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "template"]):
        subprocess.run(["git", *args], cwd=every_kind.path, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=every_kind.path, check=True, capture_output=True, text=True
    ).stdout.strip()

    assert load_template(every_kind.path).version == head


def test_a_template_in_a_repository_without_commits_is_unversioned(every_kind: TemplateInfo) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=every_kind.path, check=True)

    assert load_template(every_kind.path).version == "unversioned"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({}, "no cookiecutter.json"),
        ({"cookiecutter.json": "{not json"}, "Cannot read"),
        ({"cookiecutter.json": "[1, 2]"}, "JSON object"),
        ({"cookiecutter.json": {"project_name": "x", "license": []}}, "no options"),
    ],
)
def test_a_broken_template_is_refused_with_a_reason(tmp_path: Path, spec: dict[str, Any], message: str) -> None:
    root = build_file_tree(tmp_path / "broken", spec)

    with pytest.raises(TemplateError, match=message):
        load_template(root)


@pytest.mark.parametrize("name", ["gh:audreyfeldroy/cookiecutter-pypackage", "https://example.com/t.git", "nope"])
def test_a_remote_or_unknown_template_name_is_refused(name: str) -> None:
    with pytest.raises(TemplateError):
        resolve_template(name)

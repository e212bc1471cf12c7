"""One house style for the three bundled templates, checked on what they render, with no virtual
environment: each project is formatted and lint-clean as generated (its CI runs `ruff format
--check`), no function is longer than a screen, each concern has the same module name, the logs
have the same JSON keys, the copied provider code agrees, the slug check is the app's own, and
GitHub's `${{ }}` is protected from Jinja one way."""

from __future__ import annotations

import ast
import json
import logging
import re
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import jinja2
import pytest
from cookiecutter.exceptions import FailedHookException

from scaffolder.core import names
from scaffolder.core.names import folder_name_problem
from scaffolder.core.paths import BUNDLED_KINDS
from tests.templates import harness

MAX_FUNCTION_LINES = 60
VARIANTS = [(kind, answers) for kind in BUNDLED_KINDS for answers in [{}, *harness.choice_variants(kind)]]
Render = Callable[..., Path]
VARIANT_IDS = [f"{kind}:{harness.variant_id(answers)}" for kind, answers in VARIANTS]


@pytest.fixture(scope="module")
def render_once(tmp_path_factory: pytest.TempPathFactory) -> Render:
    """Render each (template, answers) once for the whole module: rendering runs the hooks."""
    rendered: dict[str, Path] = {}

    def render(kind: str, answers: dict[str, str] | None = None) -> Path:
        key = f"{kind}:{harness.variant_id(answers or {})}"
        if key not in rendered:
            rendered[key] = harness.render(kind, tmp_path_factory.mktemp(kind), **(answers or {}))
        return rendered[key]

    return render


def package_of(project: Path) -> Path:
    return next(p for p in (project / "src").iterdir() if (p / "__init__.py").is_file())


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.parametrize(("kind", "answers"), VARIANTS, ids=VARIANT_IDS)
def test_a_generated_project_is_formatted_and_lint_clean_as_generated(
    kind: str, answers: dict[str, str], render_once: Render
) -> None:
    project = render_once(kind, answers)

    formatted = ruff("format", "--check", "--no-cache", ".", cwd=project)
    linted = ruff("check", "--no-cache", ".", cwd=project)

    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    assert linted.returncode == 0, linted.stdout + linted.stderr
    ci = (project / ".github" / "workflows" / "ci.yml").read_text("utf-8")
    assert "python -m ruff format --check ." in ci and "python -m ruff check ." in ci


def long_functions(project: Path) -> list[str]:
    found = []
    for path in sorted(project.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path.relative_to(project)}:{node.lineno} {node.name} ({length} lines)")
    return found


@pytest.mark.parametrize(("kind", "answers"), VARIANTS, ids=VARIANT_IDS)
def test_no_generated_function_is_longer_than_sixty_lines(
    kind: str, answers: dict[str, str], render_once: Render
) -> None:
    assert long_functions(render_once(kind, answers)) == []


def test_the_length_check_sees_a_long_function(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def short():\n    return 1\n\n\ndef long():\n{body}", "utf-8")
    assert long_functions(tmp_path) == [f"long.py:5 long ({MAX_FUNCTION_LINES + 1} lines)"]


@pytest.mark.parametrize("kind", BUNDLED_KINDS)
def test_each_concern_has_the_same_module_name_in_every_template(kind: str, render_once: Render) -> None:
    package = package_of(render_once(kind))
    assert (package / "logs.py").is_file()  # structured logging
    assert (package / "config.py").is_file()  # settings from the environment
    assert (package / "providers" / "__init__.py").is_file()  # the model providers
    assert [name for name in ("logging_setup.py", "settings.py", "llm.py") if (package / name).exists()] == []


def module_tree(path: Path) -> tuple[str, ast.Module]:
    source = path.read_text("utf-8")
    return source, ast.parse(source)


def top_level(path: Path, name: str) -> str:
    """The source of the module-level class, function or assignment called `name`."""
    source, tree = module_tree(path)
    for node in tree.body:
        assigned = [*getattr(node, "targets", []), getattr(node, "target", None)]  # x = / x: T =
        targets = [t.id for t in assigned if isinstance(t, ast.Name)]
        if getattr(node, "name", None) == name or name in targets:
            segment = ast.get_source_segment(source, node)
            assert segment is not None
            return segment
    raise AssertionError(f"{path} defines no {name}")


def literal(path: Path, name: str) -> object:
    value = ast.parse(top_level(path, name)).body[0].value  # type: ignore[attr-defined]
    if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "frozenset":
        return frozenset(ast.literal_eval(value.args[0]))
    if isinstance(value, ast.Dict):  # the entries written out (not those computed, like offline's)
        return {
            ast.literal_eval(k): ast.literal_eval(v)
            for k, v in zip(value.keys, value.values, strict=True)
            if k is not None and not isinstance(v, ast.Name | ast.Attribute | ast.Call)
        }
    return ast.literal_eval(value)


def test_the_json_logs_have_the_same_formatter_and_keys_in_every_template(render_once: Render) -> None:
    logs = [package_of(render_once(kind)) / "logs.py" for kind in BUNDLED_KINDS]
    formatters = {top_level(path, "JsonFormatter") + "\n" + top_level(path, "_RESERVED") for path in logs}
    assert len(formatters) == 1, "JsonFormatter or _RESERVED differs between the templates' logs.py"

    # The shared formatter, run: the project's own context fields come after the four keys.
    namespace: dict[str, object] = {"context_fields": lambda: {"request_id": "req-1"}}
    exec("import json, logging\nfrom datetime import UTC, datetime\n" + formatters.pop(), namespace)
    record = logging.makeLogRecord({"name": "app", "levelno": 20, "levelname": "INFO", "msg": "request"})
    record.status = 200
    entry = json.loads(namespace["JsonFormatter"]().format(record))  # type: ignore[operator]
    assert list(entry) == ["time", "level", "logger", "message", "request_id", "status"]
    assert entry["level"] == "info" and entry["time"].endswith("+00:00")
    # The command-line projects log to whatever stderr is at the time, the same way.
    handlers = {top_level(package_of(render_once(kind)) / "logs.py", "_StderrHandler") for kind in ("rag", "agent")}
    assert len(handlers) == 1


def provider_file(kind: str, render_once: Render, name: str) -> Path:
    return package_of(render_once(kind)) / "providers" / name


def test_the_copied_provider_code_agrees_across_templates(render_once: Render) -> None:
    """The retry policy, default models and prices exist once per template; they must not drift."""
    retry_homes = {"rag": "http.py", "agent": "base.py", "fullstack": "hosted.py"}
    retried = {
        kind: literal(provider_file(kind, render_once, home), "RETRY_STATUS") for kind, home in retry_homes.items()
    }
    assert len(set(retried.values())) == 1, retried

    rag_models = literal(provider_file("rag", render_once, "__init__.py"), "DEFAULT_MODELS")
    fullstack_models = literal(package_of(render_once("fullstack")) / "config.py", "DEFAULT_MODELS")
    agent_models = {
        vendor: literal(provider_file("agent", render_once, f"{vendor}.py"), "DEFAULT_MODEL")
        for vendor in ("openai", "anthropic")
    }
    assert isinstance(rag_models, dict) and isinstance(fullstack_models, dict)
    assert rag_models == {vendor: fullstack_models[vendor] for vendor in rag_models}
    # The agent's Ollama default differs on purpose (a model with tool calling); the hosted ones not.
    assert agent_models == {vendor: rag_models[vendor] for vendor in agent_models}

    rag_prices = literal(provider_file("rag", render_once, "__init__.py"), "PRICES")
    agent_prices = literal(package_of(render_once("agent")) / "pricing.py", "PRICES_PER_MTOK")
    assert isinstance(rag_prices, dict) and isinstance(agent_prices, dict)
    shared = rag_prices.keys() & agent_prices.keys()
    assert shared and {m: rag_prices[m] for m in shared} == {m: agent_prices[m] for m in shared}


def pre_gen_hook(kind: str) -> Path:
    return harness.template_dir(kind) / "hooks" / "pre_gen_project.py"


def test_the_pre_gen_check_is_one_file_in_every_template() -> None:
    assert len({pre_gen_hook(kind).read_text("utf-8") for kind in BUNDLED_KINDS}) == 1


@cache
def hook_verdict(slug: str, package: str = "my_app") -> tuple[int, str]:
    """Run the pre-gen hook as cookiecutter would, with these answers: (exit code, output)."""
    source = jinja2.Environment(keep_trailing_newline=True).from_string(pre_gen_hook("rag").read_text("utf-8"))
    script = source.render(cookiecutter={"project_slug": slug, "package_name": package})
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    return done.returncode, done.stdout + done.stderr


def without_annotations(function: ast.FunctionDef) -> str:
    for arg in function.args.args:
        arg.annotation = None
    function.returns = None
    return ast.dump(function)


def test_the_pre_gen_check_is_the_cores_folder_name_rule_line_for_line() -> None:
    """The hook cannot import the app (cookiecutter runs it alone), so it carries a copy."""
    script = jinja2.Environment().from_string(pre_gen_hook("rag").read_text("utf-8"))
    hook: dict[str, object] = {}
    exec(script.render(cookiecutter={"project_slug": "my-app", "package_name": "my_app"}), hook)
    for constant in ("ALLOWED", "_WINDOWS_INVALID", "_WINDOWS_RESERVED", "_SAFE"):
        assert hook[constant] == getattr(names, constant), constant

    def function(source: str) -> ast.FunctionDef:
        tree = ast.parse(source)
        return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "folder_name_problem")

    in_hook = function(pre_gen_hook("rag").read_text("utf-8").replace("{{", "").replace("}}", ""))
    in_core = function(Path(names.__file__).read_text("utf-8"))
    assert without_annotations(in_hook) == without_annotations(in_core)


FOLDER_NAMES = [
    "my-rag-app",
    "v1.2-notes",
    "Ask_The_Docs",
    "9lives",
    "-dash",
    ".hidden",
    "a..b",
    "CON",
    "lpt1.txt",
    "trailing.",
    "two words",
    "café",
    "a/b",
    "tab\there",
    "",
    "x" * 100,
    "x" * 101,
]


@pytest.mark.parametrize("slug", FOLDER_NAMES, ids=[n if len(n) < 20 else f"{len(n)}-characters" for n in FOLDER_NAMES])
def test_the_pre_gen_check_refuses_exactly_the_folder_names_the_app_refuses(slug: str) -> None:
    code, output = hook_verdict(slug)
    problem = folder_name_problem(slug)

    assert (code == 0) == (problem is None), output
    if problem is not None:
        assert f"is not allowed: {problem}." in output and "Traceback" not in output


@pytest.mark.parametrize(
    ("package", "allowed"), [("my_app", True), ("class", False), ("1app", False), ("naïve", False), ("my-app", False)]
)
def test_the_pre_gen_check_refuses_a_package_name_python_cannot_import(package: str, allowed: bool) -> None:
    code, output = hook_verdict("my-app", package)
    assert (code == 0) == allowed, output


@pytest.mark.parametrize("kind", BUNDLED_KINDS)
def test_a_reserved_windows_name_is_refused_before_any_file_is_written(kind: str, tmp_path: Path) -> None:
    with pytest.raises(FailedHookException):
        harness.render(kind, tmp_path, project_slug="CON", package_name="con")
    assert list(tmp_path.iterdir()) == []


GITHUB_EXPRESSION = "${{"
PROTECTED = "{% raw %}${{"


@pytest.mark.parametrize("kind", BUNDLED_KINDS)
def test_ci_files_protect_githubs_expressions_from_jinja_one_way(kind: str, render_once: Render) -> None:
    sources = list(harness.template_dir(kind).glob("*/.github/**/*.yml"))
    assert sources
    for source in sources:
        text = source.read_text("utf-8")
        unprotected = [
            m.start()
            for m in re.finditer(re.escape(GITHUB_EXPRESSION), text)
            if not text[: m.start() + 3].endswith(PROTECTED)
        ]
        assert unprotected == [], f"{source}: wrap each ${{{{ … }}}} as {{% raw %}}${{{{ … }}}}{{% endraw %}}"
        assert '{{ "{{" }}' not in text and "${% raw %}" not in text
    ci = (render_once(kind) / ".github" / "workflows" / "ci.yml").read_text("utf-8")
    assert "${{ matrix.os }}" in ci and "{% raw %}" not in ci

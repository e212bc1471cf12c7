"""From a generated project to something shown: `scaffolder writeup` drafts only what still holds the
template's prompts, from the project's own files; `scaffolder export` states only measured or recorded
facts. Real generated projects, real git, a real portfolio, real processes; a fake model *server* on
127.0.0.1 for the provider path."""

from __future__ import annotations

import json
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from scaffolder.core.catalogue import resolve_template
from scaffolder.core.drafts import draft_blocks
from scaffolder.core.generate import generate
from scaffolder.core.readiness import check_project
from scaffolder.core.readiness.markdown import parse_markdown
from scaffolder.core.store import Store
from scaffolder.core.writeup_draft import draft_writeup
from tests.helpers.cli import run_scaffolder

ROOT = Path(__file__).resolve().parents[2]


def scaffolder(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_scaffolder(*args, env=env)


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def store(isolated_user: Path) -> Store:
    return Store()


@pytest.fixture
def rag_project(tmp_path: Path, store: Store) -> Path:
    result = generate(resolve_template("rag"), {"project_name": "Docs QA"}, tmp_path / "out", store=store)
    project = result.project.path
    (project / "NOTES.md").write_text("my notes\n", encoding="utf-8")
    git(project, "add", "NOTES.md")
    git(project, "commit", "-q", "-m", "feat(retrieval): add a cross-encoder reranker")
    git(project, "commit", "-q", "--allow-empty", "-m", "fix: skip empty PDF pages")
    git(project, "commit", "-q", "--allow-empty", "-m", "Tune the chunk size")
    return project


def section(text: str, heading: str) -> str:
    lines = text.splitlines()
    start = lines.index(f"## {heading}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start + 1 : end])


def test_a_fresh_project_gets_every_section_drafted_from_its_own_files(rag_project: Path) -> None:
    result = draft_writeup(rag_project, name="Docs QA")
    assert result.drafted == ["problem", "approach", "architecture", "results", "lessons"]
    text = (rag_project / "WRITEUP.md").read_text(encoding="utf-8")
    readme = (rag_project / "README.md").read_text(encoding="utf-8")
    results = (rag_project / "evals" / "results.md").read_text(encoding="utf-8")

    # Problem: the README's pitch, word for word.
    pitch = next(p.text for p in parse_markdown(readme).paragraphs if not p.media_only and len(p.text.split()) >= 4)
    assert pitch in section(text, "Problem")
    # Approach: the answers the project was generated with.
    answers = json.loads((rag_project / ".cookiecutter.json").read_text(encoding="utf-8"))["cookiecutter"]
    assert f"`llm_provider`: {answers['llm_provider']}" in section(text, "Approach")
    # Architecture: the README's Mermaid diagram itself.
    diagram = re.search(r"```mermaid\n(.*?)```", readme, re.S)
    assert diagram is not None and diagram.group(1).strip() in section(text, "Architecture")
    # Results: every figure as evals/results.md states it, and the command that wrote it.
    hit3 = re.search(r"\| hit@3 \| ([0-9.]+) \|", results)
    assert hit3 is not None and f"| hit@3 | {hit3.group(1)} | `evals/results.md` |" in section(text, "Results")
    command = re.search(r"Written by `([^`]+)`", results)
    assert command is not None and f"Produced by `{command.group(1)}`" in section(text, "Results")
    # What I learned: the author's commits after generation, grouped, never the generated one.
    lessons = section(text, "What I learned")
    assert "**Features added**" in lessons and "add a cross-encoder reranker" in lessons
    assert "**Bugs fixed**" in lessons and "skip empty PDF pages" in lessons
    assert "**Other changes**" in lessons and "Tune the chunk size" in lessons
    assert "(3 commits of mine)" in lessons


def test_drafted_words_do_not_count_until_the_author_edits_them(rag_project: Path, store: Store) -> None:
    before = check_project(store, "Docs QA", offline=True).result("writeup-draft")
    draft_writeup(rag_project)
    after = check_project(store, "Docs QA", offline=True).result("writeup-draft")
    assert not after.ok

    def words(evidence: str) -> int:
        found = re.search(r"(\d+) words of your own", evidence)
        assert found is not None, evidence
        return int(found.group(1))

    assert words(after.evidence) == words(before.evidence)

    text = (rag_project / "WRITEUP.md").read_text(encoding="utf-8")
    edited = text.replace("The choices this project was built on:", "I chose these deliberately, here is why:")
    (rag_project / "WRITEUP.md").write_text(edited, encoding="utf-8")
    now = check_project(store, "Docs QA", offline=True).result("writeup-draft")
    assert words(now.evidence) > words(after.evidence)


def test_drafting_again_keeps_the_hand_written_section_and_replaces_unedited_drafts(rag_project: Path) -> None:
    draft_writeup(rag_project)
    path = rag_project / "WRITEUP.md"
    mine = "I wrote this myself: support agents lose an hour a day to contradicting docs."
    text = path.read_text(encoding="utf-8")
    problem = section(text, "Problem")
    path.write_text(text.replace(problem, f"\n{mine}\n"), encoding="utf-8")
    git(rag_project, "commit", "-q", "--allow-empty", "-m", "docs: polish the write-up")

    result = draft_writeup(rag_project)
    text = path.read_text(encoding="utf-8")
    assert section(text, "Problem").strip() == mine
    assert {s.section: s.action for s in result.sections}["problem"] == "kept"
    assert {s.section: s.action for s in result.sections}["lessons"] == "redrafted"
    assert len(draft_blocks(text)) == 4  # one per drafted section, never a second copy
    assert "polish the write-up" in section(text, "What I learned")


def test_an_edited_draft_is_the_authors_and_is_never_drafted_over(rag_project: Path) -> None:
    draft_writeup(rag_project)
    path = rag_project / "WRITEUP.md"
    text = path.read_text(encoding="utf-8").replace("Produced by", "Measured on my laptop, produced by")
    path.write_text(text, encoding="utf-8")
    result = draft_writeup(rag_project)
    assert {s.section: s.action for s in result.sections}["results"] == "kept"
    assert "Measured on my laptop" in path.read_text(encoding="utf-8")


class FakeOpenAI(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        reply = {
            "model": "fake-gpt-1",
            "choices": [{"message": {"role": "assistant", "content": "I built this because docs contradict."}}],
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def openai_server() -> Iterator[str]:
    FakeOpenAI.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_a_provider_writes_prose_from_the_same_facts_and_the_draft_says_which_model(
    rag_project: Path, openai_server: str
) -> None:
    done = scaffolder(
        "writeup",
        "Docs QA",
        "--provider",
        "openai",
        "--json",
        env={"OPENAI_BASE_URL": openai_server, "OPENAI_API_KEY": "sk-test-not-real"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["model"] == "fake-gpt-1"
    sent = FakeOpenAI.requests
    assert len(sent) == 5 and all(r["path"] == "/v1/chat/completions" for r in sent)
    assert sent[0]["auth"] == "Bearer sk-test-not-real"
    assert "Answers questions" in sent[0]["body"]["messages"][1]["content"]  # the pitch, as a fact
    text = (rag_project / "WRITEUP.md").read_text(encoding="utf-8")
    assert all(block.author == "fake-gpt-1" for block in draft_blocks(text))
    assert "I built this because docs contradict." in section(text, "Problem")


def test_an_unreachable_provider_is_a_sentence_and_the_writeup_is_untouched(rag_project: Path) -> None:
    before = (rag_project / "WRITEUP.md").read_text(encoding="utf-8")
    done = scaffolder("writeup", "Docs QA", "--provider", "openai", env={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert done.returncode == 1
    assert done.stderr.startswith("error: openai could not be reached") and "Traceback" not in done.stderr
    assert (rag_project / "WRITEUP.md").read_text(encoding="utf-8") == before


def test_export_states_only_measured_or_recorded_facts(rag_project: Path, store: Store, tmp_path: Path) -> None:
    git(rag_project, "remote", "add", "origin", "https://github.com/ada/docs-qa.git")
    assert scaffolder("set", "Docs QA", "live-url", "https://docs-qa.onrender.com").returncode == 0
    results = (rag_project / "evals" / "results.md").read_text(encoding="utf-8")
    hit3 = re.search(r"\| hit@3 \| ([0-9.]+) \|", results).group(1)  # type: ignore[union-attr]
    mrr = re.search(r"\| MRR \| ([0-9.]+) \|", results).group(1)  # type: ignore[union-attr]

    out = tmp_path / "profile.md"
    done = scaffolder("export", "--offline", "-o", str(out))
    assert done.returncode == 0, done.stderr
    profile = out.read_text(encoding="utf-8")
    assert "### [Docs QA](https://github.com/ada/docs-qa)" in profile
    assert f"hit@3 {hit3}" in profile and f"MRR {mrr}" in profile
    assert "**Live:** https://docs-qa.onrender.com" in profile
    assert "demo" not in profile.lower()  # no GIF committed: no demo line, no placeholder
    assert "FastAPI" in profile

    resume = scaffolder("export", "--offline", "--format", "resume").stdout
    assert resume.startswith("- Built a RAG service, Docs QA: ")
    assert f"(hit@3 {hit3}, MRR {mrr}); https://docs-qa.onrender.com." in resume

    data = json.loads(scaffolder("export", "--offline", "--format", "json").stdout)
    (exported,) = data["projects"]
    assert exported["figures"] == [
        {"name": "hit@3", "value": hit3, "source": "evals/results.md"},
        {"name": "MRR", "value": mrr, "source": "evals/results.md"},
    ]
    assert exported["writeup_url"] is None and exported["demo_gif_url"] is None


def test_export_leaves_out_what_a_bare_repository_does_not_have(tmp_path: Path, store: Store) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    git(bare, "init", "-q")
    (bare / "README.md").write_text("# Bare\n", encoding="utf-8")
    git(bare, "add", ".")
    git(bare, "commit", "-q", "-m", "init")
    assert scaffolder("import", str(bare)).returncode == 0
    resume = scaffolder("export", "--offline", "--format", "resume").stdout
    assert resume == "- Built a project, bare.\n"


class FakeProviders(BaseHTTPRequestHandler):
    """Answers in each provider's own wire format, by path; records what arrived."""

    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeProviders.seen.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.path == "/v1/messages":
            reply: dict[str, Any] = {"model": "claude-test", "content": [{"type": "text", "text": "From Claude."}]}
        elif self.path == "/api/chat":
            reply = {"model": "llama-test", "message": {"role": "assistant", "content": "From Ollama."}}
        else:
            reply = {"model": "gpt-test", "choices": [{"message": {"content": "From GPT."}}]}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize(
    ("provider", "env", "text", "path"),
    [
        (
            "anthropic",
            {"ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": "{url}"},
            "From Claude.",
            "/v1/messages",
        ),
        ("ollama", {"OLLAMA_BASE_URL": "{url}"}, "From Ollama.", "/api/chat"),
        ("openai", {"OPENAI_BASE_URL": "{url}/v1"}, "From GPT.", "/v1/chat/completions"),
    ],
)
def test_each_provider_is_spoken_to_in_its_own_wire_format(
    provider: str, env: dict[str, str], text: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder.core.llm import ANTHROPIC_VERSION, complete

    FakeProviders.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProviders)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value.format(url=url))
    try:
        completion = complete(provider, "system words", "user words")
    finally:
        server.shutdown()
        server.server_close()
    assert completion.text == text
    (request,) = FakeProviders.seen
    assert request["path"] == path
    headers = {k.lower(): v for k, v in request["headers"].items()}
    if provider == "anthropic":
        # As anthropic 2.14.0 sends them: the key as a Bearer token, its API version.
        assert headers["authorization"] == "Bearer sk-ant-test"
        assert headers["anthropic-version"] == ANTHROPIC_VERSION == "2026-10-21"
        assert request["body"]["system"] == "system words"
        assert request["body"]["messages"] == [{"role": "user", "content": "user words"}]
    else:
        # A local OpenAI-compatible server or Ollama with no key: no Authorization header at all.
        assert "authorization" not in headers
        assert request["body"]["messages"][0] == {"role": "system", "content": "system words"}

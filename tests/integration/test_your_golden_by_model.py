"""With a provider set up, a model drafts golden questions from the user's documents, and the review
says which ones a model drafted. The provider is a fake OpenAI *server* on 127.0.0.1 speaking the
real chat-completions protocol; the app's own HTTP client talks to it."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaffolder.core.corpus import scan_corpus
from scaffolder.core.golden import draft_golden, origin_label, providers_with_keys
from tests.helpers.cli import run_scaffolder
from tests.helpers.documents import two_topic_corpus
from tests.helpers.fake_openai import MODEL, FakeOpenAI, drafted_question, fake_openai

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with fake_openai() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
        yield server


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return two_topic_corpus(tmp_path / "tenancy-and-bees")


def scaffolder(*args: str) -> subprocess.CompletedProcess[str]:
    return run_scaffolder(*args, timeout=180)


def test_a_model_drafts_one_request_per_document_and_each_question_cites_its_file(
    provider: FakeOpenAI, corpus: Path
) -> None:
    drafts = draft_golden(scan_corpus(corpus), provider="openai")
    by_model = {q.question: q for q in drafts if q.origin == f"model:{MODEL}"}
    assert by_model[drafted_question("Residential leases")].sources == ("tenancy/lease.md",)
    assert by_model[drafted_question("Hives")].sources == ("bees/hives.rst",)
    assert by_model[drafted_question("Notice periods")].sources == ("tenancy/notice.pdf",)
    assert len(provider.requests) == 4 and {r["path"] for r in provider.requests} == {"/v1/chat/completions"}
    assert provider.requests[0]["auth"] == "Bearer sk-test-not-real"
    assert origin_label(by_model[drafted_question("Hives")].origin) == f"drafted by the model {MODEL}"


def test_the_environment_says_which_providers_can_draft() -> None:
    assert providers_with_keys({}) == []
    assert providers_with_keys({"OPENAI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"}) == ["openai", "anthropic"]
    assert providers_with_keys({"OLLAMA_HOST": "http://127.0.0.1:11434"}) == ["ollama"]


def test_new_with_a_model_says_which_questions_it_drafted(
    provider: FakeOpenAI, corpus: Path, tmp_path: Path, isolated_user: Path
) -> None:
    done = scaffolder(
        "new", "rag", "-o", str(tmp_path / "out"), "--set", "project_name=Tenancy QA", "--docs", str(corpus),
        "--draft-with", "openai", "--no-index", "--no-input", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert created["knowledge_base"]["drafted_by"] == MODEL
    assert f"golden questions (with the model {MODEL})" in done.stderr
    project = Path(created["path"])
    assert f"(some by the model {MODEL})" in (project / "README.md").read_text(encoding="utf-8")
    listing = scaffolder("golden", "Tenancy QA").stdout
    swarm = next(line for line in listing.splitlines() if drafted_question("Swarming") in line)
    assert f"[bees/swarming.md; drafted by the model {MODEL}]" in swarm
    assert "[tenancy/lease.md; a definition (offline)]" in listing  # a model's one question, then offline ones


def test_a_provider_that_fails_is_said_and_the_offline_drafts_stand_in(
    provider: FakeOpenAI, corpus: Path, tmp_path: Path, isolated_user: Path
) -> None:
    provider.fail_with = 500
    done = scaffolder(
        "new", "rag", "-o", str(tmp_path / "out"), "--docs", str(corpus), "--draft-with", "openai",
        "--no-index", "--no-input", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "openai did not draft (openai answered HTTP 500" in done.stderr and "drafted offline" in done.stderr
    assert json.loads(done.stdout)["knowledge_base"]["drafted_by"] == "offline"


def test_offline_drafting_offers_the_model_and_golden_drafts_more_with_it(
    provider: FakeOpenAI, corpus: Path, tmp_path: Path, isolated_user: Path
) -> None:
    done = scaffolder(
        "new", "rag", "-o", str(tmp_path / "out"), "--set", "project_name=Tenancy QA", "--docs", str(corpus),
        "--no-index", "--no-input",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "A model can draft questions too (openai is set up)" in done.stderr
    assert provider.requests == []  # offered, not used
    before = json.loads(scaffolder("golden", "Tenancy QA", "--json").stdout)["counts"]["pending"]

    more = scaffolder("golden", "Tenancy QA", "--draft-with", "openai", "--json")
    assert more.returncode == 0, more.stderr
    listing = json.loads(more.stdout)
    assert listing["counts"]["pending"] == before + 4  # one new question per document, all still to review
    drafted = [q for q in listing["questions"] if q["origin"] == f"model:{MODEL}"]
    assert {q["sources"][0] for q in drafted} == {
        "tenancy/lease.md",
        "tenancy/notice.pdf",
        "bees/hives.rst",
        "bees/swarming.md",
    }

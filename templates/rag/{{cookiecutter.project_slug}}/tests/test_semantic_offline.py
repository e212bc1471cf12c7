"""Semantic search works offline: the bundled wordllama model, hybrid retrieval on text the
template's authors did not write, and "I don't know" thresholds calibrated per mode."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, GOLDEN, PROJECT

from {{ cookiecutter.package_name }} import embeddings
from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.embeddings import WordLlamaEmbedder, build_embedder
from {{ cookiecutter.package_name }}.evaluate import run_eval
from {{ cookiecutter.package_name }}.service import RagService
from {{ cookiecutter.package_name }}.store import SQLiteStore
from {{ cookiecutter.package_name }}.thresholds import calibrate, load_thresholds

CLICK_DOCS = PROJECT / "data" / "click-docs"
CLICK_GOLDEN = PROJECT / "evals" / "click-golden.jsonl"
HYBRID = "hybrid:wordllama:l2_supercat:256"


def test_the_bundled_model_loads_and_embeds_with_no_network_at_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(sock: socket.socket, address: object) -> None:
        raise OSError(f"no network in this test: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    embeddings._bundled_wordllama.cache_clear()  # really load it here, not from an earlier test
    embedder = build_embedder(Settings(embedding_provider="wordllama"))
    assert isinstance(embedder, WordLlamaEmbedder)
    vectors = embedder.embed(["remove a directory tree", "delete a folder", "pricing plans"])
    assert vectors.shape == (3, 256) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Meaning, not shared words: the two phrasings have no word in common.
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


@pytest.fixture(scope="module")
def click_services(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RagService]:
    services = {}
    for provider in ("none", "wordllama"):
        path = tmp_path_factory.mktemp(provider) / "index.sqlite3"
        settings = Settings.from_env({"LLM_PROVIDER": "offline", "EMBEDDING_PROVIDER": provider})
        service = RagService.from_settings(settings, store=SQLiteStore(path))
        service.ingestor.ingest_paths([CLICK_DOCS], base=CLICK_DOCS)
        services[provider] = service
    yield services
    for service in services.values():
        service.close()


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("How do I keep a number between 0 and 100?", "options.rst"),
        ("How can I restrict a value to a fixed set of allowed words?", "options.rst"),
        ("How can -h work as well as --help?", "documentation.rst"),
    ],
)
def test_hybrid_search_finds_paraphrases_keyword_search_misses(
    click_services: dict[str, RagService], question: str, source: str
) -> None:
    """Click's own docs, questions worded the way a user asks: the words differ, the meaning
    matches. Keyword search alone misses these; the offline hybrid finds them."""
    keyword = [h.chunk.source for h in click_services["none"].retriever.search(question, k=3)]
    hybrid = [h.chunk.source for h in click_services["wordllama"].retriever.search(question, k=3)]
    assert source not in keyword
    assert source in hybrid
    assert click_services["wordllama"].retriever.mode == HYBRID


def test_hybrid_keeps_dont_know_honest_on_the_golden_set() -> None:
    """One threshold for two scales made "don't know" accuracy fall to 0.4-0.5 with vectors
    on; the hybrid mode's own calibrated threshold keeps it."""
    settings = Settings.from_env({"LLM_PROVIDER": "offline", "EMBEDDING_PROVIDER": "wordllama"})
    result = run_eval(settings, CORPUS, GOLDEN, k=5)
    assert result.config["retrieval mode"] == HYBRID
    assert result.metrics["hit@3"] >= 0.95, result.metrics
    assert result.metrics["dont_know_recall"] == 1.0, result.metrics
    assert result.metrics["dont_know_precision"] >= 0.8, result.metrics


def test_each_mode_is_judged_by_its_own_threshold(
    click_services: dict[str, RagService],
) -> None:
    shipped = load_thresholds()
    assert set(shipped) >= {"keyword", HYBRID}
    assert shipped["keyword"] != shipped[HYBRID]
    assert click_services["none"].answerer.threshold() == shipped["keyword"]
    assert click_services["wordllama"].answerer.threshold() == shipped[HYBRID]
    # MIN_RELEVANCE, when set, overrides every mode.
    pinned = click_services["wordllama"]
    pinned_settings = pinned.settings.with_(min_relevance=0.9)
    service = RagService(pinned_settings, pinned.store, pinned.embedder, None, shipped)
    assert service.answerer.threshold() == 0.9


def test_an_embedder_without_a_calibrated_threshold_is_judged_on_keyword_coverage(
    settings: Settings, store: SQLiteStore
) -> None:
    service = RagService.from_settings(settings.with_(embedding_provider="hashing"), store=store)
    service.ingestor.ingest_bytes("a.md", b"# Alpha\n\nThe alpha reactor runs on saltwater.")
    assert service.retriever.mode == "hybrid:hashing:v1:256"
    assert service.answerer.threshold() == service.thresholds["keyword"]
    hit = service.retriever.search("alpha reactor saltwater")[0]
    assert hit.relevance == hit.coverage  # not a mean with a similarity nobody calibrated


def test_calibration_picks_the_threshold_that_separates_answerable_from_not() -> None:
    result = calibrate(answerable=[0.41, 0.52, 0.6, 0.35], unanswerable=[0.2, 0.29, 0.1])
    assert 0.29 < result.threshold < 0.35
    assert result.balanced_accuracy == 1.0
    overlapping = calibrate(answerable=[0.3, 0.5, 0.6], unanswerable=[0.4, 0.1])
    assert overlapping.balanced_accuracy < 1.0
    with pytest.raises(ValueError, match="unanswerable"):
        calibrate(answerable=[0.5], unanswerable=[])


def test_eval_calibrate_writes_the_threshold_of_the_current_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(json.dumps({"thresholds": {"keyword": {"threshold": 0.3}}}), "utf-8")
    monkeypatch.setenv("EMBEDDING_PROVIDER", "wordllama")
    args = [
        "eval",
        "--corpus",
        str(CORPUS),
        "--golden",
        str(GOLDEN),
        "--calibrate",
        "--thresholds",
        str(thresholds),
        "--out",
        str(tmp_path / "r.md"),
        "--no-readme",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    written = json.loads(thresholds.read_text("utf-8"))["thresholds"]
    assert written["keyword"] == {"threshold": 0.3}  # other modes are kept
    entry = written[HYBRID]
    assert entry["golden_set"].endswith("golden.jsonl") and entry["balanced_accuracy"] == 1.0
    assert f"{entry['threshold']}" in out
    assert '| "don\'t know" precision |' in out
    assert '| "don\'t know" recall (unanswerable questions declined) |' in out


def test_the_independent_corpus_is_real_licensed_text_with_its_own_questions() -> None:
    licence = (CLICK_DOCS / "LICENSE").read_text("utf-8")
    assert "BSD-3-Clause" in licence and "Copyright 2014 Pallets" in licence
    questions = [json.loads(line) for line in CLICK_GOLDEN.read_text("utf-8").splitlines()]
    assert len(questions) >= 50 and sum(1 for q in questions if not q["sources"]) >= 5
    for question in questions:
        for source in question["sources"]:
            assert (CLICK_DOCS / source).is_file(), source

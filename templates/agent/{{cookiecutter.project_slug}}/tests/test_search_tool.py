"""`web_search`: the offline corpus backend, and the real APIs faked at the HTTP boundary."""

from __future__ import annotations

import json

import httpx
import pytest

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.tools import ToolContext, ToolError, registry
from {{ cookiecutter.package_name }}.tools.search import (
    BraveSearch,
    LocalCorpusSearch,
    TavilySearch,
    make_backend,
)


def search(settings: Settings, query: str, client: httpx.Client | None = None, **extra):
    return registry.get("web_search").call({"query": query, **extra}, ToolContext(settings, client))


def test_local_corpus_ranks_the_relevant_page_first(settings: Settings) -> None:
    result = search(settings, "return refund days")
    assert result["backend"] == "local"
    top = result["results"][0]
    assert set(top) == {"title", "url", "snippet"}
    assert top["title"] == "Returns and refunds"
    assert "30 days" in top["snippet"]


def test_local_corpus_respects_max_results_and_finds_nothing_for_nonsense(
    settings: Settings,
) -> None:
    assert len(search(settings, "warranty tent sleeping", max_results=2)["results"]) == 2
    assert search(settings, "zzzqqq xyzzy")["results"] == []


def test_bm25_prefers_rarer_terms() -> None:
    backend = LocalCorpusSearch()
    ranked = [backend.documents[i].title for _, i in backend.score("BM25 ranking function")]
    assert ranked[0] == "Okapi BM25"


def tavily_app(request: httpx.Request) -> httpx.Response:
    assert request.method == "POST" and request.url.path == "/search"
    if request.headers["authorization"] != "Bearer tvly-test":
        return httpx.Response(401, json={"detail": "bad key"})
    body = json.loads(request.content)
    assert body == {"query": "agent guards", "max_results": 3, "search_depth": "basic"}
    return httpx.Response(
        200,
        json={
            "results": [
                {
                    "title": "Guards",
                    "url": "https://example.org/guards",
                    "content": "Limit steps.",
                    "score": 0.9,
                },
            ]
        },
    )


def test_tavily_request_and_response_shapes(tmp_path) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        search_backend="tavily",
        tavily_api_key="tvly-test",
        tavily_base_url="https://tavily.test",
    )
    client = httpx.Client(transport=httpx.MockTransport(tavily_app))
    result = search(settings, "agent guards", client)
    assert result == {
        "backend": "tavily",
        "results": [
            {"title": "Guards", "url": "https://example.org/guards", "snippet": "Limit steps."}
        ],
    }


def test_tavily_bad_key_is_a_tool_error() -> None:
    client = httpx.Client(transport=httpx.MockTransport(tavily_app))
    with pytest.raises(ToolError, match="refused the API key"):
        TavilySearch("wrong", "https://tavily.test", client).search("agent guards", 3)


def test_brave_request_and_response_shapes() -> None:
    def brave_app(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/res/v1/web/search"
        assert request.url.params["q"] == "bm25" and request.url.params["count"] == "2"
        assert request.headers["x-subscription-token"] == "brave-test"
        return httpx.Response(
            200,
            json={
                "web": {
                    "results": [
                        {
                            "title": "Okapi BM25",
                            "url": "https://example.org/bm25",
                            "description": "A <strong>ranking</strong> function.",
                        },
                    ]
                }
            },
        )

    client = httpx.Client(transport=httpx.MockTransport(brave_app))
    results = BraveSearch("brave-test", "https://brave.test", client).search("bm25", 2)
    assert [r.as_dict() for r in results] == [
        {"title": "Okapi BM25", "url": "https://example.org/bm25", "snippet": "A ranking function."}
    ]


def test_rate_limit_and_unreachable_backend_are_tool_errors(tmp_path) -> None:
    limited = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(429)))
    with pytest.raises(ToolError, match="rate limit"):
        BraveSearch("k", "https://brave.test", limited).search("x", 1)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    settings = Settings(
        _env_file=None, data_dir=tmp_path, search_backend="brave", brave_api_key="k"
    )
    with pytest.raises(ToolError, match="unreachable"):
        search(settings, "anything", httpx.Client(transport=httpx.MockTransport(down)))


@pytest.mark.parametrize("backend", ["tavily", "brave"])
def test_a_backend_without_its_key_falls_back_to_the_corpus(tmp_path, backend: str) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, search_backend=backend)
    with httpx.Client() as client:
        assert make_backend(settings, client).name == "local"

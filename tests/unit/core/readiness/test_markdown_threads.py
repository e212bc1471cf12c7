"""The engine reads several projects at a time: the Markdown parser must work from many threads
at once, from its very first use (the dashboard's readiness check failed now and then)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import mdurl._decode
import mdurl._encode
import pytest

from scaffolder.core.readiness import markdown

README_WITH_LINKS = "".join(
    f"## Part {i}\n\n[the docs {i}](https://example.com/a b/{i}?q=1&r=%{i}) ![shot](shots/{i}.png)\n\n"
    for i in range(30)
)


@pytest.fixture
def threads_switching_often() -> Iterator[None]:
    """Many more thread switches than usual: a race that needs an unlucky one shows at once."""
    saved = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(saved)


def test_the_first_parses_on_many_threads_at_once_all_succeed(threads_switching_often: None) -> None:
    for _ in range(40):  # the old code failed about one time in seven
        # As in a fresh process: no parser yet, and mdurl's tables empty.
        markdown._parser.cache_clear()
        mdurl._encode.encode_cache.clear()
        mdurl._decode.decode_cache.clear()
        failures: list[BaseException] = []

        def parse(failures: list[BaseException] = failures) -> None:
            try:
                doc = markdown.parse_markdown(README_WITH_LINKS)
                assert doc is not None
            except BaseException as err:  # collected: an exception on a thread would be lost
                failures.append(err)

        threads = [threading.Thread(target=parse) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []

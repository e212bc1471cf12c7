"""`sql_query` reads the sample database, nothing can write to it, and no query can take more
than its share of time, memory or output."""

from __future__ import annotations

import sqlite3
import sys
import time

import pytest

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.tools import ToolContext, ToolError, registry
from {{ cookiecutter.package_name }}.tools.sql import (
    QueryLimits,
    connect_read_only,
    ensure_database,
    run_query,
)


def sql(settings: Settings, query: str):
    return registry.get("sql_query").call({"query": query}, ToolContext(settings))


def test_database_is_built_at_first_use(settings: Settings) -> None:
    assert not settings.database_path.exists()
    result = sql(settings, "SELECT COUNT(*) FROM orders")
    assert settings.database_path.exists()
    assert result == {"columns": ["COUNT(*)"], "rows": [[160]], "row_count": 1, "truncated": False}


def test_select_with_join_and_view(settings: Settings) -> None:
    result = sql(
        settings,
        "SELECT ROUND(SUM(total), 2) AS revenue FROM order_totals "
        "WHERE status IN ('delivered', 'shipped') AND order_date LIKE '2024-%'",
    )
    assert result["columns"] == ["revenue"]
    assert result["rows"] == [[49089.5]]


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TABLE customers",
        "UPDATE products SET unit_price = 0",
        "DELETE FROM orders",
        "INSERT INTO customers (id, name) VALUES (999, 'x')",
        "ATTACH DATABASE 'other.db' AS other",
        "CREATE TABLE t (x)",
        "PRAGMA writable_schema = ON",
        "SELECT load_extension('evil')",
    ],
)
def test_anything_but_select_is_refused(settings: Settings, statement: str) -> None:
    with pytest.raises(ToolError, match=r"refused|not authorized"):
        sql(settings, statement)
    assert sql(settings, "SELECT COUNT(*) FROM customers")["rows"] == [[30]]


def test_multiple_statements_are_refused(settings: Settings) -> None:
    with pytest.raises(ToolError, match="only one SQL statement"):
        sql(settings, "SELECT 1; DROP TABLE customers")
    assert sql(settings, "SELECT COUNT(*) FROM customers")["rows"] == [[30]]


def test_the_file_itself_is_opened_read_only(settings: Settings) -> None:
    path = ensure_database(settings.database_path)
    connection = connect_read_only(path, QueryLimits(timeout_s=5))
    connection.set_authorizer(None)  # even without the authorizer, the file cannot be written
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        connection.execute("DELETE FROM orders")
    connection.close()


def test_row_limit(settings: Settings) -> None:
    result = run_query(ensure_database(settings.database_path), "SELECT * FROM orders", 7, 5)
    assert result["row_count"] == 7 and len(result["rows"]) == 7
    assert result["truncated"] is True


def test_time_limit(settings: Settings) -> None:
    path = ensure_database(settings.database_path)
    slow = "SELECT COUNT(*) FROM order_items a, order_items b, order_items c, order_items d"
    with pytest.raises(ToolError, match="time limit"):
        run_query(path, slow, 10, timeout_s=0.05)


def test_errors_are_reported_not_raised_as_crashes(settings: Settings) -> None:
    with pytest.raises(ToolError, match="no such table"):
        sql(settings, "SELECT * FROM invoices")


def test_path_with_spaces(tmp_path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "my data dir")
    assert sql(settings, "SELECT COUNT(*) FROM products")["rows"] == [[15]]


def peak_rss_mb() -> float | None:
    """This process's peak resident memory in MB (None where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@pytest.mark.parametrize(
    "query",
    [
        "SELECT zeroblob(300000000)",
        "SELECT length(randomblob(300000000))",
        "SELECT group_concat(printf('%.*c', 900000, 'x')) FROM orders",
        "SELECT length(replace(hex(zeroblob(600000)), '0', 'xxxxxxxx'))",
    ],
)
def test_a_huge_value_is_refused_before_it_is_built(settings: Settings, query: str) -> None:
    ensure_database(settings.database_path)  # built first, so only the query is timed
    before = peak_rss_mb()
    started = time.monotonic()
    with pytest.raises(ToolError, match=r"larger than 1000000 bytes \(SQL_MAX_VALUE_BYTES\)"):
        sql(settings, query)
    # Refused at the first oversized allocation: no 300 MB ever exists (the old code took 9.6 s
    # and 2.6 GB for the zeroblob).
    assert time.monotonic() - started < 1.0
    after = peak_rss_mb()
    if before is not None and after is not None:
        assert after - before < 100


def test_recursive_ctes_run_within_the_bounds(settings: Settings) -> None:
    result = sql(
        settings,
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10) "
        "SELECT SUM(x) FROM n",
    )
    assert result["rows"] == [[55]]
    months = sql(
        settings,
        "WITH RECURSIVE m(d) AS (SELECT '2024-01-01' UNION ALL "
        "SELECT date(d, '+1 month') FROM m WHERE d < '2024-12-01') "
        "SELECT substr(m.d, 1, 7) AS month, COUNT(o.id) AS orders FROM m "
        "LEFT JOIN orders o ON substr(o.order_date, 1, 7) = substr(m.d, 1, 7) GROUP BY m.d",
    )
    assert len(months["rows"]) == 12
    assert (
        sum(row[1] for row in months["rows"])
        == sql(settings, "SELECT COUNT(*) FROM orders WHERE order_date LIKE '2024-%'")["rows"][0][0]
    )


def test_an_endless_recursive_cte_is_stopped(settings: Settings) -> None:
    path = ensure_database(settings.database_path)
    endless = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n"
    )
    with pytest.raises(ToolError, match="time limit"):
        run_query(path, endless, limits=QueryLimits(timeout_s=0.2))
    # Streaming it is fine: only the first rows are ever produced.
    streamed = run_query(path, endless.replace("COUNT(*)", "x"), limits=QueryLimits(max_rows=5))
    assert streamed["rows"] == [[1], [2], [3], [4], [5]] and streamed["truncated"] is True
    growing = (
        "WITH RECURSIVE s(t) AS (SELECT 'x' UNION ALL SELECT t || t FROM s) SELECT length(t) FROM s"
    )
    with pytest.raises(ToolError, match="SQL_MAX_VALUE_BYTES"):
        run_query(path, growing, limits=QueryLimits(max_rows=100))


def test_the_result_is_cut_by_size_as_well_as_by_rows(settings: Settings) -> None:
    path = ensure_database(settings.database_path)
    wide = "SELECT printf('%.*c', 5000, 'x') FROM orders"
    result = run_query(path, wide, limits=QueryLimits(max_rows=1_000, max_result_bytes=20_000))
    assert result["row_count"] == 4 and result["truncated"] is True
    assert "SQL_MAX_RESULT_BYTES" in result["note"]


def test_blobs_are_described_not_dumped(settings: Settings) -> None:
    assert sql(settings, "SELECT zeroblob(16)")["rows"] == [["<blob, 16 bytes>"]]


def test_sqlite_memory_is_capped(settings: Settings) -> None:
    connection = connect_read_only(ensure_database(settings.database_path), QueryLimits())
    connection.set_authorizer(None)
    limit = connection.execute("PRAGMA hard_heap_limit").fetchone()[0]
    connection.close()
    assert 0 < limit <= settings.sql_max_memory_mb * 1024 * 1024

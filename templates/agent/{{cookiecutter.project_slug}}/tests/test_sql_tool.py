"""`sql_query` reads the sample database and nothing can write to it."""

from __future__ import annotations

import sqlite3

import pytest

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.tools import ToolContext, ToolError, registry
from {{ cookiecutter.package_name }}.tools.sql import connect_read_only, ensure_database, run_query


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
    connection = connect_read_only(path, timeout_s=5)
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

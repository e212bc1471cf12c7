"""The offline planner's SQL: a small library of query patterns over the sample database.

The router (`routing.py`) has already decided that a question is about the shop's data; this
module picks the pattern that fits and fills it in. Values taken from the question (a year, a
country, a product name) are reduced to letters, digits and spaces before they go into SQL, and
the tool is read-only anyway. A question no pattern fits gets the list of tables, honestly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

REVENUE = "status IN ('delivered', 'shipped')"
SCHEMA_QUERY = (
    "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name",
    "schema",
)
# How `sql_query` describes your own database (tools/sql.py): the planner's sign that the
# shop's patterns do not apply.
OWN_DATABASE = "against my own database"
COUNTRIES = [
    "Austria",
    "Czechia",
    "France",
    "Germany",
    "Italy",
    "Norway",
    "Portugal",
    "Spain",
    "Sweden",
    "Switzerland",
]
# Words users say for the product categories in the database.
CATEGORIES = {
    "tent": "tents",
    "sleeping": "sleeping",
    "bag": "sleeping",
    "mat": "sleeping",
    "pack": "packs",
    "backpack": "packs",
    "clothing": "clothing",
    "jacket": "clothing",
    "footwear": "footwear",
    "boot": "footwear",
    "shoe": "footwear",
    "runner": "footwear",
    "cooking": "cooking",
    "stove": "cooking",
    "accessor": "accessories",
    "headlamp": "accessories",
    "pole": "accessories",
}
SEGMENTS = {"club": "club", "business": "business", "consumer": "consumer"}
_SENTENCE_WORDS = {
    "what",
    "how",
    "which",
    "who",
    "when",
    "is",
    "does",
    "do",
    "the",
    "our",
    "we",
    "i",
    "eur",
}


def product_name_pattern(text: str) -> str | None:
    """A LIKE pattern for a product named in the question ('the Stormshell Rain Jacket' ->
    '%Stormshell%Rain%Jacket%'), from its capitalised words; None when none is named."""
    words = re.findall(r"\b[A-Z0-9][A-Za-z0-9+-]*\b", text)
    kept = [w for w in words[1:] if w.lower() not in _SENTENCE_WORDS] if words else []
    if not kept:
        return None
    # "Stoves" -> "Stove": plurals of the name still match.
    stems = [re.sub(r"[^A-Za-z0-9+-]", "", w.removesuffix("es").removesuffix("s")) for w in kept]
    return "%" + "%".join(stem for stem in stems if stem) + "%"


def _category(lower: str) -> str | None:
    return next((cat for word, cat in CATEGORIES.items() if re.search(rf"\b{word}", lower)), None)


@dataclass(frozen=True)
class _Asked:
    """What a question names, reduced to what the query patterns need."""

    text: str
    lower: str
    year: re.Match[str] | None
    in_year: str
    in_year_o: str
    country: str | None
    limit: int
    category: str | None
    named: str | None
    items: str

    @classmethod
    def parse(cls, text: str) -> _Asked:
        lower = text.lower()
        year = re.search(r"\b(20\d\d)\b", lower)
        in_year = f" AND order_date LIKE '{year.group(1)}-%'" if year else ""
        in_year_o = in_year.replace("order_date", "o.order_date")
        top = re.search(r"\btop (\d+)", lower)
        return cls(
            text=text,
            lower=lower,
            year=year,
            in_year=in_year,
            in_year_o=in_year_o,
            country=next((c for c in COUNTRIES if c.lower() in lower), None),
            limit=int(top.group(1)) if top else 1,
            category=_category(lower),
            named=product_name_pattern(text),
            items=(
                "FROM order_items i JOIN products p ON p.id = i.product_id "
                f"JOIN orders o ON o.id = i.order_id WHERE o.{REVENUE}{in_year_o}"
            ),
        )


def sql_for(text: str) -> tuple[str, str]:
    """(query, what it finds) for a question about the shop's data: the first pattern group
    that fits, in order (margins and prices, then customers, then totals)."""
    asked = _Asked.parse(text)
    for patterns in (_margin_and_price, _customer_rankings, _totals):
        found = patterns(asked)
        if found is not None:
            return found
    return SCHEMA_QUERY


def _margin_and_price(q: _Asked) -> tuple[str, str] | None:
    lower, items = q.lower, q.items
    if re.search(r"margin|profit", lower):
        if "categor" in lower:
            return (
                "SELECT p.category, ROUND(SUM(i.quantity * (i.unit_price - p.unit_cost)), 2) "
                f"AS gross_margin {items} GROUP BY p.category ORDER BY gross_margin DESC",
                "gross margin by category",
            )
        return (
            f"SELECT ROUND(SUM(i.quantity * (i.unit_price - p.unit_cost)), 2) AS gross_margin "
            f"{items}",
            "gross margin",
        )
    priciest = re.search(r"most expensive|priciest|highest (list )?price|dearest", lower)
    cheapest = re.search(r"cheapest|least expensive|lowest (list )?price", lower)
    if priciest or cheapest:
        category = q.category
        where = f" WHERE category = '{category}'" if category and "product" not in lower else ""
        order = "DESC" if priciest else "ASC"
        return (
            f"SELECT name, category, unit_price FROM products{where} "
            f"ORDER BY unit_price {order} LIMIT {q.limit}",
            "most expensive product" if priciest else "cheapest product",
        )
    if q.named and re.search(r"\b(cost|costs|price|sell for|how much is)\b", lower):
        return (
            f"SELECT name, unit_price FROM products WHERE name LIKE '{q.named}'",
            "list price",
        )
    if q.named and re.search(r"\b(sold|sell|units)\b", lower):
        return (
            f"SELECT p.name, SUM(i.quantity) AS units_sold {items} AND p.name LIKE '{q.named}' "
            "GROUP BY p.id",
            "units sold",
        )
    return None


def _customer_rankings(q: _Asked) -> tuple[str, str] | None:
    lower = q.lower
    if re.search(r"customer", lower) and re.search(
        r"most orders|most often|placed the most|ordered the most", lower
    ):
        return (
            "SELECT c.name, COUNT(*) AS orders FROM orders o JOIN customers c "
            f"ON c.id = o.customer_id{' WHERE 1 = 1' + q.in_year_o if q.year else ''} "
            f"GROUP BY c.id ORDER BY orders DESC LIMIT {q.limit}",
            "customers by number of orders",
        )
    if re.search(r"(top|best|biggest|largest|most valuable).*customer|customer.*spen[dt]", lower):
        return (
            f"SELECT c.name, c.country, ROUND(SUM(t.total), 2) AS revenue FROM order_totals t "
            f"JOIN customers c ON c.id = t.customer_id WHERE t.{REVENUE}{q.in_year} "
            f"GROUP BY c.id ORDER BY revenue DESC LIMIT {q.limit}",
            "top customers",
        )
    if re.search(r"which country|what country|countr(y|ies) .*most", lower):
        return (
            "SELECT country, COUNT(*) AS customers FROM customers GROUP BY country "
            "ORDER BY customers DESC LIMIT 3",
            "customers by country",
        )
    return None


def _totals(q: _Asked) -> tuple[str, str] | None:
    lower = q.lower
    if re.search(r"product", lower) and re.search(r"most|best|top|highest", lower):
        return (
            f"SELECT p.name, ROUND(SUM(i.quantity * i.unit_price), 2) AS revenue, "
            f"SUM(i.quantity) AS units {q.items} GROUP BY p.id "
            f"ORDER BY revenue DESC LIMIT {q.limit}",
            "top products",
        )
    if re.search(r"average order|order value|aov", lower):
        return (
            f"SELECT ROUND(AVG(total), 2) AS average_order_value FROM order_totals "
            f"WHERE {REVENUE}{q.in_year}",
            "average order value",
        )
    if re.search(r"how many|number of|count", lower):
        return _count(lower, q.year, q.country, q.category)
    if re.search(r"revenue|sales|sold|turnover|income", lower):
        return _revenue(lower, q.in_year, q.in_year_o, q.items, q.country, q.category)
    return None


def _count(
    lower: str, year: re.Match[str] | None, country: str | None, category: str | None
) -> tuple[str, str]:
    if re.search(r"\bproducts?\b", lower) and "order" not in lower:
        where = f" WHERE category = '{category}'" if category else ""
        return f"SELECT COUNT(*) AS products FROM products{where}", "product count"
    if "customer" in lower or "clubs" in lower:
        conditions = [f"country = '{country}'"] if country else []
        segment = next((seg for word, seg in SEGMENTS.items() if word in lower), None)
        if segment:
            conditions.append(f"segment = '{segment}'")
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        return f"SELECT COUNT(*) AS customers FROM customers{where}", "customer count"
    status = next(
        (
            s
            for s in ("returned", "cancelled", "shipped", "delivered")
            if s in lower or s.rstrip("ed") in lower
        ),
        None,
    )
    conditions = [f"status = '{status}'"] if status else []
    if re.search(r"\b(in the |in-)?store\b", lower) and "web" not in lower:
        conditions.append("channel = 'store'")
    elif re.search(r"\b(web|online)\b", lower) and "store" not in lower:
        conditions.append("channel = 'web'")
    if year:
        conditions.append(f"order_date LIKE '{year.group(1)}-%'")
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    return f"SELECT COUNT(*) AS orders FROM orders{where}", "order count"


def _revenue(
    lower: str,
    in_year: str,
    in_year_o: str,
    items: str,
    country: str | None,
    category: str | None,
) -> tuple[str, str]:
    if "channel" in lower or re.search(r"\bweb\b.*\bstore\b|\bstore\b.*\bweb\b", lower):
        return (
            f"SELECT channel, ROUND(SUM(total), 2) AS revenue FROM order_totals "
            f"WHERE {REVENUE}{in_year} GROUP BY channel ORDER BY revenue DESC",
            "revenue by channel",
        )
    if "category" in lower or "categories" in lower:
        return (
            f"SELECT p.category, ROUND(SUM(i.quantity * i.unit_price), 2) AS revenue "
            f"{items} GROUP BY p.category ORDER BY revenue DESC",
            "revenue by category",
        )
    if category:
        return (
            f"SELECT ROUND(SUM(i.quantity * i.unit_price), 2) AS revenue {items} "
            f"AND p.category = '{category}'",
            "revenue",
        )
    if country:
        return (
            f"SELECT ROUND(SUM(t.total), 2) AS revenue FROM order_totals t JOIN customers c "
            f"ON c.id = t.customer_id WHERE t.{REVENUE} AND c.country = '{country}'"
            f"{in_year.replace('order_date', 't.order_date')}",
            "revenue",
        )
    return (
        f"SELECT ROUND(SUM(total), 2) AS revenue FROM order_totals WHERE {REVENUE}{in_year}",
        "revenue",
    )


def sql_answer(kind: str, describe_value: Callable[[Any], str]) -> Callable[[Any], str]:
    """How the planner words a query's result."""

    def answer(result: dict[str, Any]) -> str:
        rows, columns = result.get("rows", []), result.get("columns", [])
        if kind == "schema":
            names = ", ".join(str(row[1]) for row in rows)
            return (
                "The offline planner has no query pattern for that question. The database "
                f"has: {names}."
            )
        if not rows:
            return "The query returned no rows."
        if len(rows) == 1 and len(rows[0]) == 1:
            value = rows[0][0]
            unit = " EUR" if kind in ("revenue", "average order value", "gross margin") else ""
            return f"{kind.capitalize()}: {describe_value(value)}{unit}"
        lines = [
            ", ".join(
                f"{col}: {describe_value(val)}" for col, val in zip(columns, row, strict=False)
            )
            for row in rows[:10]
        ]
        return f"{kind.capitalize()}: " + "; ".join(lines)

    return answer


# Your own database: the planner knows no patterns for your tables, only these shapes, which
# name the table and column as the eval tasks drafted from the schema do ("How many rows are in
# the plants table?"). Names are plain identifiers, quoted; the tool is read-only anyway.
_NAME = r"([A-Za-z_][A-Za-z0-9_]*)"
_OWN_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[str, str]]]] = [
    (
        re.compile(rf"how many rows (?:are )?(?:there )?in (?:the )?{_NAME} table", re.I),
        lambda m: (f'SELECT COUNT(*) AS row_count FROM "{m[1]}"', f"rows in {m[1]}"),
    ),
    (
        re.compile(
            rf"in the {_NAME} table,? which rows? (?:has|have) the "
            rf"(highest|largest|biggest|lowest|smallest) {_NAME}",
            re.I,
        ),
        lambda m: (
            f'SELECT * FROM "{m[1]}" WHERE "{m[3]}" IS NOT NULL ORDER BY "{m[3]}" '
            f"{'ASC' if m[2].lower() in ('lowest', 'smallest') else 'DESC'} LIMIT 1",
            f"{m[2].lower()} {m[3]} in {m[1]}",
        ),
    ),
    (
        re.compile(rf"what is the (total|sum of|average|mean) {_NAME} in the {_NAME} table", re.I),
        lambda m: (
            f'SELECT {"SUM" if m[1].lower() in ("total", "sum of") else "AVG"}("{m[2]}") '
            f'FROM "{m[3]}"',
            f"{m[1].lower()} {m[2]} in {m[3]}",
        ),
    ),
]


def own_data_sql(text: str) -> tuple[str, str] | None:
    """(query, kind) for a question that names a table of your own database, or None."""
    for pattern, build in _OWN_PATTERNS:
        found = pattern.search(text)
        if found:
            return build(found)
    return None

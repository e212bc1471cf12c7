"""The kinds of project are the bundled templates' own: each template's cookiecutter.json says
which slot of the portfolio it fills, and the store, the dashboard and `scaffolder status` all
take the kinds from there. The two URLs a project records are one enum, mapped to the store."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

from scaffolder.cli import build_parser
from scaffolder.core import paths
from scaffolder.core.paths import BUNDLED_KINDS, CUSTOM_KIND, KINDS, SLOT_KEY
from scaffolder.core.store import Store, UrlField


def test_the_bundled_kinds_are_the_templates_in_the_order_of_their_slots() -> None:
    slots = {
        kind: json.loads((paths.templates_root() / kind / "cookiecutter.json").read_text(encoding="utf-8"))[SLOT_KEY]
        for kind in BUNDLED_KINDS
    }

    assert BUNDLED_KINDS == ("rag", "agent", "fullstack")
    assert list(slots.values()) == sorted(slots.values())
    assert (*BUNDLED_KINDS, CUSTOM_KIND) == KINDS


def test_a_template_folder_with_a_slot_is_a_new_kind_and_one_without_is_not(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    for kind in BUNDLED_KINDS:
        shutil.copytree(paths.templates_root() / kind, root / kind, ignore=shutil.ignore_patterns("{{*"))
    (root / "voice").mkdir()
    (root / "voice" / "cookiecutter.json").write_text(json.dumps({"project_name": "Voice", SLOT_KEY: 0}))
    (root / "notes").mkdir()
    (root / "notes" / "cookiecutter.json").write_text(json.dumps({"project_name": "Notes"}))

    assert paths._bundled_kinds(root) == ("voice", "rag", "agent", "fullstack")


def test_the_portfolio_schema_accepts_exactly_the_kinds(tmp_path: Path) -> None:
    """A bundled template of a new kind fails here until a migration widens the schema's CHECK."""
    Store(tmp_path / "portfolio.sqlite3")
    with sqlite3.connect(tmp_path / "portfolio.sqlite3") as db:
        (table,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'projects'").fetchone()
    check = re.search(r"CHECK \(kind IN \(([^)]*)\)\)", table)

    assert check is not None
    assert tuple(k.strip(" '") for k in check[1].split(",")) == KINDS


def test_each_url_field_is_its_own_column_in_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "portfolio.sqlite3")
    store.add_project(
        name="Docs Q&A", kind="rag", path=tmp_path / "docs-qa", template=None, template_version=None, answers={}
    )

    store.set_url("Docs Q&A", UrlField.LIVE, "https://docs-qa.example.com")
    project = store.set_url("Docs Q&A", "writeup-url", "https://blog.example.com/docs-qa")

    assert project.url(UrlField.LIVE) == project.live_url == "https://docs-qa.example.com"
    assert project.url(UrlField.WRITEUP) == project.writeup_url == "https://blog.example.com/docs-qa"
    with sqlite3.connect(store.path) as db:
        columns = db.execute(f"SELECT {UrlField.LIVE.column}, {UrlField.WRITEUP.column} FROM projects").fetchone()
    assert columns == ("https://docs-qa.example.com", "https://blog.example.com/docs-qa")
    assert [f.label for f in UrlField] == ["live URL", "write-up URL"]


def test_the_command_line_offers_the_url_fields_of_the_enum() -> None:
    args = build_parser().parse_args(["set", "Docs Q&A", "writeup-url", "https://blog.example.com"])

    assert UrlField(args.field) is UrlField.WRITEUP
    set_command = build_parser()._subparsers._group_actions[0].choices["set"]  # type: ignore[union-attr]
    (field,) = [a for a in set_command._actions if a.dest == "field"]
    assert list(field.choices or ()) == [f.value for f in UrlField]

"""What a consent is given to: one template folder at one content digest, remembered by the store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scaffolder.core.catalogue import load_template, resolve_template
from scaffolder.core.consent import has_consent, record_consent, template_digest
from scaffolder.core.errors import TemplateError
from scaffolder.core.store import SCHEMA_VERSION, Store
from tests.helpers.template_tree import PROJECT_DIR, minimal_template


def test_the_digest_changes_with_any_content_name_or_link_and_ignores_git_and_bytecode(tmp_path: Path) -> None:
    root = minimal_template(tmp_path / "tpl")
    first = template_digest(root)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "local_extensions.cpython-312.pyc").write_bytes(b"\0")
    assert template_digest(root) == first

    readme = root / PROJECT_DIR / "README.md"
    readme.write_text("# {{ cookiecutter.project_name }}!\n")
    edited = template_digest(root)
    readme.rename(readme.with_name("README.rst"))
    renamed = template_digest(root)
    (root / PROJECT_DIR / "link").symlink_to("README.rst")
    linked = template_digest(root)

    assert len({first, edited, renamed, linked}) == 4


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_in_a_template_is_refused_and_never_opened(tmp_path: Path) -> None:
    root = minimal_template(tmp_path / "tpl")
    os.mkfifo(root / PROJECT_DIR / "pipe")

    with pytest.raises(TemplateError, match=r"pipe is not a regular file"):
        load_template(root)  # a blocking open() would hang here


def test_consent_is_remembered_for_the_same_content_only(tmp_path: Path) -> None:
    store = Store()
    root = minimal_template(tmp_path / "tpl")
    template = load_template(root)
    assert not has_consent(store, template)

    record_consent(store, template)
    record_consent(store, template)  # agreeing twice is one agreement

    assert has_consent(store, load_template(root))
    (root / "cookiecutter.json").write_text('{"project_name": "X", "project_slug": "x"}\n')
    assert not has_consent(store, load_template(root))
    assert has_consent(store, resolve_template("rag"))  # bundled: always


def test_consents_live_in_their_own_table() -> None:
    import sqlite3

    store = Store()
    with sqlite3.connect(store.path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(template_consents)")]
        version = db.execute("PRAGMA user_version").fetchone()[0]
    assert columns == ["template_path", "digest", "agreed_at"]
    assert version == SCHEMA_VERSION

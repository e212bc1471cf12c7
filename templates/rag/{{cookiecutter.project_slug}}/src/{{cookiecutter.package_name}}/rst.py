"""reStructuredText to (heading path, text) sections, with docutils.

Documentation written for Sphinx uses directives and roles docutils does not know
(`code-block`, `versionadded`, `:func:`, ...). Unknown ones are registered as "keep the text"
before parsing, so code examples and cross-references stay searchable instead of turning into
error messages. File inclusion and raw passthrough are off: an uploaded file must not be able
to pull `/etc/passwd` into the index with `.. include::`.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from typing import Any, ClassVar

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles

_DIRECTIVE = re.compile(r"^\s*\.\.\s+([\w:.+-]+)::", re.MULTILINE)
_ROLE = re.compile(r"(?<![\w`]):([\w:.+-]+):`")
_SETTINGS = {
    "report_level": 5,  # quiet: a malformed file still yields its text
    "halt_level": 5,
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "doctitle_xform": False,
    "warning_stream": io.StringIO(),
}
_SKIPPED = (
    nodes.title,
    nodes.system_message,
    nodes.comment,
    nodes.target,
    nodes.substitution_definition,
)


# Directives whose arguments are names for Sphinx's bookkeeping, not prose for a reader.
_BOOKKEEPING = frozenset(
    {
        "currentmodule",
        "module",
        "py:currentmodule",
        "py:module",
        "highlight",
        "index",
        "toctree",
        "default-role",
        "default-domain",
        "sectionauthor",
        "codeauthor",
        "moduleauthor",
        "tabularcolumns",
        "autosummary",
    }
)


class _KeepText(Directive):
    """Any directive docutils does not know: keep its arguments and content as text."""

    has_content = True
    optional_arguments = 100
    final_argument_whitespace = True
    # Any option name is accepted and kept as a string (docutils looks options up by key).
    option_spec: ClassVar[Any] = defaultdict(lambda: directives.unchanged)

    def run(self) -> list[nodes.Node]:
        found: list[nodes.Node] = []
        if self.arguments and self.name not in _BOOKKEEPING:
            found.append(nodes.paragraph(text=" ".join(self.arguments)))
        if self.content:
            body = "\n".join(self.content)
            found.append(nodes.literal_block(body, body))
        return found


def _keep_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: Any = None,
    content: Any = None,
) -> tuple[list[nodes.Node], list[Any]]:
    return [nodes.literal(rawtext, re.sub(r"^~|<.*?>$", "", text).strip())], []


def _known(name: str, *tables: object) -> bool:
    # docutils' own look-up functions need a parsed document to report into; its name tables
    # (English names, the only language this loader parses) answer the same question.
    return any(isinstance(t, dict) and name.lower() in t for t in tables)


def _register_unknown(text: str) -> None:
    for name in set(_DIRECTIVE.findall(text)):
        if not _known(name, directives._directive_registry, directives._directives):
            directives.register_directive(name, _KeepText)
    for name in set(_ROLE.findall(text)):
        if not _known(name, roles._role_registry, roles._roles):
            roles.register_local_role(name, _keep_role)


def _block_text(node: nodes.Node) -> str:
    if isinstance(node, nodes.literal_block | nodes.doctest_block):
        return node.astext().strip("\n")
    return " ".join(node.astext().split())


def rst_sections(text: str) -> tuple[str, list[tuple[tuple[str, ...], str]]]:
    """The document title (first heading) and its sections in reading order."""
    _register_unknown(text)
    tree = publish_doctree(text, settings_overrides=dict(_SETTINGS))
    sections: list[tuple[tuple[str, ...], str]] = []
    titles: list[str] = []

    def walk(node: nodes.Element, path: tuple[str, ...]) -> None:
        blocks: list[str] = []

        def flush() -> None:
            body = "\n\n".join(b for b in blocks if b)
            if body.strip():
                sections.append((path, body))
            blocks.clear()

        for child in node.children:
            if isinstance(child, nodes.section):
                flush()
                heading = ""
                if child.children and isinstance(child[0], nodes.title):
                    heading = " ".join(child[0].astext().split())
                    titles.append(heading)
                walk(child, (*path, heading) if heading else path)
            elif not isinstance(child, _SKIPPED):
                blocks.append(_block_text(child))
        flush()

    walk(tree, ())
    return (titles[0] if titles else ""), sections

"""The rag template's answers that make its README pitch, sample questions and web UI placeholder
about the user's own corpus: its title, its topics (from the documents' headings) and a few of
the questions drafted from it.

They are ordinary template answers, recorded like the others, so `scaffolder update` renders the
next template version with them too. Everything here comes from the scan already made (no file
is read again), is bounded in length, and cannot be taken for template code: answers are
rendered like defaults, so braces are dropped and the separators the template splits on
(';' between topics, ' | ' between questions) never appear inside one.
"""

from __future__ import annotations

import re

from scaffolder.core.corpus import CorpusReport
from scaffolder.core.golden import draft_golden

ANSWER_NAMES = ("corpus_title", "corpus_topics", "sample_questions")
MAX_TITLE = 80
MAX_TOPICS = 6
MAX_TOPIC = 60
SAMPLE_QUESTIONS = 3
MAX_QUESTION = 140
# Folder names that say nothing about what is inside: the topics make the title instead.
_GENERIC_FOLDERS = {
    "corpus", "data", "doc", "docs", "documents", "files", "input", "kb", "knowledge", "knowledge-base", "mine",
    "my-docs", "my-documents", "notes", "pages", "papers", "pdfs", "sources", "texts",
}  # fmt: skip
_INDEX_STEMS = {"index", "readme", "intro", "introduction", "overview", "about"}


def _clean(text: str, limit: int, separator: str = "") -> str:
    """One line, no braces, no `separator`, at most `limit` characters."""
    text = " ".join(re.sub(r"[{}]", "", text).split())
    if separator:
        text = text.replace(separator, ",")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def corpus_title(report: CorpusReport) -> str:
    """An overview document's title, else the folder's own name, else its first two topics."""
    for doc in report.documents:
        stem = doc.path.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
        if "/" not in doc.path and stem in _INDEX_STEMS and doc.title.lower() != stem:
            return _clean(doc.title, MAX_TITLE)
    folder = report.root.name
    if folder and "-".join(folder.lower().replace("_", " ").replace("-", " ").split()) not in _GENERIC_FOLDERS:
        words = folder.replace("_", " ").replace("-", " ")
        return _clean(words[:1].upper() + words[1:], MAX_TITLE)
    topics = list(report.topics[:2])
    return _clean(" and ".join(topics) if topics else "my documents", MAX_TITLE)


def corpus_answers(report: CorpusReport) -> dict[str, str]:
    """The three answers, from the scan and the offline drafts (the first questions of the golden set)."""
    topics = [_clean(t, MAX_TOPIC, ";") for t in report.topics[:MAX_TOPICS]]
    questions = [_clean(q.question, MAX_QUESTION, "|") for q in draft_golden(report)[:SAMPLE_QUESTIONS]]
    return {
        "corpus_title": corpus_title(report),
        "corpus_topics": "; ".join(t for t in topics if t),
        "sample_questions": " | ".join(q for q in questions if q),
    }


def with_corpus_answers(
    answers: dict[str, object], report: CorpusReport | None, asked: set[str] | None = None
) -> dict[str, object]:
    """`answers` with the corpus's filled in where the user left them blank (what they typed wins),
    for the questions the template asks (`asked`; a custom rag template may have none of them)."""
    merged = dict(answers)
    if report is None:
        return merged
    for name, value in corpus_answers(report).items():
        if (asked is None or name in asked) and not str(merged.get(name) or "").strip():
            merged[name] = value
    return merged

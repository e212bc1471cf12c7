"""A golden set drafted from the user's own documents, reviewed by the user, evaluated by the project.

Offline, questions come from what documents say plainly: definitions ("A lease is a contract
…" → "What is a lease?") and section headings ("Resetting your password" → "How do I reset my
password?"). With a provider, a model writes questions from the same passages, and each question
says who drafted it. Every question names the file that answers it (its expected source), so the
project's eval measures retrieval on the user's corpus.

Nothing drafted counts until the user accepts it. The review lives in
`evals/my-golden.review.json` (every question with its status and where it came from); the
accepted ones are written to `evals/my-golden.jsonl` in the project's golden format
(`{"question": …, "sources": […]}`), which `eval --corpus … --golden evals/my-golden.jsonl` reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from scaffolder.core.corpus import CorpusReport, Document
from scaffolder.core.errors import Cancelled, UserError

REVIEW_FILE = "evals/my-golden.review.json"
GOLDEN_FILE = "evals/my-golden.jsonl"
MAX_QUESTIONS = 40
PER_DOCUMENT = 2
MODEL_DOCUMENTS = MAX_QUESTIONS // PER_DOCUMENT
STATUSES = ("pending", "accepted", "rejected")
# "A lease is a contract …" anywhere (PDF text loses its line breaks), or a capitalised term that
# starts a sentence ("Scaled dot-product attention is the operation …").
_DEFINITION = re.compile(
    r"(?:\b(A|An|The)\s+([a-zA-Z][\w\-]*(?:\s+[\w\-]+){0,3}?)"
    r"|(?:^|(?<=[.!?]\s))([A-Z][\w\-]*(?:\s+[\w\-]+){0,3}?))"
    r"\s+(?:is|are)\s+(?:an?|the)\s+[^.?!]{8,200}[.]"
)
_HOW_VERBS = {
    "add", "apply", "back", "book", "build", "cancel", "change", "check", "choose", "claim", "clean", "close",
    "configure", "connect", "create", "delete", "deploy", "disable", "enable", "end", "export", "find",
    "import", "inspect", "install", "keep", "manage", "move", "open", "pay", "plan", "prepare", "prevent",
    "protect", "read", "remove", "rename", "renew", "request", "reset", "restore", "run", "set", "share", "sign",
    "start", "stop", "submit", "sync", "treat", "update", "upgrade", "use", "write",
}  # fmt: skip
# A defined term is a noun phrase: one of these in it means the regex caught a clause instead.
_FUNCTION_WORDS = {
    "if", "this", "that", "these", "those", "there", "here", "it", "its", "as", "so", "but", "and", "or", "then",
    "of", "to", "in", "for", "with", "on", "at", "by", "from", "means", "what", "which", "when", "where", "who",
    "why", "how", "answer", "example", "logic", "most", "result", "value", "thing", "way", "one",
}  # fmt: skip


@dataclass(frozen=True)
class GoldenQuestion:
    id: str
    question: str
    sources: tuple[str, ...]
    origin: str  # "definition", "heading", "model:<name>", "added by you"
    evidence: str  # the sentence or heading it was drafted from
    status: str = "pending"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sources"] = list(self.sources)
        return data


def _id(question: str, source: str) -> str:
    return hashlib.sha256(f"{question}\0{source}".encode()).hexdigest()[:8]


def _verb(word: str) -> str | None:
    lower = word.lower()
    if lower in _HOW_VERBS:
        return lower
    if lower.endswith("ing"):
        stem = lower[:-3]
        for candidate in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem):
            if candidate in _HOW_VERBS:
                return candidate
    return None


def question_from_heading(heading: str, title: str) -> str | None:
    text = heading.strip().rstrip(":")
    if len(text.split()) < 1 or len(text) > 120:
        return None
    if text.endswith("?"):
        return text
    if text.lower().startswith("how to "):
        return f"How do I {text[7:]}?"
    words = text.split()
    verb = _verb(words[0])
    if verb:
        rest = " ".join(words[1:])
        rest = re.sub(r"\byour\b", "my", rest, flags=re.IGNORECASE)
        return f"How do I {verb} {rest}?".replace(" ?", "?")
    if text.lower() == title.lower():
        return None
    return f"What does {title} say about {text}?" if title else f"What should I know about {text}?"


def _definitions(doc: Document) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for section in doc.sections:
        for match in _DEFINITION.finditer(section.text):
            article, term = (match.group(1) or "").lower(), (match.group(2) or match.group(3)).strip()
            if 1 <= len(term.split()) <= 4 and not _FUNCTION_WORDS & set(term.lower().split()):
                if not article and not term.isupper():
                    term = term[0].lower() + term[1:]  # "Scaled dot-product attention" → "scaled …"
                question = f"What is {article} {term}?" if article else f"What is {term}?"
                found.append((question, match.group(0).strip()))
    return found


def _offline_drafts(doc: Document) -> list[GoldenQuestion]:
    drafts: list[GoldenQuestion] = []
    for question, sentence in _definitions(doc):
        drafts.append(GoldenQuestion(_id(question, doc.path), question, (doc.path,), "definition", sentence[:300]))
    for section in doc.sections:
        asked = question_from_heading(section.heading, doc.title) if section.heading and section.text else None
        if asked:
            drafts.append(GoldenQuestion(_id(asked, doc.path), asked, (doc.path,), "heading", section.heading))
    unique: dict[str, GoldenQuestion] = {}
    for draft in drafts:
        unique.setdefault(draft.question.lower(), draft)
    return list(unique.values())


def _model_drafts(doc: Document, provider: str) -> list[GoldenQuestion]:
    from scaffolder.core.llm import complete

    passages = "\n\n".join(f"## {s.heading}\n{s.text[:1200]}" for s in doc.sections[:6])
    completion = complete(
        provider,
        "You write evaluation questions for a retrieval system. Reply with a JSON array of at most 3 strings and"
        " nothing else: questions a user would ask that THIS document answers, in the user's own words.",
        f"Document {doc.path} ({doc.title}):\n\n{passages}",
    )
    try:
        questions = json.loads(completion.text.strip().removeprefix("```json").removesuffix("```").strip())
    except ValueError:
        return []
    if not isinstance(questions, list):
        return []
    return [
        GoldenQuestion(_id(q, doc.path), q.strip(), (doc.path,), f"model:{completion.model}", doc.title)
        for q in questions
        if isinstance(q, str) and 8 <= len(q.strip()) <= 300
    ][:PER_DOCUMENT]


def providers_with_keys(env: Mapping[str, str] | None = None) -> list[str]:
    """The model providers the environment is set up for, by the variables the generated RAG
    project reads too (a key, or a local server's address): what model drafting can offer."""
    env = os.environ if env is None else env
    found = []
    if env.get("OPENAI_API_KEY") or env.get("OPENAI_BASE_URL"):
        found.append("openai")
    if env.get("ANTHROPIC_API_KEY"):
        found.append("anthropic")
    if env.get("OLLAMA_HOST") or env.get("OLLAMA_BASE_URL"):
        found.append("ollama")
    return found


def origin_label(origin: str) -> str:
    """Who drafted a question, as the review table says it."""
    if origin.startswith("model:"):
        return f"drafted by the model {origin.removeprefix('model:')}"
    return {"definition": "a definition (offline)", "heading": "a heading (offline)"}.get(origin, origin)


def draft_golden(
    report: CorpusReport, *, provider: str = "offline", cancel: threading.Event | None = None
) -> list[GoldenQuestion]:
    """Up to MAX_QUESTIONS questions, PER_DOCUMENT from each document in turn, so every part of
    the corpus is asked about before any document gets a third question.

    With a provider, a model drafts for the first MODEL_DOCUMENTS documents (one request each,
    so a large corpus is not thousands of requests), ahead of the offline drafts; the rest are
    drafted offline only. A provider that fails raises its ProviderError."""
    per_doc = []
    for index, doc in enumerate(report.documents):
        if cancel is not None and cancel.is_set():
            raise Cancelled("Drafting was cancelled; no question was added.")
        asked = provider != "offline" and index < MODEL_DOCUMENTS
        drafts = (_model_drafts(doc, provider) if asked else []) + _offline_drafts(doc)  # the model's first
        unique: dict[str, GoldenQuestion] = {}
        for draft in drafts:
            unique.setdefault(draft.question.lower(), draft)
        per_doc.append(list(unique.values()))
    chosen: list[GoldenQuestion] = []
    for round_ in range(PER_DOCUMENT):
        for drafts in per_doc:
            if round_ < len(drafts) and len(chosen) < MAX_QUESTIONS:
                chosen.append(drafts[round_])
    return chosen


@dataclass
class GoldenReview:
    """The review of a project's drafted golden set, as kept in its evals folder."""

    project: Path
    corpus: str
    questions: list[GoldenQuestion] = field(default_factory=list)

    @classmethod
    def load(cls, project: Path) -> GoldenReview:
        path = Path(project) / REVIEW_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            questions = [
                GoldenQuestion(
                    str(q["id"]),
                    str(q["question"]),
                    tuple(q["sources"]),
                    str(q["origin"]),
                    str(q.get("evidence", "")),
                    q["status"] if q.get("status") in STATUSES else "pending",
                )
                for q in data["questions"]
            ]
        except FileNotFoundError:
            raise UserError(
                f"{path} does not exist: nothing was drafted for this project to review.",
                "Generate the project with your documents ({generate_with_documents})"
                " or your data ({generate_with_data}).",
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise UserError(f"{path} cannot be read: {err}.", "Restore it from git (git checkout -- it).") from err
        return cls(Path(project), str(data.get("corpus", "")), questions)

    def _find(self, question_id: str) -> int:
        for index, question in enumerate(self.questions):
            if question.id == question_id or (question.id.startswith(question_id) and len(question_id) >= 4):
                return index
        raise UserError(
            f"There is no drafted question {question_id!r}.", "The ids are in the first column of the list."
        )

    def set_status(self, ids: list[str], status: str) -> None:
        targets = range(len(self.questions)) if ids == ["all"] else [self._find(i) for i in ids]
        for index in targets:
            self.questions[index] = replace(self.questions[index], status=status)

    def edit(self, question_id: str, text: str) -> None:
        if not text.strip():
            raise UserError("The edited question is empty.", "Type the question as a user would ask it.")
        index = self._find(question_id)
        self.questions[index] = replace(self.questions[index], question=text.strip(), status="accepted")

    def add(self, text: str, source: str) -> GoldenQuestion:
        if not text.strip() or not source.strip():
            raise UserError("A question needs its text and the file that answers it.", "{add_golden_question}.")
        question = GoldenQuestion(_id(text, source), text.strip(), (source.strip(),), "added by you", "", "accepted")
        self.questions.append(question)
        return question

    def add_drafts(self, drafts: list[GoldenQuestion]) -> int:
        """Add the drafts not already in the review (by wording), pending; how many were new."""
        known = {q.question.lower() for q in self.questions} | {q.id for q in self.questions}
        new = [d for d in drafts if d.question.lower() not in known and d.id not in known]
        self.questions.extend(replace(d, status="pending") for d in new)
        return len(new)

    @property
    def accepted(self) -> list[GoldenQuestion]:
        return [q for q in self.questions if q.status == "accepted"]

    def save(self) -> None:
        """The review (committed) and the accepted questions. A private corpus's review keeps no
        evidence: those are sentences quoted from documents that must not reach git."""
        private = self.corpus.startswith("private:")
        questions = [replace(q, evidence="") if private else q for q in self.questions]
        review = {"corpus": self.corpus, "questions": [q.to_dict() for q in questions]}
        write_atomically(self.project / REVIEW_FILE, json.dumps(review, indent=2, ensure_ascii=False) + "\n")
        lines = [
            json.dumps({"question": q.question, "sources": list(q.sources)}, ensure_ascii=False) for q in self.accepted
        ]
        write_atomically(self.project / GOLDEN_FILE, "".join(line + "\n" for line in lines))


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.partial")
    temp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(temp, path)

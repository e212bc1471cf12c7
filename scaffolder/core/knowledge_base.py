"""Bring the user's own documents into a generated RAG project, in one commit of theirs.

Public material is copied into `data/mine/` and committed; private material stays where it is,
referenced from `.scaffolder/corpus.local.json`, which git ignores, so nothing of it reaches the
repository. Either way the commit adds a golden set drafted from the documents (pending the
user's review), a README section that says what the project answers over and which of the two
it is, and `.scaffolder/corpus.json`, the record that `scaffolder update` carries forward.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.corpus import CorpusReport, require_readable
from scaffolder.core.errors import UserError
from scaffolder.core.golden import GOLDEN_FILE, REVIEW_FILE, GoldenQuestion, GoldenReview, draft_golden
from scaffolder.core.rag_runs import YOUR_TABLE_END, YOUR_TABLE_START

PUBLIC_FOLDER = "data/mine"
RECORD_FILE = ".scaffolder/corpus.json"
LOCAL_RECORD_FILE = ".scaffolder/corpus.local.json"


@dataclass(frozen=True)
class KnowledgeBase:
    corpus_path: str  # as the project's commands take it: data/mine, or the private folder's absolute path
    private: bool
    documents: int
    drafted_questions: int
    commit: str
    drafted_by: str = "offline"  # or the model's name, when a provider drafted (some of) them
    drafting_note: str = ""  # why a provider asked for did not draft (the questions are offline ones)


def _readme_section(report: CorpusReport, corpus: str, private: bool, slug: str, drafted_by: str = "offline") -> str:
    """The README's part on the corpus; a private folder's path never appears in it (it is committed)."""
    if private:
        corpus = "path/to/your/documents"
    topics = ", ".join(report.topics) if report.topics else "your documents"
    where = (
        f"They stay private: they are read from your own folder and are not in git (the path is in"
        f" `{LOCAL_RECORD_FILE}`, which git ignores). Anyone cloning this repository brings their own."
        if private
        else f"They are copied into `{PUBLIC_FOLDER}/` and published with the code: make sure you may share them."
        " The project's LICENSE covers the code, and the documents only where they are yours to license."
    )
    return (
        "\n## My knowledge base\n\n"
        f"This project answers questions over **{len(report.documents)} documents** ({report.words:,} words)"
        f" about {topics}. {where}\n\n"
        "```bash\n"
        f"{slug} ingest {corpus}\n"
        f'{slug} ask "{_first_question(report)}"\n'
        f"{slug} eval   # the bundled suites and the questions I accepted from {GOLDEN_FILE}\n"
        "```\n\n"
        f"The questions in `{GOLDEN_FILE}` were drafted from the documents"
        + ("" if drafted_by == "offline" else f" (some by the model {drafted_by})")
        + " and reviewed by me"
        f" (`scaffolder golden`); the review, with where each question came from, is in `{REVIEW_FILE}`.\n\n"
        "Retrieval on these documents, measured by `eval` on the questions I accepted, beside the bundled"
        " corpora in the same run:\n\n"
        f"{YOUR_TABLE_START}\n"
        "_Not measured yet: accept questions with `scaffolder golden`, then run `eval`._\n"
        f"{YOUR_TABLE_END}\n"
    )


def _first_question(report: CorpusReport) -> str:
    drafts = draft_golden(report)
    return drafts[0].question if drafts else "What do these documents cover?"


def _copy_documents(report: CorpusReport, target: Path) -> None:
    for doc in report.documents:
        destination = target / doc.path
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(report.root / doc.path, destination)  # the file itself: links were resolved inside


def _git(project: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(project), "-c", "core.hooksPath=/dev/null", *args],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise UserError(
            f"git {args[0]} failed while adding your documents: {done.stderr.strip()}", "See git's message."
        )
    return done.stdout


def add_knowledge_base(
    project: Path, report: CorpusReport, *, private: bool, slug: str, provider: str = "offline"
) -> KnowledgeBase:
    """Copy (or reference) the documents, draft the golden set, and commit it all as one change:
    the whole change or none of it (a document that vanished since the scan, a full disk, a git
    failure: what was written is taken back, and the project stays as generated)."""
    require_readable(report)
    project = Path(project)
    written = _CREATED + ((PUBLIC_FOLDER,) if not private else (LOCAL_RECORD_FILE,))
    if any((project / path).exists() for path in written):
        raise UserError(
            f"{project} already has a knowledge base ({', '.join(p for p in written if (project / p).exists())}).",
            "Review it with  {review_golden}, or remove it (git rm) before adding another.",
        )
    try:
        return _add(project, report, private=private, slug=slug, provider=provider)
    except (OSError, UserError) as err:
        _take_back(project, written)
        if isinstance(err, UserError):
            raise
        where = f" ({err.filename})" if err.filename else ""
        raise UserError(
            f"Your documents could not be added{where}: {err.strerror or err}; nothing of them was kept.",
            "The project itself is committed without them. Check that the folder is still there and readable,"
            " then add them again.",
        ) from err


# Files the knowledge base creates (besides the copies or the local record), and the ones it edits.
_CREATED = (RECORD_FILE, REVIEW_FILE, GOLDEN_FILE)
_EDITED = ("README.md", ".gitignore")


def _take_back(project: Path, written: tuple[str, ...]) -> None:
    for path in written:
        target = project / path
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)
    from scaffolder.core.safe_git import safe_git

    repo = safe_git(project)
    repo.run("reset", "-q", "--", *written, *_EDITED)  # unstage, if git add had run
    repo.run("checkout", "-q", "HEAD", "--", *_EDITED)  # the generated README and .gitignore again


def _drafts(report: CorpusReport, provider: str) -> tuple[list[GoldenQuestion], str, str]:
    """(questions, drafted by, note): a provider that fails is said, and the offline drafts stand in."""
    from scaffolder.core.llm import ProviderError

    if provider == "offline":
        return draft_golden(report), "offline", ""
    try:
        questions = draft_golden(report, provider=provider)
    except ProviderError as err:
        note = f"{provider} did not draft ({err.message}); the questions were drafted offline."
        return draft_golden(report), "offline", note
    models = sorted({q.origin.removeprefix("model:") for q in questions if q.origin.startswith("model:")})
    return questions, ", ".join(models) or "offline", "" if models else f"{provider} drafted no usable question."


def _add(project: Path, report: CorpusReport, *, private: bool, slug: str, provider: str) -> KnowledgeBase:
    corpus = str(report.root) if private else PUBLIC_FOLDER
    questions, drafted_by, note = _drafts(report, provider)  # before any file: a slow model writes nothing half
    if not private:
        _copy_documents(report, project / PUBLIC_FOLDER)
    review = GoldenReview(project, corpus if not private else f"private:{report.root.name}", questions)
    review.save()
    record = {
        "documents": len(report.documents),
        "words": report.words,
        "private": private,
        "topics": list(report.topics),
    }
    record["folder"] = report.root.name if private else PUBLIC_FOLDER
    _write_json(project / RECORD_FILE, record)
    paths = [RECORD_FILE, REVIEW_FILE, GOLDEN_FILE, "README.md"]
    if private:
        _write_json(project / LOCAL_RECORD_FILE, {"path": str(report.root)})
        gitignore = project / ".gitignore"
        existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
        gitignore.write_text(
            existing.rstrip("\n") + f"\n# The private knowledge base's location on this machine\n{LOCAL_RECORD_FILE}\n"
        )
        paths.append(".gitignore")
    else:
        paths.append(PUBLIC_FOLDER)
    readme = project / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else f"# {slug}\n"
    readme.write_text(
        text.rstrip("\n") + "\n" + _readme_section(report, corpus, private, slug, drafted_by), encoding="utf-8"
    )
    _git(project, "add", "--", *paths)
    what = "private, referenced" if private else f"copied into {PUBLIC_FOLDER}"
    _git(
        project,
        "commit",
        "-q",
        "--no-verify",
        "-m",
        f"Add my knowledge base: {len(report.documents)} documents ({what})",
    )
    commit = _git(project, "rev-parse", "HEAD").strip()
    return KnowledgeBase(corpus, private, len(report.documents), len(questions), commit, drafted_by, note)


def _write_json(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.partial")
    temp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temp, path)


def corpus_folder(project: Path, review: GoldenReview) -> Path | None:
    """Where the documents are: the project's copy, or the private folder this machine recorded."""
    if not review.corpus.startswith("private:"):
        return Path(project) / review.corpus if review.corpus else None
    try:
        recorded = json.loads((Path(project) / LOCAL_RECORD_FILE).read_text(encoding="utf-8"))
        return Path(recorded["path"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # cloned elsewhere: the documents are not on this machine


def drafts_from_corpus(
    project: Path, review: GoldenReview, provider: str, cancel: threading.Event | None = None
) -> list[GoldenQuestion]:
    """Questions drafted again from the project's documents (with a model, when `provider` is one)."""
    from scaffolder.core.corpus import scan_corpus

    folder = corpus_folder(project, review)
    if folder is None or not folder.is_dir():
        raise UserError(
            "The documents of this project are not on this machine, so nothing can be drafted from them.",
            "Add questions of your own ({add_own_golden_question}).",
        )
    return draft_golden(require_readable(scan_corpus(folder)), provider=provider, cancel=cancel)


def draft_more(project: Path, provider: str, cancel: threading.Event | None = None) -> int:
    """Draft again and add the new questions to the review as pending; how many were added. The
    review is saved only when every draft is in: a failed or cancelled drafting changes nothing."""
    review = GoldenReview.load(project)
    added = review.add_drafts(drafts_from_corpus(project, review, provider, cancel))
    review.save()
    return added

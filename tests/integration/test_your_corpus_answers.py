"""The generated project is about the user's corpus: its title, topics and sample questions become
template answers, recorded like the others, rendered into the README's pitch and the web UI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scaffolder.core.catalogue import resolve_template
from scaffolder.core.corpus import scan_corpus
from scaffolder.core.corpus_answers import corpus_answers, corpus_title, with_corpus_answers
from scaffolder.core.generate import generate
from scaffolder.core.store import Store
from scaffolder.core.update import read_recorded_answers
from tests.helpers.documents import two_topic_corpus

ROOT = Path(__file__).resolve().parents[2]


def test_the_title_is_an_overview_documents_then_the_folders_then_the_topics(tmp_path: Path) -> None:
    corpus = two_topic_corpus(tmp_path / "tenancy-and-bees")
    assert corpus_title(scan_corpus(corpus)) == "Tenancy and bees"
    generic = two_topic_corpus(tmp_path / "docs")
    assert corpus_title(scan_corpus(generic)) == "Residential leases and Hives"  # the two largest topics
    (generic / "README.md").write_text("# Renting and beekeeping\n\nWhat this folder holds.\n", encoding="utf-8")
    assert corpus_title(scan_corpus(generic)) == "Renting and beekeeping"


def test_answers_carry_topics_from_headings_and_drafted_questions(tmp_path: Path) -> None:
    answers = corpus_answers(scan_corpus(two_topic_corpus(tmp_path / "my-docs")))
    assert answers["corpus_topics"].split("; ") == ["Residential leases", "Hives", "Swarming", "Notice periods"]
    questions = answers["sample_questions"].split(" | ")
    assert len(questions) == 3 and "What is a lease?" in questions


def test_what_documents_say_cannot_become_template_code_or_split_an_answer(tmp_path: Path) -> None:
    folder = tmp_path / "{{ cookiecutter.x }} notes"
    folder.mkdir()
    (folder / "a.md").write_text(
        "# Pipes | and; semis {% raw %}\n\nA pipe is a tube that carries water from one place to another.\n",
        encoding="utf-8",
    )
    answers = corpus_answers(scan_corpus(folder))
    assert all("{" not in value and "}" not in value for value in answers.values())
    assert ";" not in answers["corpus_topics"] and all(q.strip() for q in answers["sample_questions"].split(" | "))


def test_what_the_user_typed_wins_and_other_templates_get_nothing(tmp_path: Path) -> None:
    report = scan_corpus(two_topic_corpus(tmp_path / "my-docs"))
    merged = with_corpus_answers({"corpus_title": "My landlord's handbook", "corpus_topics": " "}, report)
    assert merged["corpus_title"] == "My landlord's handbook" and merged["corpus_topics"].startswith("Residential")
    assert with_corpus_answers({}, report, asked={"project_name"}) == {}


def test_generated_readme_and_web_ui_are_about_the_corpus_and_the_answers_are_recorded(
    tmp_path: Path, isolated_user: Path
) -> None:
    answers = {
        "corpus_title": "Tenancy <law> & bees",
        "corpus_topics": "Leases; Hives",
        "sample_questions": 'What is a "lease"? | What is a super?',
    }
    result = generate(resolve_template("rag"), answers, tmp_path / "out", store=Store())
    project = result.project.path
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "It answers questions about **Tenancy <law> & bees** (Leases, Hives)" in readme
    assert '\n- What is a "lease"?\n- What is a super?\n' in readme
    page = next((project / "src").glob("*/static/index.html")).read_text(encoding="utf-8")
    assert "<h1>Ask about Tenancy &lt;law&gt; &amp; bees</h1>" in page
    assert 'placeholder="e.g. What is a &#34;lease&#34;?"' in page
    recorded = read_recorded_answers(result.project).answers
    assert {k: recorded[k] for k in answers} == answers  # what `scaffolder update` renders the next version with


def test_without_a_corpus_the_sample_pitch_and_placeholder_stay(tmp_path: Path, isolated_user: Path) -> None:
    project = generate(resolve_template("rag"), {}, tmp_path / "out", store=Store()).project.path
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "It answers questions about" not in readme
    assert "set one variable.\n\n**Live demo:**" in readme
    page = next((project / "src").glob("*/static/index.html")).read_text(encoding="utf-8")
    assert "<h1>Ask your documents</h1>" in page and 'placeholder="e.g. How do I restore a deleted note?"' in page


def test_new_with_docs_fills_the_answers_in_from_the_scan(tmp_path: Path, isolated_user: Path) -> None:
    corpus = two_topic_corpus(tmp_path / "tenancy-and-bees")
    done = subprocess.run(
        [sys.executable, "-m", "scaffolder", "new", "rag", "-o", str(tmp_path / "out"), "--docs", str(corpus),
         "--set", "corpus_topics=Renting; Beekeeping", "--no-index", "--no-input", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=180, env=dict(os.environ), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    project = Path(json.loads(done.stdout)["path"])
    recorded = json.loads((project / ".scaffolder/answers.json").read_text(encoding="utf-8"))["cookiecutter"]
    assert recorded["corpus_title"] == "Tenancy and bees"
    assert recorded["corpus_topics"] == "Renting; Beekeeping"  # --set wins over the scan
    assert "What is a lease?" in recorded["sample_questions"].split(" | ")
    assert "**Tenancy and bees** (Renting, Beekeeping)" in (project / "README.md").read_text(encoding="utf-8")

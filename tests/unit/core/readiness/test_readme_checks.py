"""README checks, each shown passing and failing on a real repository, with the evidence a
user reads (file and line)."""

from __future__ import annotations

from scaffolder.core.readiness import Result
from tests.unit.core.readiness.conftest import GOOD_README, Repo


def test_a_complete_readme_passes_every_text_check_and_names_the_lines(complete_repo: Repo) -> None:
    report = complete_repo.report()
    assert report.result("readme-title-pitch").result is Result.PASSED
    assert report.result("readme-title-pitch").evidence.startswith('README.md:1 title "Docs Q&A"; pitch at line 3')
    assert report.result("readme-setup").evidence == 'README.md:18 shell block under "Quick start" (line 16)'
    assert report.result("readme-usage").evidence == 'README.md:25 example under "Usage" (line 23)'
    assert report.result("readme-diagram").evidence == "README.md:11 ```mermaid diagram"
    assert report.result("readme-evaluation").evidence == 'README.md:29 "Evaluation" section (table)'
    assert report.result("readme-license").evidence == "LICENSE in the repository; mentioned at README.md:37"
    assert report.result("readme-demo").evidence == "docs/demo.gif in the repository"
    links = report.result("readme-links-resolve")
    assert (links.result, links.evidence) == (
        Result.PASSED,
        "all 3 relative links and images in README.md resolve to files in the repository",
    )


def test_no_readme_fails_every_readme_check_with_a_fix(repo: Repo) -> None:
    repo.write("src/app.py", "print('hi')\n").commit()
    for check_id in ("readme-title-pitch", "readme-setup", "readme-usage", "readme-evaluation", "readme-diagram"):
        result = repo.result(check_id)
        assert result.result is Result.FAILED
        assert result.evidence == "no README.md in the repository"
        assert result.fix


def test_a_readme_on_disk_but_not_committed_says_git_add(repo: Repo) -> None:
    repo.write("src/app.py", "x = 1\n").commit()
    repo.write("README.md", GOOD_README)
    result = repo.result("readme-title-pitch")
    assert result.result is Result.FAILED
    assert result.evidence == "README.md is on disk but not committed"
    assert result.fix == "git add README.md && git commit"


def test_a_title_without_a_pitch_fails_and_badges_are_not_a_pitch(repo: Repo) -> None:
    repo.write("README.md", "# Docs Q&A\n\n![ci](https://img.shields.io/ci.svg)\n\n## Install\n").commit()
    result = repo.result("readme-title-pitch")
    assert result.result is Result.FAILED
    assert result.evidence == 'README.md:1 title "Docs Q&A" has no sentence under it before the next heading'


def test_a_readme_that_opens_with_a_second_level_heading_has_no_title(repo: Repo) -> None:
    repo.write("README.md", "Some text first.\n\n## Overview\n\nA pitch.\n").commit()
    result = repo.result("readme-title-pitch")
    assert result.result is Result.FAILED
    assert result.evidence == "README.md has no title: the first heading is level 2 at line 3"


def test_a_wall_of_text_is_not_a_one_line_pitch(repo: Repo) -> None:
    repo.write("README.md", "# Docs Q&A\n\n" + "word " * 90 + "\n").commit()
    result = repo.result("readme-title-pitch")
    assert result.result is Result.FAILED
    assert "the first paragraph after the title is 90 words" in result.evidence


def test_an_html_title_counts(repo: Repo) -> None:
    repo.write("README.md", '<h1 align="center">Docs Q&amp;A</h1>\n\nAnswers questions over your documents.\n').commit()
    assert repo.result("readme-title-pitch").result is Result.PASSED


def test_setup_needs_a_shell_block_under_a_setup_heading(repo: Repo) -> None:
    repo.write(
        "README.md", "# X\n\nA tool that helps.\n\n## Installation\n\nJust install it.\n\n```python\nimport x\n```\n"
    )
    repo.commit()
    result = repo.result("readme-setup")
    assert result.result is Result.FAILED
    assert result.evidence == 'README.md:5 "Installation" has no shell code block'


def test_a_shell_block_outside_the_setup_section_does_not_count(repo: Repo) -> None:
    repo.write(
        "README.md", "# X\n\nA tool.\n\n## Setup\n\nSee below.\n\n## Notes\n\n```bash\npip install x\n```\n"
    ).commit()
    assert repo.result("readme-setup").result is Result.FAILED


def test_an_unlabelled_block_starting_with_a_command_is_a_shell_block(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n\n## Getting started\n\n```\npip install x\n```\n").commit()
    result = repo.result("readme-setup")
    assert (result.result, result.evidence) == (
        Result.PASSED,
        'README.md:7 shell block under "Getting started" (line 5)',
    )


def test_no_setup_heading_at_all(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n\n```bash\npip install x\n```\n").commit()
    result = repo.result("readme-setup")
    assert result.evidence == "README.md has no Installation / Setup / Quick start heading"


def test_a_code_block_inside_a_fence_is_not_mistaken_for_a_heading(repo: Repo) -> None:
    """A regex over raw text would see '## Usage' here; the parser knows it is code."""
    repo.write("README.md", "# X\n\nA tool.\n\n```markdown\n## Usage\n\n    run it\n```\n").commit()
    assert repo.result("readme-usage").evidence == "README.md has no Usage / Examples heading"


def test_usage_without_an_example_fails(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n\n## Usage\n\nRun it and see.\n").commit()
    result = repo.result("readme-usage")
    assert (result.result, result.evidence) == (Result.FAILED, 'README.md:5 "Usage" has no example code block')


def test_an_image_named_architecture_is_a_diagram(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n\n![How it fits](docs/architecture.png)\n").commit()
    result = repo.result("readme-diagram")
    assert (result.result, result.evidence) == (Result.PASSED, "README.md:5 image docs/architecture.png")


def test_an_html_image_with_diagram_alt_text_is_a_diagram(repo: Repo) -> None:
    repo.write(
        "README.md", '# X\n\nA tool.\n\n<p><img src="docs/flow.svg" alt="System diagram" width="600"></p>\n'
    ).commit()
    assert repo.result("readme-diagram").evidence == "README.md:5 image docs/flow.svg"


def test_no_diagram(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n\n![screenshot](docs/screen.png)\n").commit()
    result = repo.result("readme-diagram")
    assert result.result is Result.FAILED
    assert "no ```mermaid block" in result.evidence


def test_a_video_host_link_is_a_demo(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n\nWatch the [demo](https://www.youtube.com/watch?v=abc).\n").commit()
    result = repo.result("readme-demo")
    assert (result.result, result.evidence) == (Result.PASSED, "README.md:5 links a video on youtube.com")


def test_no_demo(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n").write("docs/screen.png", b"\x89PNG").commit()
    result = repo.result("readme-demo")
    assert result.result is Result.FAILED
    assert result.evidence == "no .gif, .mp4 or .webm in the repository and no link to a video host in the README"


def test_the_live_url_must_be_recorded_and_linked(complete_repo: Repo) -> None:
    unrecorded = complete_repo.result("readme-live-url")
    assert (unrecorded.result, unrecorded.evidence) == (Result.FAILED, "no live URL recorded for this project")
    assert "scaffolder set 'Docs Q&A' live-url" in unrecorded.fix

    complete_repo.store.set_live_url(complete_repo.name, "https://docs-qa.example.org/")
    linked = complete_repo.result("readme-live-url")
    assert (linked.result, linked.evidence) == (Result.PASSED, "README.md:5 links https://docs-qa.example.org/")

    complete_repo.store.set_live_url(complete_repo.name, "https://elsewhere.example.org")
    other = complete_repo.result("readme-live-url")
    assert (other.result, other.evidence) == (
        Result.FAILED,
        "README.md does not link the live URL https://elsewhere.example.org",
    )
    assert other.fix == "Under the title, add:  [Live demo](https://elsewhere.example.org)"


def test_a_bare_live_url_counts_as_a_link_as_on_github(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool, live at https://x.example.org.\n").commit()
    repo.store.set_live_url(repo.name, "https://x.example.org")
    assert repo.result("readme-live-url").evidence == "README.md:3 links https://x.example.org"


def test_an_empty_evaluation_section_fails(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n\n## Results\n\n## License\n\nMIT\n").commit()
    result = repo.result("readme-evaluation")
    assert (result.result, result.evidence) == (Result.FAILED, 'README.md:5 "Results" section is empty')


def test_no_evaluation_section(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n").commit()
    assert repo.result("readme-evaluation").evidence == "README.md has no Evaluation / Results section"


def test_a_license_file_the_readme_never_mentions(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n").write("LICENSE", "MIT\n").commit()
    result = repo.result("readme-license")
    assert (result.result, result.evidence) == (Result.FAILED, "LICENSE is there but README.md never mentions it")


def test_a_license_mentioned_but_no_license_file(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n\n## License\n\nMIT\n").commit()
    result = repo.result("readme-license")
    assert (result.result, result.evidence) == (Result.FAILED, "no LICENSE file in the repository")


def test_broken_images_and_links_are_listed_with_their_lines(repo: Repo) -> None:
    repo.write(
        "README.md",
        "# X\n\nA tool.\n\n![demo](docs/demo.gif)\n\nSee [the guide](docs/guide.md#setup) and [src](src/) "
        "and [issues](../../issues) and [top](#x).\n",
    )
    repo.write("src/app.py", "x = 1\n").commit()
    repo.write("docs/guide.md", "# Guide\n")  # on disk, never committed
    result = repo.result("readme-links-resolve")
    assert result.result is Result.FAILED
    assert result.evidence == (
        "2 of 3 relative links in README.md do not resolve: line 5 docs/demo.gif, "
        "line 7 docs/guide.md (on disk, not committed)"
    )


def test_a_readme_without_relative_links_has_nothing_to_resolve(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool, see https://example.org.\n").commit()
    result = repo.result("readme-links-resolve")
    assert (result.result, result.evidence) == (Result.NOT_APPLICABLE, "README.md has no relative links or images")


def test_an_edit_on_disk_is_seen_without_a_commit(complete_repo: Repo) -> None:
    """Checks read the working tree: what the user just saved is what is judged."""
    text = GOOD_README.replace("## Usage", "## Notes")
    complete_repo.write("README.md", text)
    assert complete_repo.result("readme-usage").result is Result.FAILED

"""A bundled template's output never changes under the same `_template_version`: projects
learn of an update by comparing versions (scaffolder status/list, the project page)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scaffolder.core import paths
from scaffolder.core.paths import BUNDLED_KINDS
from tests.templates import output_digests
from tests.templates.output_digests import RECORD_COMMAND, output_digest, recorded


@pytest.mark.parametrize("kind", BUNDLED_KINDS)
def test_the_output_changes_only_with_a_version_bump(kind: str) -> None:
    version, digest = output_digest(kind)
    versions = recorded().get(kind, {})

    assert version in versions, (
        f"templates/{kind} is at version {version}, whose output was never recorded: run  {RECORD_COMMAND}"
    )
    assert versions[version] == digest, (
        f"The output of templates/{kind} changed but its _template_version is still {version}: bump it in"
        f" templates/{kind}/cookiecutter.json (projects made from {version} would never be offered the change),"
        f" then run  {RECORD_COMMAND}"
    )


def test_the_digest_sees_a_changed_file_and_the_recorder_keeps_old_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "templates"
    shutil.copytree(paths.templates_root() / "rag", root / "rag")
    monkeypatch.setattr(output_digests, "templates_root", lambda: root)
    monkeypatch.setattr(output_digests, "DIGESTS_FILE", tmp_path / "digests.json")
    version, before = output_digest("rag")
    assert output_digests.record(("rag",)) == [f"rag {version}: recorded"]

    readme = next((root / "rag").glob("*/README.md"))
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert output_digest("rag") != (version, before)
    config = root / "rag" / "cookiecutter.json"
    context = json.loads(config.read_text(encoding="utf-8"))
    context["_template_version"] = "99.0.0"
    config.write_text(json.dumps(context), encoding="utf-8")
    assert output_digests.record(("rag",)) == ["rag 99.0.0: recorded"]
    assert json.loads((tmp_path / "digests.json").read_text())["rag"].keys() == {version, "99.0.0"}

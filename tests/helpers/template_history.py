"""A bundled template as it was at an earlier commit of this repository (`git archive`), for
update stories that start from a version users really had."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def template_from_history(kind: str, commit: str, target: Path) -> Path:
    """templates/<kind> as it was at `commit`, extracted under `target`; skips the test in a
    checkout without that history (a shallow clone)."""
    found = subprocess.run(["git", "-C", str(REPO_ROOT), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True)
    if found.returncode != 0:
        pytest.skip("this checkout has no git history to take the old template from")
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", commit, f"templates/{kind}"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4+: no links or paths out of `target`
            tar.extractall(target, filter="data")
        else:  # our own repository's archive
            tar.extractall(target)
    return target / "templates" / kind

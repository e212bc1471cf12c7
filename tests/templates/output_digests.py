"""A digest of each bundled template's output (rendered with its defaults, hooks included), kept
per `_template_version` in data/output_digests.json: an update compares versions, so output that
changes under an unchanged version would never reach the projects made from it.

Re-record after bumping a version (the old versions' digests are kept):

    python -m tests.templates.output_digests --record
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from scaffolder.core.catalogue import load_template
from scaffolder.core.generate import render_template
from scaffolder.core.paths import BUNDLED_KINDS, templates_root

DIGESTS_FILE = Path(__file__).parent / "data" / "output_digests.json"
RECORD_COMMAND = "python -m tests.templates.output_digests --record"


def output_digest(kind: str) -> tuple[str, str]:
    """(version, sha256 of the rendered files): paths, executable bits and contents, with the
    current year (LICENSE files render `{% now %}`) written as a placeholder."""
    template = load_template(templates_root() / kind, kind=kind, bundled=True)
    year = str(datetime.now(UTC).year).encode()
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix=f"digest-{kind}-") as staging:
        project = render_template(template, {}, Path(staging), True, 0, lambda _progress: None)
        for path in sorted(p for p in project.rglob("*") if p.is_file()):
            relative = path.relative_to(project).as_posix()
            executable = "x" if path.stat().st_mode & 0o111 else "-"
            content = path.read_bytes().replace(year, b"<year>")
            digest.update(f"{relative}\0{executable}\0{len(content)}\0".encode())
            digest.update(content)
    return template.version, digest.hexdigest()


def recorded() -> dict[str, dict[str, str]]:
    if not DIGESTS_FILE.exists():
        return {}
    data: dict[str, dict[str, str]] = json.loads(DIGESTS_FILE.read_text(encoding="utf-8"))
    return data


def record(kinds: tuple[str, ...] = BUNDLED_KINDS) -> list[str]:
    """Record the current version's digest of each template; returns what changed, in words."""
    data = recorded()
    said = []
    for kind in kinds:
        version, digest = output_digest(kind)
        versions = data.setdefault(kind, {})
        previous = versions.get(version)
        if previous == digest:
            continue
        versions[version] = digest
        said.append(
            f"{kind} {version}: recorded"
            if previous is None
            else f"{kind} {version}: REPLACED (its output changed without a version bump)"
        )
    DIGESTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    DIGESTS_FILE.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true", help="write the current versions' digests")
    args = parser.parse_args(argv)
    if not args.record:
        parser.print_help()
        return 0
    for line in record() or ["nothing changed"]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

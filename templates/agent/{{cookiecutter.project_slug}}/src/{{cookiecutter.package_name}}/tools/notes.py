"""`save_note`: the one tool that changes something, so a human approves each call."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import Field

from .registry import ToolContext, tool


@tool(requires_approval=True, trusted_output=True, sensitive="writes a file")
def save_note(
    title: Annotated[
        str, Field(description="Short title of the note", min_length=1, max_length=120)
    ],
    body: Annotated[
        str, Field(description="The note's text (Markdown)", min_length=1, max_length=20_000)
    ],
    ctx: ToolContext,
) -> dict[str, Any]:
    """Save a Markdown note for the user (for example a summary of findings). A human must
    approve each call."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "note"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = ctx.settings.notes_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stamp}-{slug}.md"
    path.write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    # Relative to DATA_DIR: where the server keeps its files is nobody else's business.
    return {"saved": f"notes/{path.name}", "bytes": path.stat().st_size}

"""HTTP tools made from an OpenAPI document's GET operations (`data/mine/http-tools.json`).

`scaffolder new agent --openapi FILE` read the document and kept, for each GET operation, its
name, the description its authors wrote, its path and its path and query parameters. Each
becomes a tool with those parameters as typed arguments; a call fills the path (each value
percent-encoded, so a value cannot add path segments) and fetches it like `http_get`: that
API's origin only (plus `HTTP_ALLOWED_HOSTS`), redirects checked hop by hop, a size cap. Like
`http_get`, a call is sensitive: after untrusted content it waits for the user's approval.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from pydantic import ConfigDict, Field, create_model

from ..config import parse_origin
from .http import fetch
from .registry import Tool, ToolContext, ToolError

PYTHON_TYPES: dict[str, type] = {"integer": int, "number": float, "boolean": bool, "string": str}


def load_http_tools(path: Path) -> list[Tool]:
    """The tools described in `path`; a file that cannot be read is an error with its reason."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
        origin = parse_origin(spec["origin"])
        return [_build(entry, spec["base_url"], origin) for entry in spec["tools"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(
            f"{path} (HTTP_TOOLS_FILE) cannot be read as HTTP tools: {exc}; "
            "set HTTP_TOOLS_FILE=none to run without them"
        ) from None


def _build(entry: dict[str, Any], base_url: str, origin: tuple[str, str, int]) -> Tool:
    parameters = entry.get("parameters", [])
    fields: dict[str, Any] = {}
    for param in parameters:
        kind = PYTHON_TYPES.get(param.get("type"), str)
        described = Field(description=param.get("description") or f"{param['location']} parameter")
        if param.get("required"):
            fields[param["name"]] = (kind, described)
        else:
            fields[param["name"]] = (kind | None, Field(None, description=described.description))
    model = create_model(
        f"{entry['name']}_arguments", __config__=ConfigDict(extra="forbid"), **fields
    )

    def call(tool_context: ToolContext, **arguments: Any) -> dict[str, Any]:
        path = entry["path"]
        query = {}
        for param in parameters:
            value = arguments.get(param["name"])
            if param["location"] == "path":
                path = path.replace("{" + param["name"] + "}", quote(str(value), safe=""))
            elif value is not None:
                query[param["name"]] = str(value).lower() if isinstance(value, bool) else value
        if "{" in path:
            raise ToolError(f"the path {path} still has a parameter nobody filled in")
        url = base_url + path + (f"?{urlencode(query)}" if query else "")
        settings = tool_context.settings
        with contextlib.ExitStack() as stack:
            client = tool_context.http_client or stack.enter_context(httpx.Client())
            allowed = settings.allowed_origins | {origin}
            return fetch(client, url, allowed, settings.http_max_bytes, settings.http_timeout_s)

    reason = f"sends a request to {entry['path']} on another server"
    return Tool(
        name=entry["name"],
        description=entry["description"],
        function=call,
        arguments_model=model,
        context_param="tool_context",
        sensitive=lambda arguments, context: reason,
    )

"""The tools the agent can call. Importing this package registers every built-in tool;
`registry_for(settings)` adds what is yours (your database's schema, your API's tools)."""

import dataclasses

from ..config import Settings
from . import calculator, http, notes, search, sql  # noqa: F401  (registration side effect)
from .openapi import load_http_tools
from .registry import Tool, ToolContext, ToolError, ToolRegistry, registry, tool


def registry_for(settings: Settings) -> ToolRegistry:
    """The built-in tools, with `sql_query` describing your database when it reads one, and one
    tool per GET operation of your API when `data/mine/http-tools.json` (HTTP_TOOLS_FILE) is set."""
    mine = settings.user_database
    extra = load_http_tools(settings.http_tools_path) if settings.http_tools_path else []
    if mine is None and not extra:
        return registry
    tools = ToolRegistry()
    for built_in in registry:
        if built_in.name == "sql_query" and mine is not None and mine.is_file():
            built_in = dataclasses.replace(built_in, description=sql.describe_database(mine))
        tools.register(built_in)
    for own in extra:
        tools.register(own)
    return tools


__all__ = ["Tool", "ToolContext", "ToolError", "ToolRegistry", "registry", "registry_for", "tool"]

"""The tools the agent can call. Importing this package registers every built-in tool."""

from . import calculator, http, notes, search, sql  # noqa: F401  (registration side effect)
from .registry import Tool, ToolContext, ToolError, ToolRegistry, registry, tool

__all__ = ["Tool", "ToolContext", "ToolError", "ToolRegistry", "registry", "tool"]

"""GET operations of the user's OpenAPI 3 document, as HTTP tools for the generated agent.

Each GET operation becomes one tool: its name from the operationId (or the method and path), its
description from the summary and description the API's authors wrote, its parameters from the
path and query parameters. The origin of `servers[0].url` is the one the tools may reach. Other
methods are listed as ignored: the agent only reads.

A URL is recorded for later and not fetched (the app does not go to the network for this); a
file is read, JSON or YAML, up to MAX_SPEC_BYTES.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scaffolder.core.errors import UserError

MAX_SPEC_BYTES = 2 * 1024 * 1024
MAX_TOOLS = 30
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PARAMETER_TYPES = {"integer", "number", "boolean", "string"}
_ARGUMENT = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,60}")


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path" or "query"
    type: str
    required: bool
    description: str = ""
    example: Any = None


@dataclass(frozen=True)
class HttpTool:
    name: str
    description: str
    path: str
    parameters: tuple[Parameter, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["parameters"] = [asdict(p) for p in self.parameters]
        return data


@dataclass
class OpenApiReport:
    source: str  # the file's name, or the URL as given
    fetched: bool  # False for a URL: recorded only
    title: str = ""
    base_url: str = ""
    tools: list[HttpTool] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # "POST /pets: only GET operations become tools"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""

    def lines(self) -> list[str]:
        if not self.fetched:
            return [f"OpenAPI {self.source}: recorded for later, not fetched (no HTTP tools yet)."]
        lines = [f"OpenAPI {self.title or self.source}: {len(self.tools)} GET tools on {self.origin}."]
        lines += [f"  {t.name}: {t.description}" for t in self.tools]
        lines += [f"  ignored {entry}" for entry in self.ignored]
        return lines

    def record(self) -> dict[str, Any]:
        """What the generated project reads (`data/mine/http-tools.json`)."""
        return {
            "source": self.source,
            "title": self.title,
            "base_url": self.base_url,
            "origin": self.origin,
            "tools": [t.to_dict() for t in self.tools],
        }


def _tool_name(operation: dict[str, Any], method: str, path: str, taken: set[str]) -> str:
    raw = str(operation.get("operationId") or f"{method} {path}")
    raw = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", raw)  # listPets -> list_Pets
    name = "api_" + (re.sub(r"[^0-9a-zA-Z]+", "_", raw).strip("_").lower() or "operation")
    name = name[:60]
    base, suffix = name, 2
    while name in taken:
        name, suffix = f"{base}_{suffix}", suffix + 1
    return name


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow a local `$ref` (`#/components/parameters/Id`) a few levels deep; others stay unresolved."""
    for _ in range(5):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return None
        target: Any = document
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        node = target
    return None


def _parameters(document: dict[str, Any], raw: list[Any]) -> tuple[list[Parameter], str | None]:
    found: list[Parameter] = []
    for item in raw:
        param = _resolve(document, item)
        if not isinstance(param, dict) or param.get("in") not in {"path", "query"}:
            continue  # headers and cookies are the API's business, not the model's
        schema = _resolve(document, param.get("schema")) or {}
        type_ = schema.get("type", "string") if isinstance(schema, dict) else "string"
        name = str(param.get("name", ""))
        # A tool argument is a Python name; `tool_context` and `model_*` are taken by the project.
        if not _ARGUMENT.fullmatch(name) or name == "tool_context" or name.startswith("model_"):
            if param.get("in") == "path" or param.get("required"):
                return [], f"its parameter {name!r} is not a name a tool argument can have"
            continue
        if type_ not in PARAMETER_TYPES:
            if param.get("in") == "path" or param.get("required"):
                return [], f"its parameter {name} is of type {type_}, which a tool argument cannot take"
            continue
        example = param.get(
            "example", schema.get("example", schema.get("default")) if isinstance(schema, dict) else None
        )
        found.append(
            Parameter(
                name,
                str(param["in"]),
                str(type_),
                bool(param.get("required") or param.get("in") == "path"),
                str(param.get("description", ""))[:300],
                example if isinstance(example, str | int | float | bool) else None,
            )
        )
    return found, None


def _load(path: Path) -> Any:
    size = path.stat().st_size
    if size > MAX_SPEC_BYTES:
        raise UserError(
            f"{path} is {size / 1e6:,.1f} MB, over the {MAX_SPEC_BYTES // 1_000_000} MB read for an OpenAPI document.",
            "Give a document with only the operations the agent needs.",
        )
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        pass
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise UserError(f"{path} is neither JSON nor YAML: {err}.", "Give an OpenAPI 3 document.") from err


def _mapping(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}


def _items(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []


def scan_openapi(source: str) -> OpenApiReport:
    """The HTTP tools in an OpenAPI 3 file, or a record of a URL for later."""
    if re.match(r"^https?://", source, re.IGNORECASE):
        return OpenApiReport(source, fetched=False)
    path = Path(source).expanduser()
    if not path.is_file():
        raise UserError(f"{path} is not a file.", "Give the OpenAPI document's file (JSON or YAML) or its URL.")
    document = _load(path)
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3"):
        raise UserError(
            f"{path} is not an OpenAPI 3 document (it has no 'openapi: 3.x' field).",
            "Swagger 2 documents can be converted with the swagger2openapi tool.",
        )
    servers = document.get("servers") or [{}]
    base_url = str(servers[0].get("url", "")) if isinstance(servers[0], dict) else ""
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UserError(
            f"{path}: servers[0].url ({base_url or 'missing'}) is not an absolute http(s) address.",
            "Add the API's address, e.g. servers: [{url: https://api.example.com/v1}].",
        )
    info = _mapping(document.get("info"))
    report = OpenApiReport(path.name, True, str(info.get("title", "")), base_url.rstrip("/"))
    taken: set[str] = set()
    paths = _mapping(document.get("paths"))
    for route, item in paths.items():
        if not isinstance(item, dict):
            continue
        shared = _items(item.get("parameters"))
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            if method != "get":
                report.ignored.append(f"{method.upper()} {route}: only GET operations become tools")
                continue
            if len(report.tools) == MAX_TOOLS:
                report.ignored.append(f"GET {route}: more than {MAX_TOOLS} operations")
                continue
            own = _items(operation.get("parameters"))
            params, problem = _parameters(document, [*shared, *own])
            if problem:
                report.ignored.append(f"GET {route}: {problem}")
                continue
            summary = " ".join(str(operation.get("summary", "")).split())
            details = " ".join(str(operation.get("description", "")).split())
            description = ". ".join(part for part in (summary.rstrip("."), details) if part) or f"GET {route}"
            name = _tool_name(operation, method, route, taken)
            taken.add(name)
            report.tools.append(
                HttpTool(name, f"{description[:500]} (GET {route} on {report.origin})", route, tuple(params), summary)
            )
    return report

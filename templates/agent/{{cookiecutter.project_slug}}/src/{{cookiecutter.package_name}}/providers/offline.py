"""The offline planner: deterministic rules instead of a language model.

It speaks the same protocol as a real provider (it returns tool calls, then a final answer), so
the demo, the evaluation and the tests drive the real agent loop with no key and no network.
It is honest about what it is: every thought and answer says it comes from rules.

The rules, in order, for each part of the question (parts are split at '?', ';' or 'and also'):
1. "what did I ask" answers from the session's earlier questions, with no tool;
2. a URL calls `http_get`;
3. "save a note" calls `save_note` (which needs approval);
4. arithmetic ("12 * (3 + 4)", "15% of 2400", "250 plus 20% VAT", "square root of 2",
   "30 degrees Celsius in Fahrenheit") calls `calculator`; "15% of it" applies to the number
   found by the previous part, in a second step;
5. anything else is routed by meaning (`routing.py`: sentence embeddings of the question against
   examples of what each tool answers): questions about the shop's own data call `sql_query`
   with a query from a small library of patterns (`offline_sql.py`), the rest call
   `web_search`; "..., in Fahrenheit" with no number searches first and converts what it found.
Parts that do not depend on each other are called in parallel, in one step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .base import Message, ModelResponse, ToolCall, ToolSpec, Usage
from .offline_sql import OWN_DATABASE, SCHEMA_QUERY, own_data_sql, sql_answer, sql_for
from .routing import route

FOOTER = (
    "(Answered offline by the scripted planner: deterministic rules, not a language model. "
    "Set LLM_PROVIDER to use a real model.)"
)
_NUMBER = r"\d[\d,]*(?:\.\d+)?"


@dataclass
class Intent:
    """One part of the question and how to answer it."""

    text: str
    tool: str | None
    arguments: dict[str, Any] = field(default_factory=dict)
    describe: str = ""
    # For "15% of it": builds the calculator expression from the previous part's number,
    # which `picks` finds in that part's result.
    follow_up: Callable[[float], str] | None = None
    picks: Callable[[Message | None], float | None] | None = None
    answer: Callable[[Any], str] | None = None


class OfflinePlanner:
    name = "offline"
    model = "scripted-planner"

    def complete(
        self, system: str, messages: list[Message], tools: list[ToolSpec]
    ) -> ModelResponse:
        available = {spec.name for spec in tools}
        last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
        question = messages[last_user].content if last_user >= 0 else ""
        history = messages[: max(last_user, 0)]
        turn = messages[last_user + 1 :]
        # Call ids stay unique in a session (Anthropic insists): turn, stage, part.
        prefix = f"offline_t{sum(1 for m in messages if m.role == 'user')}_"
        results = {(m.tool_call_id or "").removeprefix(prefix): m for m in turn if m.role == "tool"}
        done_steps = sum(1 for m in turn if m.role == "assistant" and m.tool_calls)
        intents = plan(question, history, available, tools)

        if done_steps == 0:
            calls = [
                ToolCall(id=f"{prefix}0_{i}", name=intent.tool, arguments=intent.arguments)
                for i, intent in enumerate(intents)
                if intent.tool and not intent.follow_up
            ]
            if calls:
                thought = "Offline planner (rules, not a model): " + "; ".join(
                    intent.describe for intent in intents if intent.tool and not intent.follow_up
                )
                return self._respond(question, Message("assistant", thought, calls), "tool_use")
        if done_steps <= 1:
            calls = []
            for i, intent in enumerate(intents):
                if intent.follow_up is None or i == 0:
                    continue
                previous = (intent.picks or _number_from)(results.get(f"0_{i - 1}"))
                if previous is not None and f"1_{i}" not in results:
                    calls.append(
                        ToolCall(
                            id=f"{prefix}1_{i}",
                            name="calculator",
                            arguments={"expression": intent.follow_up(previous)},
                        )
                    )
            if calls and done_steps == 1:
                thought = (
                    "Offline planner: the follow-up uses the number found in the previous "
                    "step, so I calculate it now."
                )
                return self._respond(question, Message("assistant", thought, calls), "tool_use")
        answer = compose_answer(intents, results, history)
        return self._respond(question, Message("assistant", answer), "end_turn")

    @staticmethod
    def _respond(question: str, message: Message, stop: str) -> ModelResponse:
        # No tokenizer offline: estimate ~4 characters a token so budgets still mean something.
        text = message.content + json.dumps([c.arguments for c in message.tool_calls])
        usage = Usage(input_tokens=max(1, len(question) // 4), output_tokens=max(1, len(text) // 4))
        return ModelResponse(
            message=message, usage=usage, model=OfflinePlanner.model, stop_reason=stop
        )


def split_parts(question: str) -> list[str]:
    parts = re.split(
        r"\?\s+|;\s+|,?\s+and also\s+|\.\s+also,?\s+", question.strip(), flags=re.IGNORECASE
    )
    return [part.strip(" ?.") for part in parts if part.strip(" ?.")]


def plan(
    question: str,
    history: list[Message],
    available: set[str],
    specs: list[ToolSpec] | None = None,
) -> list[Intent]:
    intents = [
        intent
        for part in split_parts(question)
        for intent in classify_all(part, available, specs or [])
    ]
    return intents or [Intent(text=question, tool=None)]


def classify_all(
    text: str, available: set[str], specs: list[ToolSpec] | None = None
) -> list[Intent]:
    """The intents for one part: usually one, two when a looked-up value must be converted."""
    first = classify(text, available, specs or [])
    if (
        first.tool == "web_search"
        and re.search(r"\bfahrenheit\b", text, re.IGNORECASE)
        and "calculator" in available
    ):
        return [
            first,
            Intent(
                text,
                "calculator",
                describe="the temperature found, in Fahrenheit",
                follow_up=lambda c: f"{c:g} * 9 / 5 + 32",
                picks=_celsius_from,
            ),
        ]
    return [first]


def classify(text: str, available: set[str], specs: list[ToolSpec] | None = None) -> Intent:
    lower = text.lower()
    if re.search(r"\bwhat (did|have) i (ask|asked)\b|\b(previous|earlier|last) question", lower):
        return Intent(text, None, describe="memory")
    url = re.search(r"https?://[^\s'\"<>]+", text)
    if url and "http_get" in available:
        return Intent(
            text,
            "http_get",
            {"url": url.group(0).rstrip(".,)")},
            "the question names a URL, so I fetch it with http_get",
        )
    if re.search(r"\b(save|write down|keep)\b.*\bnote\b", lower) and "save_note" in available:
        title, _, body = text.partition(":")
        title = re.sub(r"(?i).*\bnote\b( titled| called)?", "", title).strip(" '\"") or "Agent note"
        return Intent(
            text,
            "save_note",
            {"title": title[:120], "body": body.strip() or text},
            "the user asks to save a note, so I call save_note (needs approval)",
        )
    own = own_data_sql(text) if "sql_query" in available else None
    if own is not None:
        query, kind = own
        return Intent(
            text,
            "sql_query",
            {"query": query},
            f"the question names a table of the database ({kind}), so I query it",
            answer=sql_answer(kind, _fmt),
        )
    api = _api_intent(text, specs or [])
    if api is not None:
        return api
    math_intent = _math_intent(text, lower)
    if math_intent and "calculator" in available:
        return math_intent
    routed = route(text, available & {"sql_query", "web_search"})
    if routed is not None and routed.tool == "sql_query":
        # The shop's patterns name the shop's tables: over your database they would only fail,
        # so a question outside the shapes above gets the list of your tables instead.
        query, kind = SCHEMA_QUERY if _reads_own_database(specs or []) else sql_for(text)
        return Intent(
            text,
            "sql_query",
            {"query": query},
            f"this is about the shop's data ({kind}), so I query the database",
            answer=sql_answer(kind, _fmt),
        )
    if routed is not None:
        return Intent(
            text,
            "web_search",
            {"query": _keywords(text)},
            "this is about policies, guides or facts, so I search",
        )
    return Intent(text, None)


def _reads_own_database(specs: list[ToolSpec]) -> bool:
    return any(s.name == "sql_query" and OWN_DATABASE in s.description for s in specs)


_STOP_WORDS = {"the", "a", "an", "of", "for", "to", "in", "on", "and", "or", "by", "with", "all"}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP_WORDS}


def _api_intent(text: str, specs: list[ToolSpec]) -> Intent | None:
    """A question that says what one of your API's operations does (most of the words of its
    summary) calls that operation's tool, with the parameters the question names ("bedId A1")."""
    asked = _words(text)
    best: tuple[float, ToolSpec] | None = None
    for spec in specs:
        if not spec.name.startswith("api_"):
            continue
        summary = _words(spec.description.split(". ")[0].split(" (GET ")[0])
        score = len(summary & asked) / max(len(summary), 1)
        if score >= 0.6 and (best is None or score > best[0]):
            best = (score, spec)
    if best is None:
        return None
    spec = best[1]
    properties = spec.parameters.get("properties", {})
    arguments: dict[str, Any] = {}
    for name, schema in properties.items():
        found = re.search(rf"\b{re.escape(name)}\b\s*[=:]?\s*([\w.\-]+)", text, re.IGNORECASE)
        if found:
            kinds = {schema.get("type")} | {o.get("type") for o in schema.get("anyOf", [])}
            value: Any = found.group(1)
            if "integer" in kinds and value.lstrip("-").isdigit():
                value = int(value)
            arguments[name] = value
    if set(spec.parameters.get("required", [])) - set(arguments):
        return None
    return Intent(
        text,
        spec.name,
        arguments,
        f"the question asks for what {spec.name} does, so I call it",
    )


def _math_intent(text: str, lower: str) -> Intent | None:
    relative = re.search(rf"({_NUMBER})\s*(%|percent)\s+of\s+(it|that|this|the result)\b", lower)
    if relative:
        pct = _to_float(relative.group(1))
        return Intent(
            text,
            "calculator",
            describe=f"{pct:g}% of the previous result",
            follow_up=lambda x: f"{x:g} * {pct:g} / 100",
        )
    percent = re.search(rf"({_NUMBER})\s*(%|percent)\s+of\s+({_NUMBER})", lower)
    # "250 EUR plus 20% VAT", "80 with 19% tax", "120 minus a 15% discount"
    change = re.search(
        rf"({_NUMBER})\s*(?:eur|euros?|usd|dollars?|€|\$)?\s+(plus|with|including|minus|less)"
        rf"\s+(?:an?\s+)?({_NUMBER})\s*(%|percent)",
        lower,
    )
    celsius = re.search(
        rf"(-?{_NUMBER})\s*(?:degrees?\s+)?(?:celsius|°\s*c\b|c\b)(?=.*\bfahrenheit\b)", lower
    )
    if percent:
        expression = f"{_to_float(percent.group(3)):g} * {_to_float(percent.group(1)):g} / 100"
    elif change:
        sign = "-" if change.group(2) in ("minus", "less") else "+"
        base, pct = _to_float(change.group(1)), _to_float(change.group(3))
        expression = f"{base:g} * (1 {sign} {pct:g} / 100)"
    elif celsius:
        expression = f"{_to_float(celsius.group(1)):g} * 9 / 5 + 32"
    elif root := re.search(rf"square root of\s+({_NUMBER})", lower):
        expression = f"sqrt({_to_float(root.group(1)):g})"
    else:
        candidates = re.findall(r"[\d.()][\d\s.()+\-*/%]*[\d)]", text)
        expression = max(candidates, key=len, default="")
        if not (
            re.search(r"\d\s*(\*\*|[-+*/%])\s*[\d(]", expression)
            and len(re.findall(r"\d+(?:\.\d+)?", expression)) >= 2
        ):
            return None
    return Intent(
        text,
        "calculator",
        {"expression": expression.strip()},
        "there is arithmetic to do, so I use the calculator",
    )


def compose_answer(
    intents: list[Intent], results: dict[str, Message], history: list[Message]
) -> str:
    lines = []
    for i, intent in enumerate(intents):
        call_id = f"1_{i}" if intent.follow_up else f"0_{i}"
        if intent.tool is None:
            lines.append(
                _memory_answer(history)
                if intent.describe == "memory"
                else "I cannot answer that offline without a tool."
            )
            continue
        result = results.get(call_id)
        if result is None:
            lines.append(f"I could not work out '{intent.text}'.")
            continue
        if result.is_error:
            lines.append(f"The {intent.tool} tool failed: {result.content}")
            continue
        data = _load(result.content)
        if intent.answer is not None and isinstance(data, dict):
            lines.append(intent.answer(data))
        elif intent.tool == "calculator" and isinstance(data, dict):
            # The bare number first: the short answer, then how it was found.
            value, expression = _fmt(data.get("result")), data.get("expression")
            if intent.follow_up:
                lines.append(f"{intent.describe.capitalize()}: {value} (calculator: {expression})")
            else:
                lines.append(f"{value}\n(calculator: {expression})")
        elif intent.tool == "web_search" and isinstance(data, dict):
            hits = data.get("results") or []
            if not hits:
                lines.append(f"The search found nothing for '{intent.text}'.")
            else:
                top = hits[0]
                lines.append(f"{top['snippet']} (source: {top['title']}, {top['url']})")
        elif intent.tool == "save_note" and isinstance(data, dict):
            lines.append(f"Saved the note to {data.get('saved')}.")
        elif (intent.tool == "http_get" or intent.tool.startswith("api_")) and isinstance(
            data, dict
        ):
            body = data.get("json", data.get("text"))
            lines.append(
                f"{data.get('url')} answered HTTP {data.get('status')}: {json.dumps(body)[:600]}"
            )
        else:
            lines.append(str(result.content)[:600])
    return "\n".join([*lines, "", FOOTER])


def _memory_answer(history: list[Message]) -> str:
    asked = [m.content for m in history if m.role == "user"]
    if not asked:
        return "This is the first question of this session."
    return "Earlier in this session you asked: " + " | ".join(f"'{q}'" for q in asked[-5:])


def _number_from(message: Message | None) -> float | None:
    if message is None or message.is_error:
        return None
    data = _load(message.content)
    if isinstance(data, dict):
        if isinstance(data.get("result"), int | float):
            return float(data["result"])
        rows = data.get("rows") or []
        if rows and isinstance(rows[0], list):
            numbers = [v for v in rows[0] if isinstance(v, int | float)]
            if numbers:
                return float(numbers[-1])
    return None


def _celsius_from(message: Message | None) -> float | None:
    """The first Celsius temperature in a search result ("30 degrees Celsius", "-5 °C")."""
    if message is None or message.is_error:
        return None
    found = re.search(
        r"([-+]?\d+(?:\.\d+)?)\s*(?:degrees?\s+celsius|°\s*c\b|degrees?\s+c\b)",
        message.content,
        re.IGNORECASE,
    )
    return float(found.group(1)) if found else None


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _keywords(text: str) -> str:
    return (
        re.sub(
            r"^(please\s+)?(tell me|search( for)?|find( out)?|look up)\s+",
            "",
            text,
            flags=re.IGNORECASE,
        ).strip()
        or text
    )


def _to_float(text: str) -> float:
    return float(text.replace(",", ""))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if not value.is_integer() or abs(value) >= 1000 else f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)

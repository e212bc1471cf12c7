"""What a leaked credential looks like: one record per provider, so adding one is one line.

Each pattern is a POSIX extended regular expression that Python's `re` reads the same way, so
`git grep -E` finds candidates at C speed and Python names the match. Values that say they are
placeholders ("your-key", "test", "xxxx") are not leaks: templates and tests are full of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class KeyPattern:
    name: str
    regex: str


KEY_PATTERNS: tuple[KeyPattern, ...] = (
    KeyPattern("an OpenAI/Anthropic API key", r"sk-(proj-|ant-)?[A-Za-z0-9_-]{20,}"),
    KeyPattern("an AWS access key", r"AKIA[0-9A-Z]{16}"),
    KeyPattern("a GitHub token", r"(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}"),
    KeyPattern("a GitHub token", r"github_pat_[A-Za-z0-9_]{22,}"),
    KeyPattern("a Slack token", r"xox[abprs]-[A-Za-z0-9-]{10,}"),
    KeyPattern("a Google API key", r"AIza[0-9A-Za-z_-]{35}"),
    KeyPattern("a Hugging Face token", r"hf_[A-Za-z0-9]{30,}"),
    KeyPattern("a Groq API key", r"gsk_[A-Za-z0-9]{40,}"),
    KeyPattern("a Stripe secret key", r"sk_live_[A-Za-z0-9]{20,}"),
    KeyPattern("a private key", r"-----BEGIN ([A-Z]+ )?PRIVATE KEY-----"),
)

PLACEHOLDER_WORDS = ("example", "your", "xxxx", "test", "fake", "dummy", "placeholder", "redacted", "changeme", "...")

# `.env` files that document variables rather than hold them.
ENV_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults")

_COMPILED = tuple((p, re.compile(p.regex)) for p in KEY_PATTERNS)


@dataclass(frozen=True)
class KeyHit:
    path: str
    line: int
    what: str  # e.g. "an AWS access key"
    preview: str  # the first characters only: evidence must not repeat the secret

    def __str__(self) -> str:
        return f"{self.path}:{self.line} has what looks like {self.what} ({self.preview}…)"


def grep_expression() -> str:
    """All patterns as one alternation for `git grep -E`."""
    return "|".join(f"({p.regex})" for p in KEY_PATTERNS)


def find_keys(path: str, line_number: int, line: str) -> list[KeyHit]:
    """The real-looking keys on one line (placeholders skipped)."""
    hits = []
    for pattern, regex in _COMPILED:
        for match in regex.finditer(line):
            value = match.group(0)
            if any(word in value.lower() for word in PLACEHOLDER_WORDS):
                continue
            hits.append(KeyHit(path, line_number, pattern.name, value[:6]))
    return hits


def is_env_file(path: str) -> bool:
    """A tracked `.env`, `.env.local`, `.env.production`…, but not `.env.example` and friends."""
    name = path.rpartition("/")[2]
    if name != ".env" and not name.startswith(".env."):
        return False
    return not name.endswith(ENV_TEMPLATE_SUFFIXES)


def is_env_template(path: str) -> bool:
    name = path.rpartition("/")[2]
    return name.startswith(".env") and name.endswith(ENV_TEMPLATE_SUFFIXES)

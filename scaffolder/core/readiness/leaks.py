"""What a leaked credential looks like: one record per provider, so adding one is one line.

Each pattern is a POSIX extended regular expression that Python's `re` reads the same way, so
`git grep -E` (and `git log -G`) find candidates at C speed and Python names the match. Values
that say they are placeholders ("sk-your-key", "sk-test-0000…", "…EXAMPLE") are not leaks:
templates and tests are full of them. A placeholder word counts only where it stands apart (next
to a `-`, `_`, or an end of the value): a real random key that happens to contain "test" or
"your" inside a run of letters and digits is still a key.
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

PLACEHOLDER_WORDS = ("example", "your", "test", "fake", "dummy", "placeholder", "redacted", "changeme", "sample")
PLACEHOLDER_RUNS = ("xxxx", "...")  # anywhere: no random key holds these

# `.env` files that document variables rather than hold them.
ENV_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults")

_COMPILED = tuple((p, re.compile(p.regex)) for p in KEY_PATTERNS)


@dataclass(frozen=True)
class KeyHit:
    path: str
    line: int
    what: str  # e.g. "an AWS access key"
    preview: str  # the first characters only: evidence must not repeat the secret
    commit: str | None = None  # set when the key is only in the history, no longer in the files

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        if self.commit:
            where += f" in commit {self.commit[:7]} (no longer in the files)"
        return f"{where} has what looks like {self.what} ({self.preview}…)"


def is_placeholder(value: str) -> bool:
    """A value written to be replaced: a placeholder word standing apart, or a filler run."""
    lowered = value.lower()
    if any(run in lowered for run in PLACEHOLDER_RUNS):
        return True
    for word in PLACEHOLDER_WORDS:
        start = lowered.find(word)
        while start >= 0:
            end = start + len(word)
            apart_before = start == 0 or not lowered[start - 1].isalnum()
            apart_after = end == len(lowered) or not lowered[end].isalnum()
            if apart_before or apart_after:
                return True
            start = lowered.find(word, start + 1)
    return False


def grep_expression() -> str:
    """All patterns as one alternation for `git grep -E`."""
    return "|".join(f"({p.regex})" for p in KEY_PATTERNS)


def find_key_values(line: str) -> list[tuple[str, str]]:
    """(what, value) of each real-looking key on one line (placeholders skipped)."""
    found = []
    for pattern, regex in _COMPILED:
        for match in regex.finditer(line):
            if not is_placeholder(match.group(0)):
                found.append((pattern.name, match.group(0)))
    return found


def find_keys(path: str, line_number: int, line: str) -> list[KeyHit]:
    """The real-looking keys on one line (placeholders skipped)."""
    return [KeyHit(path, line_number, what, value[:6]) for what, value in find_key_values(line)]


def is_env_file(path: str) -> bool:
    """A tracked `.env`, `.env.local`, `.env.production`…, but not `.env.example` and friends."""
    name = path.rpartition("/")[2]
    if name != ".env" and not name.startswith(".env."):
        return False
    return not name.endswith(ENV_TEMPLATE_SUFFIXES)


def is_env_template(path: str) -> bool:
    name = path.rpartition("/")[2]
    return name.startswith(".env") and name.endswith(ENV_TEMPLATE_SUFFIXES)

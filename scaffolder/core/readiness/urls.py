"""The two URLs a project records (live app, published write-up): validated, and compared the
way a reader would (scheme and host case, a trailing slash and a fragment do not matter)."""

from __future__ import annotations

from urllib.parse import urlsplit

from scaffolder.core.errors import UserError


class InvalidUrl(UserError):
    """A URL the app cannot probe or link: not http(s), or without a host. The hint, unless
    said otherwise, is an example of one that works."""

    def __init__(self, message: str, hint: str = "For example: https://docs-qa.onrender.com") -> None:
        super().__init__(message, hint)


def validate_url(url: str) -> str:
    """The URL, stripped, if it is an absolute http or https URL; else InvalidUrl saying why."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError as err:
        raise InvalidUrl(f"{url!r} is not a valid URL: {err}.") from err
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidUrl(
            f"{url!r} is not an http or https URL.",
            "Give the full address a browser opens, starting with https://, e.g. https://docs-qa.onrender.com",
        )
    if not parts.hostname or any(c.isspace() for c in url):
        raise InvalidUrl(f"{url!r} has no host name.")
    return url


def normalized(url: str) -> str:
    """`url` without the differences a reader ignores, for comparing a README link with a record."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def url_path(target: str) -> str:
    """The path part of a link target ("" when it cannot be parsed, e.g. a broken IPv6 host)."""
    try:
        return urlsplit(target).path
    except ValueError:
        return ""


def same_url(a: str, b: str) -> bool:
    return normalized(a) == normalized(b)

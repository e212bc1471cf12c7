"""Project folder names: whatever is accepted is one harmless path component on every OS."""

from __future__ import annotations

import ntpath
import posixpath
import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scaffolder.core.errors import InvalidAnswer
from scaffolder.core.names import ALLOWED, check_folder_name, folder_name_problem

# Microsoft's list ("Naming Files, Paths, and Namespaces"), independent of the module under test.
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{device}{n}" for device in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]
}
WINDOWS_INVALID = set('<>:"/\\|?*') | {chr(c) for c in range(32)}

# Text biased towards the characters that make names dangerous.
tricky = st.text(
    alphabet=st.sampled_from([*string.ascii_letters[:6], *"019", *"./\\-_:*?<>|\"' ~$", "\x00", "\n", "é", "¹"]),
    max_size=12,
)
device_like = st.builds(
    lambda device, suffix, ext: device + suffix + ext,
    st.sampled_from(["con", "CON", "Prn", "aux", "nul", "com", "LPT", "conin", "conout"]),
    st.sampled_from(["", "0", "1", "9", "$", "¹"]),
    st.sampled_from(["", ".txt", ".tar.gz", "x"]),
)
any_name = st.one_of(st.text(max_size=120), tricky, device_like)


def assert_harmless(name: str) -> None:
    for flavour in (posixpath, ntpath):
        assert flavour.basename(name) == name, "a single path component"
        assert flavour.normpath(name) == name, "nothing a path normaliser would rewrite"
        assert not flavour.isabs(name)
    assert "/" not in name and "\\" not in name
    assert ".." not in name and name not in {".", ""}
    assert not name.startswith("-")
    assert not (set(name) & WINDOWS_INVALID), "no character Windows refuses"
    assert not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in WINDOWS_RESERVED
    assert name.isprintable() and name == name.strip()


@settings(max_examples=600)
@given(any_name)
@example("..")
@example("../x")
@example("-rf")
@example("con")
@example("COM0")
@example("lpt0.txt")
@example("x:y")
@example("a/b")
@example("a\\b")
@example("")
@example("name.")
def test_any_accepted_name_is_a_single_harmless_path_component(name: str) -> None:
    problem = folder_name_problem(name)
    if problem is None:
        assert_harmless(name)
        assert check_folder_name(name) == name
    else:
        with pytest.raises(InvalidAnswer) as refused:
            check_folder_name(name, question="project_slug")
        assert refused.value.question == "project_slug"
        assert problem in str(refused.value) and ALLOWED in str(refused.value)


@given(
    st.from_regex(r"[a-z0-9][a-z0-9_-]{0,40}(\.[a-z0-9_-]{1,8})?", fullmatch=True).filter(
        lambda n: n.split(".")[0].upper() not in WINDOWS_RESERVED
    )
)
def test_ordinary_slugs_are_accepted(name: str) -> None:
    """The checker is not so strict that the names cookiecutter's slugify makes are refused."""
    assert folder_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a/b", "path separator"),
        ("a\\b", "path separator"),
        ("../x", "path separator"),
        ("..", "'..'"),
        ("x..y", "'..'"),
        ("-rf", "dash"),
        ("x:y", "Windows"),
        ("con", "reserved"),
        ("Aux.py", "reserved"),
        ("COM0", "reserved"),
        ("LPT0", "reserved"),
        ("name.", "ends with a dot"),
        ("x" * 101, "longer than 100"),
        ("my project", "spaces"),
    ],
)
def test_each_refusal_says_why(name: str, reason: str) -> None:
    problem = folder_name_problem(name)
    assert problem is not None and reason in problem

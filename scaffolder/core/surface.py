"""Where a sentence is read, and the user's next actions worded for it.

A sentence names an action as `{action}` (a readiness fix, an error's hint); each surface words it
the way it offers that action: the command line as a command to type, the app as a field or a
button to use. So the app never tells anyone to type a flag, and the command line never points at
a button. Errors are worded when they are shown, for the surface of the process (`speak_on`, set
once by the app at start; the command line is the default)."""

from __future__ import annotations

import shlex
from enum import StrEnum


class Surface(StrEnum):
    CLI = "cli"
    APP = "app"


# The actions errors' hints name (the readiness fixes have their own table, readiness/model.py):
# action: (command line, app). {name} is the error's project name, shell-quoted.
HINT_ACTIONS: dict[str, tuple[str, str]] = {
    "forget": ("scaffolder forget {name}", "press Forget… on its page"),
    "agree_to_template": (
        "answer yes when asked, or pass --trust",
        "press Agree when asked, or tick “I have read this template and trust it”",
    ),
    "import_folder": ("scaffolder import FOLDER", "File → Import…"),
    "locate_project": (
        "Bring it back, or forget it and import it from where it is now (scaffolder forget {name},"
        " then scaffolder import FOLDER)",
        "Locate it first (Locate… on its page)",
    ),
    "repair_portfolio": ("Run  scaffolder doctor --repair", "Close and reopen the app"),
    "run_repair": ("run  scaffolder doctor --repair", "close and reopen the app"),
    "check_portfolio": ("Run  scaffolder doctor  to check it.", "Close and reopen the app to check it."),
    "see_portfolio_state": ("run  scaffolder doctor  to see the portfolio's state", "reopen the app to check it"),
    "restore_portfolio": (
        "run  scaffolder doctor --restore  to bring it back",
        "close the app and copy it over the portfolio file to bring it back",
    ),
    "link_template": ("scaffolder update {name} --link", "press Link in the Update dialog"),
    "update_project": ("scaffolder update {name}", "press Update…"),
    "give_agent_data": (
        "Give --data PATH, --openapi FILE, or both",
        "Choose a database or CSV files, an OpenAPI file, or both",
    ),
    "add_task": ("Give both: --add TEXT --source TOOL", "Type the question and choose the tool that answers it"),
    "add_expected_answer": ("Add --expect TEXT (e.g. --expect 42)", "Fill in what the answer contains"),
    "add_golden_question": (
        "Give both: --add TEXT --source FILE",
        "Type the question and choose the file it comes from",
    ),
    "generate_with_documents": ("scaffolder new rag --docs FOLDER", "the wizard's Your documents choice"),
    "generate_with_data": ("scaffolder new agent --data PATH", "the wizard's Your data choice"),
    "review_golden": ("scaffolder golden", "Golden questions… on its page"),
    "add_own_golden_question": (
        "scaffolder golden NAME --add TEXT --source FILE",
        "Add… in Golden questions… on its page",
    ),
    "accept_golden": ("scaffolder golden NAME --accept …", "accept them in Golden questions… on its page"),
    "publish_elsewhere": (
        "publish under another name (--repo NAME) or another owner (--org ORG)",
        "publish under another Name or Organisation",
    ),
    "sign_in_again": ("scaffolder github login, or Sign in in the Publish dialog", "Sign in in the Publish dialog"),
    "sign_in": ("scaffolder github login (or Publish to GitHub… in the app)", "Publish to GitHub…, then Sign in"),
    "api_url": ("the API URL (--api-url)", "the API URL in the Publish dialog"),
    "sign_in_with_api_url": ("sign in with its --api-url", "sign in with its API URL"),
    "offline_provider": ("choose --provider offline", "choose the offline provider"),
    "git_identity": (
        'Run  git config --global user.name "Your Name"  and  git config --global user.email you@example.com,'
        " or fill in your name and e-mail in the app's Settings (or the template's author questions).",
        "Fill in your name and e-mail in Settings (or the template's author questions), then try again.",
    ),
}

_speaking_on = Surface.CLI


def speak_on(surface: Surface) -> None:
    """Word every error shown from now on for `surface` (the app calls this once, at start)."""
    global _speaking_on
    _speaking_on = surface


def current_surface() -> Surface:
    return _speaking_on


def word(
    text: str,
    surface: Surface,
    name: str = "",
    check_id: str = "",
    actions: dict[str, tuple[str, str]] = HINT_ACTIONS,
) -> str:
    """`text` with each `{action}` of `actions` worded for `surface`, the project's `name` and
    `check_id` filled into the action's wording. Only known action tokens are replaced: any other
    brace in the text (a path, a Jinja expression quoted in a message) is left as it is."""
    if "{" not in text:
        return text
    for action, wordings in actions.items():
        token = "{" + action + "}"
        if token in text:
            wording = wordings[surface is Surface.APP]
            text = text.replace(token, wording.replace("{name}", shlex.quote(name)).replace("{check}", check_id))
    return text

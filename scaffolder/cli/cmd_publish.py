"""publish, and github login|logout|status: put a project on GitHub with a token that stays
out of files, logs and the process list (it is read from a prompt or stdin, never an argument)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scaffolder.cli._arguments import JSON_OUTPUT, PROJECT_NAME


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "publish",
        help="create the project's GitHub repository and push it (again: push)",
        description="Create a GitHub repository for the project (name = its slug, description = its pitch,"
        " homepage = its live URL, topics by kind), add it as origin and push the branch. Publishing a"
        " published project pushes. The token comes from GITHUB_TOKEN/GH_TOKEN or `scaffolder github login`.",
        parents=[PROJECT_NAME, JSON_OUTPUT],
    )
    p.add_argument("--private", action="store_true", help="create a private repository (default: public)")
    p.add_argument("--org", metavar="ORG", help="create it under this organisation instead of your account")
    p.add_argument("--repo", metavar="NAME", help="the repository's name (default: the project's slug)")
    p.add_argument(
        "--api-url", metavar="URL", help="GitHub Enterprise Server's API, e.g. https://github.example.com/api/v3"
    )
    p.add_argument("--fix-readme", action="store_true", help="fix README links to your-github-username without asking")
    p.set_defaults(handler=cmd_publish)

    github = subparsers.add_parser("github", help="sign in to GitHub (or out) for publishing")
    actions = github.add_subparsers(dest="github_command", metavar="ACTION", required=True)
    login = actions.add_parser(
        "login",
        help="check a personal access token and keep it in the system's credential store",
        description="Paste a GitHub personal access token at the prompt (or pipe it with --with-token)."
        " It is kept in the operating system's credential store, never in a file.",
        parents=[JSON_OUTPUT],
    )
    login.add_argument("--with-token", action="store_true", help="read the token from standard input")
    login.add_argument("--api-url", metavar="URL", help="GitHub Enterprise Server's API URL (remembered)")
    login.set_defaults(handler=cmd_login)
    logout = actions.add_parser("logout", help="remove the kept token from the credential store", parents=[JSON_OUTPUT])
    logout.add_argument("--api-url", metavar="URL", help="the API URL whose token to remove")
    logout.set_defaults(handler=cmd_logout)
    status = actions.add_parser("status", help="which account the token belongs to", parents=[JSON_OUTPUT])
    status.add_argument("--api-url", metavar="URL", help="the API URL to ask")
    status.set_defaults(handler=cmd_status)


def _interactive(args: argparse.Namespace) -> bool:
    return not args.json and sys.stdin.isatty()


def cmd_publish(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.github.credentials import NotSignedIn
    from scaffolder.core.github.publish import PublishRequest, fix_readme_and_push, publish
    from scaffolder.core.github.signin import sign_in
    from scaffolder.core.store import Store

    store = Store()
    interactive = _interactive(args)

    def show(step: str) -> None:
        if not args.json:
            print(f"{step}…", file=sys.stderr, flush=True)

    request = PublishRequest(args.name, private=args.private, org=args.org, repo_name=args.repo, api_url=args.api_url)
    try:
        result = publish(store, request, progress=show)
    except NotSignedIn as err:
        if not interactive:
            raise
        print(err.message, file=sys.stderr)  # sign in here, once, and go on
        signed = sign_in(store, _read_token(argparse.Namespace(with_token=False)), args.api_url)
        print(f"Signed in as {signed.login}; the token is kept in the system's credential store.", file=sys.stderr)
        result = publish(store, request, progress=show)
    data = result.to_dict()
    verb = "Created and pushed" if result.created else "Pushed"
    lines = [f"{verb} {result.branch} to {result.html_url} ({'private' if result.private else 'public'})."]
    if result.uncommitted:
        lines.append("Uncommitted changes were not published: commit them, then publish again.")
    fix = result.readme_fix
    data["readme_fixed"] = None
    if fix is not None:
        agreed = args.fix_readme
        if not agreed and interactive:
            print(fix.summary, file=sys.stderr)
            agreed = input("Fix them in a commit and push it? [y/N] ").strip().lower() in {"y", "yes"}
        if agreed:
            data["readme_fixed"] = fix_readme_and_push(store, result)
            lines.append(
                f"Fixed {fix.lines} placeholder line(s) in {' and '.join(fix.new_texts)}: they point at {fix.owner}/{fix.repo} (committed and pushed)."
            )
        else:
            lines.append(f"{fix.summary} To fix them: scaffolder publish {args.name!r} --fix-readme")
    emit(args, data, "\n".join(lines))
    return 0


def _read_token(args: argparse.Namespace) -> str:
    import getpass

    from scaffolder.core.errors import UserError
    from scaffolder.core.github.credentials import TOKEN_SCOPES

    if args.with_token:
        return sys.stdin.readline().strip()
    if not sys.stdin.isatty():
        raise UserError(
            "No terminal to ask for the token.", "Pipe it in instead: scaffolder github login --with-token < token.txt"
        )
    print(TOKEN_SCOPES, file=sys.stderr)
    return getpass.getpass("GitHub token (not shown): ")


def cmd_login(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.github.signin import sign_in
    from scaffolder.core.store import Store

    store = Store()
    signed = sign_in(store, _read_token(args), args.api_url)
    emit(
        args,
        {"login": signed.login, "api_url": signed.api_url, "source": signed.source},
        f"Signed in to {signed.api_url} as {signed.login}; the token is kept in the system's credential store.",
    )
    return 0


def cmd_logout(args: argparse.Namespace) -> int:
    import os

    from scaffolder.cli._output import emit
    from scaffolder.core.github.credentials import TOKEN_ENV_VARS, api_url
    from scaffolder.core.github.signin import sign_out
    from scaffolder.core.store import Store

    store = Store()
    url = api_url(store, args.api_url)
    removed = sign_out(store, url)
    text = f"Signed out of {url}: the kept token was removed." if removed else f"No token was kept for {url}."
    in_env = [var for var in TOKEN_ENV_VARS if os.environ.get(var)]
    if in_env:
        text += f" {in_env[0]} is still set in the environment and is used while it is."
    emit(args, {"api_url": url, "removed": removed, "environment": in_env}, text)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.github.signin import who_is_signed_in
    from scaffolder.core.store import Store

    signed = who_is_signed_in(Store(), args.api_url)
    if signed is None:
        emit(args, {"login": None}, "Not signed in. Run: scaffolder github login (or set GITHUB_TOKEN)")
        return 1
    emit(
        args,
        {"login": signed.login, "api_url": signed.api_url, "source": signed.source},
        f"Signed in to {signed.api_url} as {signed.login} (token from {signed.source}).",
    )
    return 0

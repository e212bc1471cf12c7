"""The user's settings, kept in the portfolio store so the GUI and the CLI share them."""

from __future__ import annotations

import os
import subprocess
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from scaffolder.core.errors import UserError
from scaffolder.core.git import Identity, configured_identity, git_executable, global_config
from scaffolder.core.paths import default_projects_dir
from scaffolder.core.store import Store


@dataclass
class Settings:
    projects_dir: str = ""
    author_name: str = ""
    author_email: str = ""
    github_username: str = ""
    editor: str = ""  # id of the default editor ("" = first detected)
    custom_editor_command: str = ""  # e.g. "kate -n {path}"

    @property
    def projects_path(self) -> Path:
        return Path(self.projects_dir).expanduser() if self.projects_dir else default_projects_dir()

    @property
    def identity(self) -> Identity | None:
        if self.author_name.strip() and "@" in self.author_email:
            return Identity(self.author_name.strip(), self.author_email.strip())
        return None

    def template_answers(self) -> dict[str, str]:
        """Answers that prefill a template's author questions."""
        return {
            key: value
            for key, value in (
                ("author_name", self.author_name),
                ("author_email", self.author_email),
                ("github_username", self.github_username),
            )
            if value
        }


def load_settings(store: Store) -> Settings:
    stored = store.settings()
    return Settings(**{f.name: stored[f.name] for f in fields(Settings) if f.name in stored})


def save_settings(store: Store, settings: Settings) -> None:
    store.set_settings({k: str(v) for k, v in asdict(settings).items()})


def identity_known(settings: Settings) -> bool:
    """Whether a first commit would have an author: the app's settings or git's own config."""
    return settings.identity is not None or configured_identity() is not None


def needs_welcome(settings: Settings) -> bool:
    """The first start on a machine where neither git nor the app knows who the user is."""
    return not identity_known(settings)


def _git_config_value(key: str) -> str:
    return global_config("--get", key).strip()


def _os_full_name() -> str:
    """The account's full name where the OS keeps one (the GECOS field on Linux and macOS)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError, AttributeError):
        return ""


def suggested_settings(settings: Settings) -> Settings:
    """The welcome step's prefill: what the settings have, else what git or the OS knows
    (git may know a name but no e-mail), and the default projects folder."""
    try:
        git_name, git_email = _git_config_value("user.name"), _git_config_value("user.email")
    except UserError:  # no git: the welcome step still runs, and generation says what to install
        git_name = git_email = ""
    return replace(
        settings,
        author_name=settings.author_name or git_name or _os_full_name(),
        author_email=settings.author_email or git_email or os.environ.get("EMAIL", "").strip(),
        projects_dir=settings.projects_dir or str(settings.projects_path),
    )


def write_git_global_identity(identity: Identity) -> None:
    """`git config --global user.name/user.email`: only when the user asked for it."""
    git = git_executable()
    for key, value in (("user.name", identity.name), ("user.email", identity.email)):
        result = subprocess.run(
            [git, "config", "--global", key, value], capture_output=True, text=True, errors="replace", check=False
        )
        if result.returncode != 0:
            raise UserError(
                f"git could not write {key} to its global config: {result.stderr.strip() or result.returncode}.",
                "Your name and e-mail are saved in the app's settings, which is enough for new projects.",
            )

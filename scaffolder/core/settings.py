"""The user's settings, kept in the portfolio store so the GUI and the CLI share them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

from scaffolder.core.git import Identity
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

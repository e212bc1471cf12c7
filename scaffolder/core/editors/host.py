"""The machine we look for editors on: its platform, environment, home and filesystem root.

Detection reads nothing from globals; it is handed a `Host`. `Host.current()` is the real one;
tests build a macOS or Windows host over temporary folders and run the same code here.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

_ENV_VAR = re.compile(r"%([^%]+)%")


def family_of(platform: str) -> str:
    """ "windows", "macos" or "linux" (every other POSIX desktop follows the freedesktop ways)."""
    if platform.startswith(("win", "cygwin")):
        return "windows"
    if platform == "darwin":
        return "macos"
    return "linux"


@dataclass(frozen=True)
class Host:
    platform: str  # a `sys.platform` value
    env: Mapping[str, str] = field(default_factory=dict)
    home: Path = Path("~")
    root: Path = Path("/")  # where absolute POSIX locations such as /snap/bin are looked up

    @classmethod
    def current(cls) -> Host:
        """The running machine, read now: a PATH changed since the last call is seen."""
        return cls(sys.platform, dict(os.environ), Path.home())

    @property
    def family(self) -> str:
        return family_of(self.platform)

    @property
    def native(self) -> bool:
        """True when this host is the machine we run on, so `shutil.which` knows its rules."""
        return self.platform == sys.platform

    def getenv(self, name: str) -> str:
        """An environment variable; case-insensitive on Windows, as Windows itself is."""
        if self.family == "windows":
            folded = {key.upper(): value for key, value in self.env.items()}
            return folded.get(name.upper(), "")
        return self.env.get(name, "")

    def which(self, name: str, extra_dirs: tuple[Path, ...] = ()) -> Path | None:
        """`name` on PATH, then in `extra_dirs` (where GUI-launched apps often miss it)."""
        path = self.getenv("PATH")
        dirs = [d for d in path.split(self.pathsep) if d] + [str(d) for d in extra_dirs]
        if self.native and self.family != "windows":  # on Windows it searches the current folder first
            found = shutil.which(name, path=os.pathsep.join(dirs))
            return Path(found) if found else None
        return self._emulated_which(name, dirs)

    @property
    def pathsep(self) -> str:
        return ";" if self.family == "windows" else ":"

    def _emulated_which(self, name: str, dirs: list[str]) -> Path | None:
        """PATH lookup by another platform's rules (Windows tries each PATHEXT suffix)."""
        suffixes = [""]
        if self.family == "windows" and not Path(name).suffix:
            suffixes = (self.getenv("PATHEXT") or ".COM;.EXE;.BAT;.CMD").lower().split(";")
        for directory in dirs:
            for suffix in suffixes:
                candidate = Path(directory) / f"{name}{suffix}"
                if candidate.is_file() and (self.family == "windows" or os.access(candidate, os.X_OK)):
                    return candidate
        return None

    def expand(self, location: str) -> list[Path]:
        """The existing paths a well-known `location` names, newest version first.

        A location starts with `~/` (home), `%VAR%/` (a Windows folder variable) or `/` (under
        `root`), is written with `/` separators and may hold `*` for a version number."""
        first, _, rest = location.partition("/")
        if first == "~":
            base = self.home
        elif _ENV_VAR.fullmatch(first):
            value = self.getenv(first.strip("%"))
            if not value:
                return []
            base = Path(value)
        elif first == "":
            base = self.root
        else:
            raise ValueError(f"not a well-known location: {location!r}")
        if "*" in rest:
            return sorted(base.glob(rest), reverse=True)
        path = base.joinpath(*rest.split("/")) if rest else base
        return [path] if path.exists() else []

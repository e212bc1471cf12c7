"""What we know about editors and terminals, as data: adding an editor is adding a record.

A candidate is one of:
- a bare command name (`code`): looked up on PATH, then in the platform's usual bin folders;
- a well-known location (`~/…`, `/…`, `%LOCALAPPDATA%/…`, `/` separators, `*` for a version);
- on macOS, an application bundle name (`Zed.app`): looked for in /Applications and
  ~/Applications and launched with `open -a`.
The first candidate that exists wins, so list the most specific first.
"""

from __future__ import annotations

from dataclasses import dataclass

PATH = "{path}"  # replaced by the project folder, always as one whole argument
COMMAND = "{command}"  # in a terminal's pattern: replaced by the editor's own argv


@dataclass(frozen=True)
class EditorSpec:
    id: str
    name: str
    linux: tuple[str, ...] = ()
    macos: tuple[str, ...] = ()
    windows: tuple[str, ...] = ()
    args: tuple[str, ...] = (PATH,)
    terminal: bool = False  # a full-screen console program: run it inside a terminal window

    def candidates(self, family: str) -> tuple[str, ...]:
        return tuple(getattr(self, family))


@dataclass(frozen=True)
class TerminalSpec:
    """How to start one terminal program: `here` opens a shell in the folder, `run` runs a
    command in it. Either may be empty (that terminal cannot do it). The folder is also the
    process's working directory."""

    id: str
    name: str
    here: tuple[str, ...] = ()
    run: tuple[str, ...] = ()
    new_console: bool = False  # Windows: give the process its own console window
    refuses: str = ""  # characters this terminal's own argument parser misreads in a path


# Usual bin folders a desktop session's PATH may lack (an app started from a menu or the Dock).
EXTRA_BIN_DIRS: dict[str, tuple[str, ...]] = {
    "linux": ("/usr/local/bin", "/usr/bin", "/snap/bin", "~/.local/bin", "~/bin"),
    "macos": ("/opt/homebrew/bin", "/usr/local/bin", "/usr/bin"),
    "windows": (),
}

APPLICATION_DIRS = ("/Applications", "~/Applications")  # macOS


def flatpak(app_id: str) -> tuple[str, ...]:
    """The launchers Flatpak exports for an app, system-wide and per user."""
    return (f"/var/lib/flatpak/exports/bin/{app_id}", f"~/.local/share/flatpak/exports/bin/{app_id}")


def toolbox(script: str, family: str) -> str:
    """A JetBrains Toolbox launcher script ("Generate shell scripts" in Toolbox's settings)."""
    return {
        "linux": f"~/.local/share/JetBrains/Toolbox/scripts/{script}",
        "macos": f"~/Library/Application Support/JetBrains/Toolbox/scripts/{script}",
        "windows": f"%LOCALAPPDATA%/JetBrains/Toolbox/scripts/{script}.cmd",
    }[family]


EDITORS: tuple[EditorSpec, ...] = (
    EditorSpec(
        "vscode",
        "VS Code",
        linux=("code", *flatpak("com.visualstudio.code"), "/usr/share/code/bin/code"),
        macos=("Visual Studio Code.app", "code"),
        windows=(
            "%LOCALAPPDATA%/Programs/Microsoft VS Code/Code.exe",
            "%ProgramFiles%/Microsoft VS Code/Code.exe",
            "code",
        ),
    ),
    EditorSpec(
        "vscode-insiders",
        "VS Code Insiders",
        linux=("code-insiders", "/usr/share/code-insiders/bin/code-insiders"),
        macos=("Visual Studio Code - Insiders.app", "code-insiders"),
        windows=(
            "%LOCALAPPDATA%/Programs/Microsoft VS Code Insiders/Code - Insiders.exe",
            "%ProgramFiles%/Microsoft VS Code Insiders/Code - Insiders.exe",
            "code-insiders",
        ),
    ),
    EditorSpec(
        "vscodium",
        "VSCodium",
        linux=("codium", *flatpak("com.vscodium.codium")),
        macos=("VSCodium.app", "codium"),
        windows=("%LOCALAPPDATA%/Programs/VSCodium/VSCodium.exe", "%ProgramFiles%/VSCodium/VSCodium.exe", "codium"),
    ),
    EditorSpec(
        "cursor",
        "Cursor",
        linux=("cursor", "/opt/cursor/cursor", "/opt/Cursor/cursor"),
        macos=("Cursor.app", "cursor"),
        windows=("%LOCALAPPDATA%/Programs/cursor/Cursor.exe", "cursor"),
    ),
    EditorSpec(
        "windsurf",
        "Windsurf",
        linux=("windsurf", "/usr/share/windsurf/bin/windsurf"),
        macos=("Windsurf.app", "windsurf"),
        windows=("%LOCALAPPDATA%/Programs/Windsurf/Windsurf.exe", "windsurf"),
    ),
    EditorSpec(
        "zed",
        "Zed",
        linux=("zed", "zeditor", "~/.local/zed.app/bin/zed", *flatpak("dev.zed.Zed")),
        macos=("Zed.app", "zed"),
        windows=("%LOCALAPPDATA%/Programs/Zed/Zed.exe", "zed"),
    ),
    EditorSpec(
        "pycharm",
        "PyCharm Professional",
        linux=(
            "pycharm-professional",
            toolbox("pycharm", "linux"),
            toolbox("pycharm-professional", "linux"),
            "charm",
            *flatpak("com.jetbrains.PyCharm-Professional"),
            "/opt/pycharm-professional/bin/pycharm.sh",
        ),
        macos=("PyCharm.app", "PyCharm Professional Edition.app", toolbox("pycharm", "macos"), "charm"),
        windows=(
            toolbox("pycharm", "windows"),
            "%ProgramFiles%/JetBrains/PyCharm 2*/bin/pycharm64.exe",
            "pycharm",
        ),
    ),
    EditorSpec(
        "pycharm-community",
        "PyCharm Community",
        linux=(
            "pycharm-community",
            toolbox("pycharm-community", "linux"),
            *flatpak("com.jetbrains.PyCharm-Community"),
            "/opt/pycharm-community/bin/pycharm.sh",
        ),
        macos=("PyCharm CE.app", "PyCharm Community Edition.app", toolbox("pycharm-community", "macos")),
        windows=(
            toolbox("pycharm-community", "windows"),
            "%ProgramFiles%/JetBrains/PyCharm Community Edition */bin/pycharm64.exe",
        ),
    ),
    EditorSpec(
        "sublime",
        "Sublime Text",
        linux=("subl", "/opt/sublime_text/sublime_text", *flatpak("com.sublimetext.three")),
        macos=("Sublime Text.app", "subl"),
        windows=("%ProgramFiles%/Sublime Text/sublime_text.exe", "%ProgramFiles%/Sublime Text 3/sublime_text.exe"),
    ),
    EditorSpec(
        "neovim",
        "Neovim",
        linux=("nvim", *flatpak("io.neovim.nvim")),
        macos=("nvim",),
        windows=("nvim", "%ProgramFiles%/Neovim/bin/nvim.exe"),
        terminal=True,
    ),
    EditorSpec(
        "vim",
        "Vim",
        linux=("vim",),
        macos=("vim",),
        windows=("vim", "%ProgramFiles%/Vim/vim*/vim.exe", "%ProgramFiles(x86)%/Vim/vim*/vim.exe"),
        terminal=True,
    ),
    EditorSpec(
        "emacs",
        "Emacs",
        linux=("emacs",),
        macos=("emacs",),
        windows=("emacs", "%ProgramFiles%/Emacs/emacs-*/bin/emacs.exe"),
        args=("-nw", PATH),
        terminal=True,
    ),
    EditorSpec(
        "system",
        "System default app",
        linux=("xdg-open",),
        macos=("open",),
        windows=("%SystemRoot%/explorer.exe", "explorer"),
    ),
)

# AppleScript run by `osascript -e … DIR ARG…`: Terminal.app runs `cd DIR && exec ARG…`, each
# argument passed through `quoted form of`, so the shell in the new window reads them literally.
_TERMINAL_APP_SCRIPT = (
    "on run argv",
    'set command to "cd " & quoted form of (item 1 of argv) & " && exec"',
    "repeat with arg in items 2 thru -1 of argv",
    'set command to command & " " & quoted form of (arg as text)',
    "end repeat",
    'tell application "Terminal"',
    "activate",
    "do script command",
    "end tell",
    "end run",
)

TERMINALS: dict[str, tuple[TerminalSpec, ...]] = {
    "linux": (
        # Debian's alternatives name the user's chosen terminal; every one of them accepts -e.
        TerminalSpec(
            "x-terminal-emulator",
            "Default terminal",
            here=("x-terminal-emulator",),
            run=("x-terminal-emulator", "-e", COMMAND),
        ),
        TerminalSpec(
            "gnome-terminal",
            "GNOME Terminal",
            here=("gnome-terminal", f"--working-directory={PATH}"),
            run=("gnome-terminal", f"--working-directory={PATH}", "--", COMMAND),
        ),
        TerminalSpec(
            "konsole", "Konsole", here=("konsole", "--workdir", PATH), run=("konsole", "--workdir", PATH, "-e", COMMAND)
        ),
        TerminalSpec(
            "xfce4-terminal",
            "Xfce Terminal",
            here=("xfce4-terminal", f"--working-directory={PATH}"),
            run=("xfce4-terminal", f"--working-directory={PATH}", "-x", COMMAND),
        ),
        TerminalSpec(
            "kitty", "kitty", here=("kitty", "--directory", PATH), run=("kitty", "--directory", PATH, COMMAND)
        ),
        TerminalSpec(
            "alacritty",
            "Alacritty",
            here=("alacritty", "--working-directory", PATH),
            run=("alacritty", "--working-directory", PATH, "-e", COMMAND),
        ),
        TerminalSpec(
            "wezterm",
            "WezTerm",
            here=("wezterm", "start", "--cwd", PATH),
            run=("wezterm", "start", "--cwd", PATH, "--", COMMAND),
        ),
        TerminalSpec("xterm", "XTerm", here=("xterm",), run=("xterm", "-e", COMMAND)),
    ),
    "macos": (
        TerminalSpec(
            "terminal-app",
            "Terminal",
            here=("open", "-a", "Terminal", PATH),
            run=("osascript", *(a for line in _TERMINAL_APP_SCRIPT for a in ("-e", line)), PATH, COMMAND),
        ),
    ),
    "windows": (
        # Windows Terminal splits its command line at every ";", even inside a quoted argument.
        TerminalSpec("windows-terminal", "Windows Terminal", here=("wt", "-d", PATH), refuses=";"),
        # A console program given a console of its own: Windows shows it in the default terminal.
        TerminalSpec("console", "Console window", here=("cmd",), run=(COMMAND,), new_console=True),
    ),
}

"""A tiny web product with a docs/demo.toml, for recording demos without installing a template:
a page that streams an answer word by word, and a standard-library server that writes its PID."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

# A tiny product: a page that "streams" an answer word by word, and a server that writes its PID.
SERVER = textwrap.dedent(
    """
    import http.server, os, sys
    from pathlib import Path
    Path("server.pid").write_text(str(os.getpid()))
    PAGE = b'''<!doctype html><html><body style="font-family:sans-serif;background:#fff">
    <h1>Ask the docs</h1><input id="q" style="width:300px"><button id="ask">Ask</button>
    <p id="answer"></p>
    <script>
    document.getElementById('ask').onclick = () => {
      const words = ('You asked: ' + document.getElementById('q').value + '. Here is the answer.').split(' ');
      let i = 0; const out = document.getElementById('answer');
      const t = setInterval(() => { out.textContent += words[i++] + ' ';
        if (i >= words.length) { clearInterval(t); out.dataset.done = '1'; out.innerHTML += '<em id=done>[1]</em>'; } }, 120);
    };
    </script></body></html>'''
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"status":"ok"}' if self.path == "/health" else PAGE
            self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
            self.wfile.write(body)
        def log_message(self, *a): pass
    http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
    """
)

STEPS = """
[server]
command = ["{python}", "server.py", "{port}"]
health = "/health"

[[steps]]
action = "goto"
path = "/"

[[steps]]
action = "fill"
selector = "#q"
text = "How do I reset my password?"

[[steps]]
action = "click"
selector = "#ask"

[[steps]]
action = "wait_for"
selector = "#done"
"""


def make_demo_project(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "server.py").write_text(SERVER, encoding="utf-8")
    (root / "docs" / "demo.toml").write_text(STEPS, encoding="utf-8")
    (root / "README.md").write_text(
        "# Ask the docs\n\nAnswers questions.\n\n<!-- Demo: record a GIF and replace this comment -->\n\n## Usage\n",
        encoding="utf-8",
    )
    for argv in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "init"]):
        subprocess.run(["git", "-C", str(root), *argv], capture_output=True, check=True)
    return root


def server_gone(project: Path) -> bool:
    """The server whose PID the project's server.py wrote has exited (a zombie counts as gone)."""
    pid = int((project / "server.pid").read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "zombie" in status.read_text()

"""A fake `flyctl` on PATH that prints like the real `flyctl deploy` (ending with the URL line).

It records its argv and working folder in $FAKE_FLYCTL_RECORD. $FAKE_FLYCTL_MODE picks a story:
  deploy  (default) print the real CLI's lines, one at a time, and exit 0;
  stream  print the first line, then wait for the file $FAKE_FLYCTL_GO before going on (it only
          appears if the caller saw the first line while the program still ran);
  hang    start a child of its own (`sleep`), write both pids to $FAKE_FLYCTL_PIDS, and wait;
  fail    print an error like the real one and exit 1;
  agent   start a helper that outlives it holding its output open (as flyctl's background agent
          may), write the helper's pid to $FAKE_FLYCTL_PIDS, then deploy as usual.
$FAKE_FLYCTL_APP_URL, when set, is the app URL it announces (default https://docs-qa.fly.dev/).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

DEPLOY_LINES = """\
==> Verifying app config
Validating /app/fly.toml
✓ Configuration is valid
--> Verified app config
==> Building image
==> Building image with Depot
--> build:  (​)
#1 [internal] load build definition from Dockerfile
#9 DONE 0.4s
--> Building image done
image: registry.fly.io/docs-qa:deployment-01JD3S3K6ZJ0H5KQ
image size: 142 MB

Watch your deployment at https://fly.io/apps/docs-qa/monitoring

-------
Updating existing machines in 'docs-qa' with rolling strategy

-------
 ✔ Machine 148ed726c55768 [app] update finished: success
-------
Checking DNS configuration for docs-qa.fly.dev

Visit your newly deployed app at https://docs-qa.fly.dev/
"""

SCRIPT = r"""#!{python}
import json, os, subprocess, sys, time
from pathlib import Path
Path(os.environ["FAKE_FLYCTL_RECORD"]).write_text(json.dumps({{"argv": sys.argv, "cwd": os.getcwd()}}))
mode = os.environ.get("FAKE_FLYCTL_MODE", "deploy")
lines = {lines!r}.replace("https://docs-qa.fly.dev/", os.environ.get("FAKE_FLYCTL_APP_URL", "https://docs-qa.fly.dev/")).splitlines()
def say(line):
    print(line, flush=True)
if mode == "fail":
    say("==> Verifying app config")
    say("Error: app not found: could not find app \"docs-qa\"", )
    sys.exit(1)
if mode == "hang":
    child = subprocess.Popen(["sleep", "300"])
    Path(os.environ["FAKE_FLYCTL_PIDS"]).write_text(f"{{os.getpid()}} {{child.pid}}")
    say("==> Building image")
    time.sleep(300)
    sys.exit(0)
if mode == "agent":
    agent = subprocess.Popen(["sleep", "300"])
    Path(os.environ["FAKE_FLYCTL_PIDS"]).write_text(str(agent.pid))
say(lines[0])
if mode == "stream":
    go = Path(os.environ["FAKE_FLYCTL_GO"])
    deadline = time.monotonic() + 10
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit(3)
        time.sleep(0.02)
for line in lines[1:]:
    say(line)
    time.sleep(0.005)
"""


def install_fake_flyctl(bin_dir: Path, name: str = "flyctl") -> Path:
    bin_dir.mkdir(parents=True, exist_ok=True)
    program = bin_dir / name
    program.write_text(SCRIPT.format(python=sys.executable, lines=DEPLOY_LINES), encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return program


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")

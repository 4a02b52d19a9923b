"""Writing the built site, through one of two OutputWriters.

A big build goes into a staging folder swapped in whole on success (StagedOutput):
readers of output/ (a browser, the dev server, a deploy) see the previous build or the
new one, never a mix. A small incremental build (InPlaceOutput) replaces its few files
one by one, each atomically, so a reader may see some pages new and some old for a
moment, but never half a file; nothing is written before every page has rendered. A
failed or killed build leaves output/ whole, and the next build tidies up what it left.
"""

from __future__ import annotations

import builtins
import ctypes
import os
import shutil
import stat
import subprocess
import tempfile
import time
from itertools import islice
from pathlib import Path
from typing import Protocol

from .errors import SiteError

# What a worker's writer did since a mark: files, bytes, changed paths, new stamps.
Written = tuple[int, int, list[str], dict[str, tuple[int, int]]]


class _Counting:
    """What both writers count, and how a worker's counts reach the parent's writer."""

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0
        self.changed: list[str] = []  # files whose bytes differ from the previous output's
        self.stamps: dict[str, tuple[int, int]] = {}  # every file written or kept: its size and mtime

    def _tally(self, rel: str, size: int, mtime_ns: int | None = None) -> None:
        self.files += 1
        self.bytes += size
        if mtime_ns is not None:
            self.stamps[rel] = (size, mtime_ns)

    def mark(self) -> tuple[int, int, int, int]:
        return self.files, self.bytes, len(self.changed), len(self.stamps)

    def since(self, mark: tuple[int, int, int, int]) -> Written:
        """What this writer gained since `mark` (in a worker), to send to the parent's."""
        files, size, changed, stamped = mark
        stamps = dict(islice(self.stamps.items(), stamped, None))  # a dict keeps the order of insertion
        return self.files - files, self.bytes - size, self.changed[changed:], stamps

    def absorb(self, written: Written) -> None:
        files, size, changed, stamps = written
        self.files += files
        self.bytes += size
        self.changed += changed
        self.stamps.update(stamps)


class OutputWriter(Protocol):
    """What a build writes its files through: StagedOutput (a whole new folder swapped in)
    or InPlaceOutput (a few files replaced in place). Both count alike (_Counting)."""

    files: int
    bytes: int
    changed: list[str]
    stamps: dict[str, tuple[int, int]]

    def write(self, rel: str, data: builtins.bytes) -> None: ...

    def copy(self, rel: str, source: Path) -> None: ...

    def reuse(self, rel: str, stamp: tuple[int, int] | None = None, checked: os.stat_result | None = None) -> bool: ...

    def commit(self) -> None: ...

    def mark(self) -> tuple[int, int, int, int]: ...

    def since(self, mark: tuple[int, int, int, int]) -> Written: ...

    def absorb(self, written: Written) -> None: ...


class StagedOutput(_Counting):
    """Collects one build's files beside `out` and replaces `out` with them in commit()."""

    def __init__(self, out: Path, previous: Path | None = None):
        super().__init__()
        self.out = out.resolve()
        self.previous = previous  # the last build's output, to reuse unchanged files from
        self.stage = self.out.parent / f".{self.out.name}.building"
        self.old = self.out.parent / f".{self.out.name}.old"
        self._made: set[str] = set()  # folders already created in the stage

    def __enter__(self) -> StagedOutput:
        recover(self.out)
        shutil.rmtree(self.stage, ignore_errors=True)
        self.stage.mkdir(parents=True)
        os.chmod(self.stage, FOLDER_MODE)
        return self

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        if kind is not None:
            shutil.rmtree(self.stage, ignore_errors=True)

    def path_for(self, rel: str) -> Path:
        """The staged file for a site-relative path, its folder created. Checked by its
        text, not resolve(): the stage is new and holds only what this build put there,
        so no link inside it can lead out, and a build writes thousands of files."""
        checked_relative(rel)
        folder, _, _ = rel.rpartition("/")
        if folder not in self._made:
            make_folders(self.stage, folder)
            self._made.add(folder)
        return Path(f"{self.stage}/{rel}")

    def write(self, rel: str, data: bytes) -> None:
        target = self.path_for(rel)
        try:
            # O_EXCL: never write through a link shared with the previous output.
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            target.unlink()
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, FILE_MODE)  # whatever the umask
            info = os.fstat(fd)
        finally:
            os.close(fd)
        self._count(rel, info, data)

    def copy(self, rel: str, source: Path) -> None:
        """Copy a file in; one unchanged since the previous build is linked instead."""
        old = self.previous / rel if self.previous else None
        same = old is not None and old.is_file() and _same_file(old, source)
        if not (same and self.reuse(rel)):
            target = self.path_for(rel)
            target.unlink(missing_ok=True)
            shutil.copy2(source, target)  # keeps the time, so the next build can compare
            os.chmod(target, FILE_MODE)
            self._count(rel, target.stat(), None)

    def reuse(self, rel: str, stamp: tuple[int, int] | None = None, checked: os.stat_result | None = None) -> bool:
        """Take `rel` from the previous output unchanged (a hard link, gone with the old
        folder at commit); False when there is nothing to take, or when the file is no
        longer as the last build left it (`stamp`: its size and mtime then). `checked`:
        what unchanged_file() just returned for it, to save a second look."""
        if self.previous is None:
            return False
        info = checked if checked is not None else unchanged_file(f"{self.previous}/{rel}", stamp)
        if info is None:
            return False
        old = self.previous / rel
        target = self.path_for(rel)
        target.unlink(missing_ok=True)
        try:
            os.link(old, target)
        except FileNotFoundError:  # gone since it was checked
            return False
        except OSError:  # a file system without hard links
            shutil.copyfile(old, target)
            info = target.stat()
        os.chmod(target, FILE_MODE)  # as a new file would be, even if someone narrowed the old one
        self._tally(rel, info.st_size, info.st_mtime_ns)
        return True

    def _count(self, rel: str, info: os.stat_result, data: bytes | None) -> None:
        self._tally(rel, info.st_size, info.st_mtime_ns)
        if self._differs(rel, info.st_size, data):
            self.changed.append(rel)

    def _differs(self, rel: str, size: int, data: bytes | None) -> bool:
        """Whether the previous output lacks this file or held other bytes in it."""
        if self.previous is None:
            return True
        old = unchanged_file(f"{self.previous}/{rel}")
        if old is None or old.st_size != size:
            return True
        new = data if data is not None else Path(f"{self.stage}/{rel}").read_bytes()
        return Path(f"{self.previous}/{rel}").read_bytes() != new

    def commit(self) -> None:
        """Swap the staged build in, in one step where the system can (so output/ is never
        missing, even for an instant), else by two renames that recover() can finish. The
        old build is removed in the background: deleting a big site takes as long as writing it."""
        shutil.rmtree(self.old, ignore_errors=True)
        if self.out.exists() and exchange(self.stage, self.out):
            discard(self.stage)  # it now holds the previous build
            return
        if self.out.exists():
            os.rename(self.out, self.old)
        os.rename(self.stage, self.out)
        discard(self.old)


FILE_MODE, FOLDER_MODE = 0o644, 0o755  # a web server running as another user must read the site


def make_folders(base: Path, folder: str) -> None:
    """Create `folder` (relative, may be "") under `base`, each new level world-readable
    whatever the umask: a deploy or a web server often runs as another user."""
    path = base
    for part in folder.split("/") if folder else ():
        path = path / part
        try:
            os.mkdir(path)
        except FileExistsError:
            continue
        os.chmod(path, FOLDER_MODE)


def checked_relative(rel: str) -> str:
    """`rel` if it is a plain path inside the site: no leading slash, no empty, "." or ".."
    segment, no NUL or backslash; otherwise a SiteError."""
    parts = rel.split("/")
    if not rel or "\0" in rel or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise SiteError(f"refusing to write outside the output folder: {rel!r}")
    return rel


def unchanged_file(path: str, stamp: tuple[int, int] | None = None) -> os.stat_result | None:
    """The stat of a regular file that is (when `stamp` is given) still as the last build left
    it, by size and mtime; None otherwise. Both writers and the build's triage use it."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    if stamp is not None and (info.st_size, info.st_mtime_ns) != tuple(stamp):
        return None
    return info


def _same_file(a: Path, b: Path) -> bool:
    """Same size and modification time: the cheap test rsync uses."""
    sa, sb = a.stat(), b.stat()
    return sa.st_size == sb.st_size and sa.st_mtime_ns == sb.st_mtime_ns


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE, through ctypes since
    Python has no wrapper); False where the system or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, rename_exchange = -100, 2
    return renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), rename_exchange) == 0


def recover(out: Path) -> None:
    """Undo a swap that was cut short: put the previous build back if output/ is missing."""
    out = out.resolve()
    old = out.parent / f".{out.name}.old"
    if not out.exists() and old.exists():
        os.rename(old, out)
    for leftover in out.parent.glob(f".{out.name}.trash-*"):
        discard(leftover)


def discard(folder: Path) -> None:
    """Rename a folder out of the way at once and delete it in a background process."""
    if not folder.exists():
        return
    trash = (
        folder.parent / f".{folder.name.lstrip('.').split('.trash-')[0].removesuffix('.old')}.trash-"
        f"{os.getpid()}-{time.monotonic_ns()}"
    )
    try:
        os.rename(folder, trash)
        subprocess.Popen(
            ["rm", "-rf", "--", str(trash)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write via a temp file in the same folder and rename: a reader (or a crash)
    sees the old file or the new one, never half of either."""
    tmp = _temp_beside(path, data, durable=True)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _temp_beside(path: Path, data: str | bytes, durable: bool) -> str:
    """`data` in a hidden temp file beside `path` (its folder made), readable by all; on
    disk before this returns when `durable`. Removed again if writing it fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


class BatchedWrites:
    """write_atomic() for thousands of files: each batch's temp files are written, made
    durable with one sync for the whole batch (instead of one fsync per file, most of an
    import's writing time), then renamed into place. A rename never comes before its data
    is on disk, so a crash leaves every file whole: old or new. Leftover temp files of a
    killed run are `remove_stale_temps()`'s."""

    def __init__(self, batch: int = 256) -> None:
        self.batch = batch
        self.pending: list[tuple[str, Path]] = []

    def __enter__(self) -> BatchedWrites:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is None:
            self.commit()
        else:
            for tmp, _ in self.pending:
                Path(tmp).unlink(missing_ok=True)
            self.pending.clear()

    def write(self, path: Path, data: str | bytes) -> None:
        self.pending.append((_temp_beside(path, data, durable=False), path))
        if len(self.pending) >= self.batch:
            self.commit()

    def commit(self) -> None:
        if not self.pending:
            return
        os.sync()
        for tmp, path in self.pending:
            os.replace(tmp, path)
        self.pending.clear()


def remove_stale_temps(folder: Path) -> None:
    """Delete what write_atomic() left behind when a process was killed mid-write (hidden
    `.NAME.XXXX.tmp` files; nothing reads them)."""
    if folder.is_dir():
        for path in [p for p in folder.rglob(".*.tmp") if p.is_file() and not p.is_symlink()]:
            path.unlink(missing_ok=True)


class InPlaceOutput(_Counting):
    """For small incremental builds: the changed files are rendered into memory, then each
    replaces its old version atomically, and files no longer made are removed last.

    Every file a reader sees is whole, and nothing is written before every page has
    rendered, so a template error leaves the output as it was. (Big builds go through
    StagedOutput, which swaps the whole folder.)
    """

    def __init__(self, out: Path, known: set[str]):
        super().__init__()
        self.out = out.resolve()
        self.known = known  # every file the previous build left in out/
        self.pending: dict[str, bytes | Path] = {}
        self.kept: set[str] = set()

    def __enter__(self) -> InPlaceOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pending.clear()

    def write(self, rel: str, data: bytes) -> None:
        self._check(rel)
        self.pending[rel] = data
        self._tally(rel, len(data))  # stamped once committed

    def copy(self, rel: str, source: Path) -> None:
        old = self.out / rel
        if old.is_file() and not old.is_symlink() and _same_file(old, source):
            self.reuse(rel)
            return
        self._check(rel)
        self.pending[rel] = source
        self._tally(rel, source.stat().st_size)

    def reuse(self, rel: str, stamp: tuple[int, int] | None = None, checked: os.stat_result | None = None) -> bool:
        info = checked if checked is not None else unchanged_file(f"{self.out}/{rel}", stamp)
        if info is None:
            return False
        self.kept.add(rel)
        self._tally(rel, info.st_size, info.st_mtime_ns)
        return True

    def _check(self, rel: str) -> None:
        """Textually plain, and not led out by a link someone left in output/."""
        target = (self.out / checked_relative(rel)).resolve()
        if not target.is_relative_to(self.out) or target == self.out:
            raise SiteError(f"refusing to write outside the output folder: {rel!r}")

    def commit(self) -> None:
        """Article pages first, then the pages that link to them, then removals."""
        for rel in sorted(self.pending, key=lambda r: (r.count("/") != 1 or not r.endswith("/index.html"), r)):
            data = self.pending[rel]
            target = self.out / rel
            make_folders(self.out, rel.rpartition("/")[0])
            raw = data if isinstance(data, bytes) else data.read_bytes()
            if target.is_file() and target.stat().st_size == len(raw) and target.read_bytes() == raw:
                self._stamp(rel)
                continue
            write_atomic(target, raw)
            if isinstance(data, Path):
                stat = data.stat()
                os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            self._stamp(rel)
            self.changed.append(rel)
        wanted = self.kept | set(self.pending)
        for rel in sorted(self.known - wanted):
            (self.out / rel).unlink(missing_ok=True)
            self.changed.append(rel)
            for parent in (self.out / rel).parents:
                if parent == self.out:
                    break
                try:
                    if any(parent.iterdir()):
                        break
                    parent.rmdir()
                except FileNotFoundError:
                    continue  # gone already (a build killed after removing it): look above

    def _stamp(self, rel: str) -> None:
        info = os.lstat(self.out / rel)
        self.stamps[rel] = (info.st_size, info.st_mtime_ns)

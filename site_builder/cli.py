"""The `site-builder` command: the only place that reads argv, prints, and picks exit codes.

Exit codes: 0 success, 1 some input failed (the rest was still done), 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import Problem, SiteError, UsageError


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as err:
        print(f"site-builder: {err}", file=sys.stderr)
        return 2
    except SiteError as err:
        print(f"site-builder: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("site-builder: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Static site generator for a mirrored Arabic news archive.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_import(commands)
    _add_build(commands)
    _add_serve(commands)
    _add_deploy(commands)
    return parser


def _add_import(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "import",
        help="turn mirrored pages (HTML or text dumps) into Markdown articles",
        description="Import saved pages of the mirrored site into content/ as Markdown with YAML "
        "front matter. SRC are files or folders (walked recursively).",
    )
    cmd.add_argument("sources", nargs="+", type=Path, metavar="SRC", help="mirror files or folders")
    cmd.add_argument(
        "--out", type=Path, default=Path("content"), help="folder for the Markdown files (default: content/)"
    )
    cmd.add_argument(
        "--date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="publication date for every page imported (overrides what the page says)",
    )
    cmd.add_argument("--force", action="store_true", help="overwrite files that were edited by hand since their import")
    cmd.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary")
    cmd.set_defaults(handler=_run_import)


def _add_build(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "build",
        help="build the static site into output/",
        description="Build the archive in content/ with the templates in templates/ into a static site.",
    )
    _site_arguments(cmd, "URL the site is served from, e.g. https://user.github.io/repo/")
    cmd.add_argument("--out", type=Path, help="where to write the site (default: SITE/output)")
    cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    cmd.add_argument(
        "--clean", action="store_true", help="ignore the build cache (.site-builder-cache/) and render every page"
    )
    cmd.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary")
    cmd.set_defaults(handler=_run_build)


def _run_build(args: argparse.Namespace) -> int:
    from .rebuild import cached_build

    result = cached_build(
        args.site,
        args.out,
        _overrides(args),
        args.strict,
        None if args.quiet else _progress_printer(every=5000, noun="pages"),
        not args.clean,
    )
    _print_problems(result.problems)
    if not result.written:
        print(
            f"build failed: {len(result.errors)} errors, {len(result.problems) - len(result.errors)} warnings"
            f"{' (--strict)' if args.strict else ''}; output/ left as it was",
            file=sys.stderr,
        )
        return 1
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(result.pages.items()))
    seconds = result.seconds
    passes = " ".join(f"{name} {t:.2f}s" for name, t in result.timings.items())
    if result.spliced:
        passes = "only article bodies changed: spliced into their pages"
    elif not result.timings:
        passes = "nothing changed since the last build"
    print(
        f"built {sum(result.pages.values())} pages ({kinds}): {result.rendered} rendered, {result.reused} "
        f"unchanged; {result.files} files, {result.bytes / 1e6:.1f} MB in {seconds:.2f}s [{passes}]",
        file=sys.stderr,
    )
    return 0


def _site_arguments(cmd: argparse.ArgumentParser, base_url_help: str) -> None:
    """--site and --base-url, which build, serve and deploy share."""
    cmd.add_argument("--site", type=Path, default=Path("."), help="the site folder (default: .)")
    cmd.add_argument("--base-url", help=base_url_help)


def _overrides(args: argparse.Namespace) -> dict[str, str] | None:
    return {"base_url": args.base_url} if args.base_url is not None else None


def _add_serve(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "serve",
        help="preview the site locally, rebuilding and reloading on every change",
        description="Build the site, serve it like GitHub Pages would and reload open pages when content, "
        "templates, static files or site.yml change.",
    )
    _site_arguments(cmd, "serve as if published at this URL (its path becomes the base path)")
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    cmd.add_argument("--open", action="store_true", help="open the site in a web browser")
    cmd.set_defaults(handler=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    import threading
    import webbrowser

    from .serve import DevServer

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"site-builder: warning: serving on {args.host}: other machines can reach this preview", file=sys.stderr)
    server = DevServer(args.site, args.host, args.port, _overrides(args), log=lambda m: print(m, file=sys.stderr))
    try:
        url = server.start()
        print(f"serving {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
        if args.open:
            webbrowser.open(url)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    except OSError as err:
        raise SiteError(f"cannot serve on {args.host}:{args.port}: {err.strerror or err}") from None
    finally:
        server.shutdown()
    return 0


def _add_deploy(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "deploy",
        help="build and publish the site to a gh-pages branch or to object storage",
        description="Build the site, report its size, check it is fit for the target, then publish it: by "
        "default commit exactly the built files to a branch for GitHub Pages (without touching your "
        "working tree or index) and push it; with --target s3://BUCKET/PREFIX upload what changed to "
        "object storage (S3, R2, B2, GCS, MinIO) with rclone, endpoint and keys from AWS_ENDPOINT_URL, "
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION.",
    )
    _site_arguments(cmd, "URL the site will be served from (default: base_url of site.yml)")
    cmd.add_argument(
        "--target",
        default="pages",
        metavar="pages|s3://BUCKET/PREFIX",
        help="where to publish: GitHub Pages (default; at most 1 GB, 100 MB a file) or an S3 bucket",
    )
    cmd.add_argument("--dry-run", action="store_true", help="report what would change and publish nothing")
    pages = cmd.add_argument_group("GitHub Pages")
    pages.add_argument("--branch", help="branch to publish to (default: gh-pages)")
    pages.add_argument("--remote", help="remote to push to (default: origin)")
    pages.add_argument("--cname", metavar="DOMAIN", help="custom domain: writes CNAME and serves from its root")
    pages.add_argument("--message", help="commit message")
    pages.add_argument("--no-push", dest="push", action="store_false", help="commit to the branch but do not push")
    cmd.set_defaults(handler=_run_deploy)


def _run_deploy(args: argparse.Namespace) -> int:
    from .build import build
    from .config import load
    from .deploy import DeployOptions, PagesPublisher, Publisher, repository_of, survey

    publisher: Publisher
    if args.target == "pages":
        options = DeployOptions(
            args.branch or "gh-pages",
            args.remote or "origin",
            args.cname,
            args.message or "Publish the archive",
            args.push and not args.dry_run,
        )
        publisher = PagesPublisher(repository_of(args.site), options)
    elif args.target.startswith("s3:"):
        from .deploy.s3 import S3Publisher, parse_target

        pages_only = [
            f"--{name.replace('_', '-')}"
            for name in ("branch", "remote", "cname", "message")
            if getattr(args, name) is not None
        ] + ([] if args.push else ["--no-push"])
        if pages_only:
            raise UsageError(f"{', '.join(pages_only)}: for GitHub Pages only, not with --target {args.target}")
        publisher = S3Publisher(parse_target(args.target))
    else:
        raise UsageError(f"--target {args.target!r}: use pages or s3://BUCKET/PREFIX")
    base_url = args.base_url if args.base_url is not None else (f"https://{args.cname}/" if args.cname else None)
    overrides = {"base_url": base_url} if base_url is not None else None
    result = build(args.site, None, overrides, strict=False, progress=None)
    _print_problems(result.problems)
    if not result.written:
        print("deploy stopped: the build failed; nothing was published", file=sys.stderr)
        return 1
    found = survey(args.site / "output")
    print(f"output: {found}", file=sys.stderr)
    problems = publisher.check(found, load(args.site, overrides).base_url)
    _print_problems(problems)
    if any(p.level == "error" for p in problems):
        print("deploy stopped: the output is not fit to publish; nothing was published", file=sys.stderr)
        return 1
    changes = publisher.plan(found)
    print(f"{publisher.target}: {changes}", file=sys.stderr)
    if args.dry_run:
        print("dry run: nothing was published", file=sys.stderr)
        return 0
    for line in publisher.publish():
        print(line, file=sys.stderr)
    return 0


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


def _run_import(args: argparse.Namespace) -> int:
    from .importer import ImportOptions, import_sources

    options = ImportOptions(out=args.out, date=args.date, force=args.force)
    report = import_sources(list(args.sources), options, None if args.quiet else _progress_printer())
    _print_problems(report.problems)
    order = ("imported", "updated", "unchanged", "skipped", "failed")
    print(", ".join(f"{report.counts[k]} {k}" for k in order), file=sys.stderr)
    return 1 if report.failed else 0


def _progress_printer(every: int = 500, noun: str = "files") -> Callable[[int, int], None]:
    """Progress: on a terminal one line redrawn in place (bar, done/total, rate, time left);
    otherwise a line each time another `every` are done, on large jobs only. Work is
    reported in chunks, so `done` jumps: it is compared with what was shown, not divided."""
    tty = sys.stderr.isatty()
    first: list[tuple[float, int]] = []  # (when, done) at the first call: the rate counts from there
    shown = [-1.0, 0]  # when the bar was last drawn; how many `every` steps were printed

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if tty:
            if not first:
                first.append((now, done))
            if done < total and now - shown[0] < 0.1:
                return
            shown[0] = now
            since, before = first[0]
            bar = _bar(done, total, done - before, now - since, noun)
            print(f"\r{bar}\x1b[K", end="\n" if done >= total else "", file=sys.stderr, flush=True)
        elif total >= every and (done // every > shown[1] or done == total):
            shown[1] = done // every
            print(f"{done}/{total} {noun}", file=sys.stderr)

    return show


def _bar(done: int, total: int, lately: int, seconds: float, noun: str, width: int = 24) -> str:
    """`lately` of the `done` were done in the last `seconds`: the rate, and the time left at it."""
    filled = width * done // total if total else width
    rate = lately / seconds if seconds > 0 else 0.0
    left = int((total - done) / rate) if rate > 0 else -1
    eta = f"{left // 60}:{left % 60:02d}" if left >= 0 else "-:--"
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {noun}, {rate:.0f}/s, {eta} left"


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

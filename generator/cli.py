"""The `careers` command. Thin: parse options, call one function, map errors to exit codes.

Exit codes: 0 success, 1 build or check failure, 2 usage or config error; `build --if-changed`
exits 3 when the data did not change (see README).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import CheckError, GeneratorError
from .progress import LogProgress, Progress

log = logging.getLogger("generator")
NO_CHANGE_EXIT = 3
GC_THRESHOLD = 100_000  # objects allocated between collections of the youngest generation (Python's default: 700)


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose > 1 else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s" if verbose else "%(message)s"))
    root = logging.getLogger("generator")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def fail(exc: BaseException, verbose: int) -> None:
    """Print a one-line reason (a traceback only with -v) and exit with the error's code."""
    if verbose and not isinstance(exc, GeneratorError | click.ClickException):
        traceback.print_exc()
    code = exc.exit_code if isinstance(exc, GeneratorError) else 1
    message = str(exc).replace("\n", " ")
    if not isinstance(exc, GeneratorError | OSError | click.ClickException):
        # A bug (in a source, a theme filter...) still gets one line; -v shows where it happened.
        message = f"unexpected {type(exc).__name__}: {message} (run with -v for the traceback)"
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class TerminalProgress(Progress):
    """A one-line bar per task on an interactive terminal (CI gets the plain log lines)."""

    def __init__(self) -> None:
        self.totals: dict[str, int | None] = {}
        self.done: dict[str, int] = {}

    def start(self, task: str, total: int | None = None) -> None:
        self.totals[task], self.done[task] = total, 0
        self._draw(task)

    def advance(self, task: str, amount: int = 1) -> None:
        self.done[task] = self.done.get(task, 0) + amount
        self._draw(task)

    def finish(self, task: str, summary: str = "", failed: bool = False) -> None:
        click.echo(f"\r\033[K{task}: {'failed' if failed else summary or 'done'}", err=True)

    def _draw(self, task: str) -> None:
        total, done = self.totals.get(task), self.done.get(task, 0)
        if total:
            filled = int(24 * min(done, total) / total)
            bar = f"[{'#' * filled}{'.' * (24 - filled)}] {done}/{total}"
        else:
            bar = f"{done} requests"
        click.echo(f"\r\033[K{task} {bar}", err=True, nl=False)


def make_progress(quiet: bool, verbose: int = 0) -> Progress:
    """Return a bar on an interactive terminal, plain log lines in CI (or with -v), else nothing."""
    if quiet:
        return Progress()
    if os.environ.get("CI") or verbose:
        return LogProgress()
    return TerminalProgress() if sys.stderr.isatty() else Progress()


verbose_option = click.option("-v", "--verbose", count=True, help="More detail; -vv for debug output and tracebacks.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")
config_option = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), default=Path("careers.toml"), show_default=True, help="The site's careers.toml."
)


@click.group()
@click.version_option(__version__, prog_name="careers")
def main() -> None:
    """Build a static careers site from your recruiting system."""
    # A build makes millions of objects that live until it ends (jobs, pages, cache entries) and
    # few cycles: with the default thresholds the collector scans them again and again (loading
    # the parsed-file cache of 10,000 jobs took three times as long). Collect far less often.
    gc.set_threshold(GC_THRESHOLD, 50, 100)


@main.command()
@config_option
@click.option("--output", type=click.Path(path_type=Path), help="Output folder (default: site.output, `public`).")
@click.option("--offline", is_flag=True, help="Build from the last snapshots; send no request.")
@click.option("--allow-stale", is_flag=True, help="If a source fails, publish its last snapshot instead (with a warning).")
@click.option("--accept-drop", is_flag=True, help="Publish even if a source lost more than max_drop of its jobs.")
@click.option("--if-changed", is_flag=True, help=f"Exit {NO_CHANGE_EXIT} when the site is the same as the last build's (nothing to deploy).")
@click.option("--full", is_flag=True, help="Read and check every input, even when only a few job files changed.")
@verbose_option
@quiet_option
def build(
    config_path: Path,
    output: Path | None,
    offline: bool,
    allow_stale: bool,
    accept_drop: bool,
    if_changed: bool,
    full: bool,
    verbose: int,
    quiet: bool,
) -> None:
    """Fetch every source and write the site."""
    from .build import BuildOptions, build_site
    from .config import load_config
    from .summary import summarize

    setup_logging(verbose, quiet)
    try:
        config = load_config(config_path)
        options = BuildOptions(
            output=output,
            offline=offline,
            allow_stale=allow_stale,
            accept_drop=accept_drop,
            quick=not full,
            progress=make_progress(quiet, verbose),
        )
        report = build_site(config, options)
    except Exception as exc:
        fail(exc, verbose)
        return
    if not quiet:
        click.echo(summarize(report), err=True)
    if if_changed and not report.site_changed:
        sys.exit(NO_CHANGE_EXIT)


@main.command()
@config_option
@click.option("--allow-stale", is_flag=True, help="If a source fails, keep its last snapshot.")
@click.option("--accept-drop", is_flag=True, help="Accept a source losing more than max_drop of its jobs.")
@verbose_option
@quiet_option
def fetch(config_path: Path, allow_stale: bool, accept_drop: bool, verbose: int, quiet: bool) -> None:
    """Fetch every source and save snapshots, without rendering."""
    from .build import BuildOptions, fetch_only
    from .config import load_config
    from .summary import summarize

    setup_logging(verbose, quiet)
    try:
        options = BuildOptions(allow_stale=allow_stale, accept_drop=accept_drop, progress=make_progress(quiet, verbose))
        report = fetch_only(load_config(config_path), options)
    except Exception as exc:
        fail(exc, verbose)
        return
    if not quiet:
        click.echo(summarize(report), err=True)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@verbose_option
def check(directory: Path, verbose: int) -> None:
    """Check a built site: JobPosting rules on every job page, and every internal link."""
    from .check import check_site

    problems = check_site(directory)
    for problem in problems:
        click.echo(problem)
    if problems:
        fail(CheckError(problems), verbose)
    click.echo(f"{directory}: ok", err=True)


@main.command()
@config_option
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--offline", is_flag=True, help="Build from snapshots only.")
@verbose_option
def serve(config_path: Path, port: int, offline: bool, verbose: int) -> None:
    """Build, serve on 127.0.0.1, and rebuild and reload on changes."""
    from .serve import serve_site

    setup_logging(verbose, False)
    try:
        serve_site(config_path, port=port, offline=offline)
    except (GeneratorError, OSError) as exc:
        fail(exc, verbose)


@main.command()
@config_option
@click.option("--changes", "changes_path", type=click.Path(path_type=Path), help="The changes file (default: <cache>/changes.json).")
@click.option("--dry-run", is_flag=True, help="Print the notifications without sending them.")
@click.option("--api-base", help="Indexing API base URL (default: $CAREERS_INDEXING_API or https://indexing.googleapis.com).")
@click.option("--token-uri", help="OAuth token endpoint (default: $CAREERS_GOOGLE_TOKEN_URI or the key file's token_uri).")
@verbose_option
@quiet_option
def notify(
    config_path: Path, changes_path: Path | None, dry_run: bool, api_base: str | None, token_uri: str | None, verbose: int, quiet: bool
) -> None:
    """Tell Google's Indexing API about the job URLs the last build added, updated or closed."""
    from .config import load_config
    from .notify import changes_path as default_changes
    from .notify import notify as send

    setup_logging(verbose, quiet)
    try:
        path = changes_path or default_changes(load_config(config_path).cache_dir)
        result = send(path, dry_run=dry_run, api=api_base, token_uri=token_uri)
    except (GeneratorError, OSError) as exc:
        fail(exc, verbose)
        return
    shown = result.planned if dry_run else result.sent
    for kind, url in shown:
        click.echo(f"{'would send ' if dry_run else ''}{kind} {url}")
    if not quiet:
        click.echo(f"{len(shown)} notification(s) {'to send (dry run: nothing sent)' if dry_run else 'sent'}", err=True)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, force: bool) -> None:
    """Create a new site: careers.toml, content/, templates/ and a CI workflow."""
    from .scaffold import scaffold

    try:
        created = scaffold(directory, force=force)
    except (GeneratorError, OSError) as exc:
        fail(exc, 0)
        return
    for path in created:
        click.echo(f"created {path}")
    click.echo(f"next: cd {directory} && careers build && careers serve", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()

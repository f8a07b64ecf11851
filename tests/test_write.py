"""The writer: atomic swaps, byte-identical rebuilds, no-op rebuilds, and failed builds that touch nothing."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

import generator.sources
import generator.write
from generator.errors import BuildError, GeneratorError, SourceError
from generator.model import SourceData
from generator.sources import Source
from generator.write import write_site
from tests.helpers import build, copy_demo, tree_digest, tree_stat

FILES = {"index.html": b"<p>home</p>", "jobs/a/index.html": b"<p>a</p>", "jobs/b/index.html": b"<p>b</p>", "robots.txt": b"User-agent: *\n"}


def leftovers(output: Path) -> list[str]:
    """Return staging or backup folders a write left next to the output."""
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


# -- write_site on its own ----------------------------------------------------------------------


def test_writes_exactly_the_files(tmp_path: Path) -> None:
    output = tmp_path / "public"
    result = write_site(FILES, output)
    assert result.written == sorted(FILES) and result.removed == [] and result.unchanged == 0
    assert {p: output.joinpath(p).read_bytes() for p in FILES} == FILES
    assert sorted(tree_digest(output)) == sorted(FILES)
    assert stat.S_IMODE((output / "index.html").stat().st_mode) == 0o644
    assert stat.S_IMODE((output / "jobs").stat().st_mode) == 0o755
    assert leftovers(output) == []


def test_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "public"
    write_site(FILES, output)
    before = tree_stat(output)
    result = write_site(dict(FILES), output)
    assert not result.changed and result.unchanged == len(FILES)
    assert tree_stat(output) == before


def test_unchanged_files_are_kept_and_stale_files_removed(tmp_path: Path) -> None:
    output = tmp_path / "public"
    write_site(FILES, output)
    before = tree_stat(output)
    new = {**FILES, "jobs/a/index.html": b"<p>a, edited</p>", "jobs/c/index.html": b"<p>c</p>"}
    del new["jobs/b/index.html"]
    result = write_site(new, output)
    assert result.written == ["jobs/a/index.html", "jobs/c/index.html"]
    assert result.removed == ["jobs/b/index.html"]
    assert result.unchanged == 2
    assert sorted(tree_digest(output)) == sorted(new)
    assert not (output / "jobs/b").exists()
    after = tree_stat(output)
    # Unchanged files are the same inodes (hard links), so a rebuild costs what changed.
    assert after["index.html"][0] == before["index.html"][0]
    assert after["robots.txt"] == before["robots.txt"]
    assert leftovers(output) == []


@pytest.mark.parametrize("path", ["../escape.html", "/etc/passwd", "a/../../b"])
def test_refuses_paths_outside_the_output(tmp_path: Path, path: str) -> None:
    output = tmp_path / "public"
    write_site(FILES, output)
    before = tree_digest(output)
    with pytest.raises(BuildError) as caught:
        write_site({**FILES, path: b"x"}, output)
    assert str(caught.value) == f"refusing to write outside the output folder: {path!r}"
    assert tree_digest(output) == before
    assert not (tmp_path / "escape.html").exists()


def test_a_swap_interrupted_between_its_renames_is_completed_next_time(tmp_path: Path) -> None:
    output = tmp_path / "public"
    write_site(FILES, output)
    os.replace(output, tmp_path / ".public.previous")  # as if the process died between the two renames
    result = write_site(FILES, output)
    assert not result.changed
    assert sorted(tree_digest(output)) == sorted(FILES)
    assert leftovers(output) == []


def test_a_failed_move_puts_the_old_site_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Changed files are moved in one by one: when one move fails, those already moved or removed come back."""
    output = tmp_path / "public"
    write_site(FILES, output)
    before = tree_digest(output)
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == output / "robots.txt":
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(generator.write.os, "replace", replace)
    new = {"index.html": b"new home", "jobs/a/index.html": b"<p>a2</p>", "jobs/c/index.html": b"<p>c</p>", "robots.txt": b"changed"}
    with pytest.raises(OSError, match="No space left"):
        write_site(new, output)  # index.html, jobs/a and jobs/c move in before robots.txt fails
    monkeypatch.undo()
    assert tree_digest(output) == before
    assert not (output / "jobs/c").exists()
    assert leftovers(output) == []


def test_a_failure_while_staging_touches_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "public"
    write_site(FILES, output)
    before = tree_stat(output)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(generator.write.os, "link", full)
    monkeypatch.setattr(generator.write.shutil, "copyfile", full)
    source = tmp_path / "card.png"
    source.write_bytes(b"png")
    with pytest.raises(OSError, match="No space left"):
        write_site({**FILES, "index.html": b"new", "media/og-1.png": source}, output)
    monkeypatch.undo()
    assert tree_stat(output) == before
    assert leftovers(output) == []


def test_a_reused_page_is_not_read_and_a_missing_one_fails(tmp_path: Path) -> None:
    output = tmp_path / "public"
    write_site(FILES, output)
    result = write_site({**FILES, "jobs/a/index.html": generator.write.UNCHANGED, "index.html": b"new"}, output)
    assert result.written == ["index.html"] and result.unchanged == 3
    (output / "jobs/a/index.html").unlink()
    with pytest.raises(BuildError, match="a reused page is missing from the output"):
        write_site({**FILES, "jobs/a/index.html": generator.write.UNCHANGED}, output)


# -- whole builds -----------------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A fresh copy of the demo site, built once."""
    root = copy_demo(tmp_path / "demo")
    build(root)
    return root


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path: Path) -> None:
    first = copy_demo(tmp_path / "one")
    second = copy_demo(tmp_path / "two")
    build(first)
    build(second, output=second / "elsewhere")
    one, two = tree_digest(first / "public"), tree_digest(second / "elsewhere")
    assert len(one) > 50
    assert one == two


def test_a_rebuild_without_changes_writes_no_file(demo: Path) -> None:
    before = tree_stat(demo / "public")
    report = build(demo)
    assert report.written is not None and not report.written.changed
    assert report.written.unchanged == len(tree_digest(demo / "public"))  # every file compared, none written
    assert tree_stat(demo / "public") == before


def test_a_rebuild_rewrites_only_what_changed(demo: Path) -> None:
    public = demo / "public"
    before = tree_stat(public)
    job = demo / "content/jobs/data-engineer.md"
    job.write_text(job.read_text(encoding="utf-8").replace("pipelines that\nlet us answer", "pipelines that\nhelp us answer"), encoding="utf-8")
    report = build(demo)
    assert report.written is not None
    assert report.written.written == ["feed.json", "feed.xml", "indeed.xml", "jobs/data-engineer-eng-104/index.html"]
    assert report.written.removed == []
    after = tree_stat(public)
    assert after["jobs/product-designer-des-201/index.html"][0] == before["jobs/product-designer-des-201/index.html"][0]


def test_a_removed_job_leaves_the_feeds_and_keeps_a_closed_page(demo: Path) -> None:
    public = demo / "public"
    page = public / "jobs/data-engineer-eng-104/index.html"
    (demo / "content/jobs/data-engineer.md").unlink()
    report = build(demo)
    assert report.sources[0].closed == ["local:ENG-104"]
    # The URL lives on as a "closed" page: no markup, not indexed, out of every list.
    html = page.read_text(encoding="utf-8")
    assert "application/ld+json" not in html and '<meta name="robots" content="noindex">' in html
    for name in ("sitemap.xml", "feed.xml", "jobs.json", "index.html", "offices/berlin/index.html"):
        assert "data-engineer-eng-104" not in (public / name).read_text(encoding="utf-8"), name
    # A tag only that job had goes away with it.
    assert not (public / "tags/data").exists()
    assert "/jobs/data-engineer-eng-104/ /jobs/data-engineer-eng-104/index.html 410!" in (public / "_redirects").read_text(encoding="utf-8")


def test_a_removed_job_disappears_without_retention(demo: Path) -> None:
    config = demo / "careers.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[site]\n", "[site]\nclosed_retention_days = 0\n"), encoding="utf-8")
    (demo / "content/jobs/data-engineer.md").unlink()
    report = build(demo)
    assert report.written is not None
    assert "jobs/data-engineer-eng-104/index.html" in report.written.removed
    assert "tags/data/index.html" in report.written.removed
    assert not (demo / "public/jobs/data-engineer-eng-104").exists()


class BrokenSource(Source):
    """A source with a bug in it."""

    TYPE = "broken"

    def fetch(self) -> SourceData:
        raise RuntimeError("boom")


class FailingSource(Source):
    """A source whose API is down."""

    TYPE = "failing"

    def fetch(self) -> SourceData:
        raise SourceError(self.name, "GET /jobs answered 503 after 5 retries; try again later")


def add_source(root: Path, kind: str) -> None:
    config = root / "careers.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[[sources]]\ntype = "{kind}"\n', encoding="utf-8")


def break_template(root: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates/job.html").write_text(
        '{% extends "default/job.html" %}{% block main %}{{ job.no_such_field }}{% endblock %}', encoding="utf-8"
    )


def break_job(root: Path) -> None:
    (root / "content/jobs/broken.md").write_text('+++\ntitle = "Broken"\n+++\nNo date.\n', encoding="utf-8")


def break_page(root: Path) -> None:
    (root / "content/pages/oops.md").write_text("No front matter.\n", encoding="utf-8")


def break_asset_reference(root: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates/404.html").write_text(
        '{% extends "default/404.html" %}{% block head %}<link rel="stylesheet" href="{{ asset("missing.css") }}">{% endblock %}', encoding="utf-8"
    )


FAILURES = [
    (break_template, BuildError, r"rendering failed: UndefinedError: .*no_such_field'"),
    (break_asset_reference, BuildError, r"rendering failed: TemplateRuntimeError: asset 'missing.css' is not in the theme's static/ folder"),
    (break_job, SourceError, r"source local: content/jobs/broken.md: date_posted is required \(e.g. date_posted = 2026-01-31\)"),
    (break_page, BuildError, r"content/pages/oops.md: missing front matter; start the file with a \+\+\+ line, TOML keys, and a closing \+\+\+ line"),
    (lambda root: add_source(root, "failing"), SourceError, r"source failing: GET /jobs answered 503 after 5 retries; try again later"),
    (lambda root: add_source(root, "broken"), RuntimeError, r"boom"),
]


@pytest.mark.parametrize(
    ("breaker", "error", "message"), FAILURES, ids=["template", "asset", "job file", "content page", "source error", "source bug"]
)
def test_a_failed_build_leaves_the_previous_output_untouched(
    demo: Path, monkeypatch: pytest.MonkeyPatch, breaker: object, error: type[Exception], message: str
) -> None:
    monkeypatch.setitem(generator.sources.SOURCES, "broken", BrokenSource)
    monkeypatch.setitem(generator.sources.SOURCES, "failing", FailingSource)
    public = demo / "public"
    digest, stats = tree_digest(public), tree_stat(public)
    state = (demo / ".careers-cache/site-state.json").read_bytes()
    breaker(demo)  # type: ignore[operator]
    with pytest.raises(error) as caught:
        build(demo)
    assert re.fullmatch(message, str(caught.value))
    assert isinstance(caught.value, GeneratorError) or error is RuntimeError
    assert tree_digest(public) == digest
    assert tree_stat(public) == stats
    assert leftovers(public) == []
    # The lifecycle state is not advanced by a build that published nothing.
    assert (demo / ".careers-cache/site-state.json").read_bytes() == state

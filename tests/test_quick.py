"""The quick rebuild (generator/quick.py): taken only when it can be, and always the full build's output.

Each test builds a site, changes it, then rebuilds two copies of the same state: one as `careers
build` does (quick when it can), one with --full. The outputs must be byte-identical, and equal
to a build from nothing; the cache's state (site state, pending notifications, site key) too.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from generator import quick
from generator.build import BuildReport
from generator.errors import GeneratorError
from tests.helpers import FIXED_NOW, REPO, build, copy_demo, tree_digest

BOARD = REPO / "tests" / "fixtures" / "board"


def edit(path: Path, change: Callable[[str], str]) -> None:
    """Rewrite a file and move its mtime on, so that a change of the same size is still seen."""
    before = path.stat().st_mtime_ns
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def append(text: str) -> Callable[[str], str]:
    return lambda body: body + text


def replace(old: str, new: str) -> Callable[[str], str]:
    def change(body: str) -> str:
        assert old in body, old
        return body.replace(old, new, 1)

    return change


def state_of(root: Path) -> dict[str, object]:
    """The cache's state after a build (its keys depend on the site's folder: compare them within one folder)."""
    cache = root / ".careers-cache"
    manifest = json.loads((cache / "render-manifest.json").read_text(encoding="utf-8"))
    return {
        "state": json.loads((cache / "site-state.json").read_text(encoding="utf-8")),
        "changes": json.loads((cache / "changes.json").read_text(encoding="utf-8")),
        "files": manifest["files"],
    }


def keys_of(root: Path) -> dict[str, object]:
    manifest = json.loads((root / ".careers-cache/render-manifest.json").read_text(encoding="utf-8"))
    return {"site": manifest["site"], "job pages": {k: v for k, v in manifest["pages"].items() if k.startswith(("jobs/", "fr/jobs/"))}}


def rebuild_both(root: Path, tmp_path: Path, **options: object) -> tuple[BuildReport, BuildReport]:
    """Rebuild `root` as is (quick when it can) and a copy of it with --full; check both give the same site and state."""
    full_root = tmp_path / "full-copy"
    shutil.rmtree(full_root, ignore_errors=True)
    shutil.copytree(root, full_root, symlinks=True)
    fast = build(root, **options)
    full = build(full_root, quick=False, **options)
    assert not full.quick
    assert tree_digest(root / "public") == tree_digest(full_root / "public")
    assert state_of(root) == state_of(full_root)
    assert fast.site_changed == full.site_changed
    assert [(s.added, s.updated, s.closed, s.jobs) for s in fast.sources] == [(s.added, s.updated, s.closed, s.jobs) for s in full.sources]
    assert fast.warnings == full.warnings
    # A full build after the quick one finds the site it would make: nothing to write, the same keys.
    keys = keys_of(root)
    check = build(root, quick=False, **options)
    assert check.written is not None and not check.written.changed and not check.site_changed
    assert keys_of(root) == keys
    history = state_of(full_root)["state"]
    assert isinstance(history, dict)
    if history["closed"] or history["moved"]:
        return fast, full  # closed pages and redirects come from earlier builds
    # And from nothing: no cache, no output.
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("public", ".careers-cache"))
    build(fresh, quick=False, **options)
    assert tree_digest(root / "public") == tree_digest(fresh / "public")
    return fast, full


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = copy_demo(tmp_path / "demo")
    first = build(root)
    assert not first.quick
    return root


def test_a_description_edit_is_quick_and_writes_only_what_changed(demo: Path, tmp_path: Path) -> None:
    edit(demo / "content/jobs/backend-engineer.md", append("\nWe have opened a second team for this role.\n"))
    fast, full = rebuild_both(demo, tmp_path)
    assert fast.quick
    assert fast.pages_rendered == 1 and fast.pages_reused == 12
    written = fast.written.written if fast.written else []
    assert "jobs/backend-engineer-be-01/index.html" in written or any(p.endswith("/index.html") and "backend" in p for p in written)
    assert {"feed.json", "indeed.xml"} <= set(written)
    assert len(written) == len(full.written.written if full.written else [])
    assert fast.sources[0].updated == full.sources[0].updated and len(fast.sources[0].updated) == 1
    # The next build has nothing to do, and says so.
    again = build(demo)
    assert again.quick and not again.site_changed and again.written is not None and not again.written.changed


def test_nothing_changed_is_quick_and_touches_nothing(demo: Path, tmp_path: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (demo / "public").rglob("*")}
    fast, _ = rebuild_both(demo, tmp_path)
    assert fast.quick and not fast.site_changed
    assert {p: p.stat().st_mtime_ns for p in (demo / "public").rglob("*")} == before


def test_several_files_at_once(demo: Path, tmp_path: Path) -> None:
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    edit(demo / "content/jobs/charge-de-clientele.md", append("\nEncore.\n"))
    edit(demo / "content/jobs/ux-researcher.md", replace("+++\nWe are opening", "+++\nA first line.\n\nWe are opening"))
    fast, _ = rebuild_both(demo, tmp_path)
    assert fast.quick and fast.pages_rendered == 3


@pytest.mark.parametrize(
    ("file", "change"),
    [
        ("content/jobs/backend-engineer.md", replace('title = "', 'title = "Lead ')),  # its URL, cards and order
        ("content/jobs/backend-engineer.md", replace('department = "engineering"', 'department = "design"')),
        ("content/jobs/backend-engineer.md", replace("updated_at = 2026-10-20T09:30", "updated_at = 2026-10-21T09:30")),
        ("content/jobs/backend-engineer.md", replace('tags = ["python"', 'tags = ["go", "python"')),
        ("content/jobs/backend-engineer.md", replace('employment_type = "FULL_TIME"', 'employment_type = "PART_TIME"')),
        ("content/jobs/backend-engineer.md", replace('id = "ENG-101"', 'status = "draft"\nid = "ENG-101"')),
        ("content/jobs/backend-engineer.md", replace("date_posted = 2026-10-05", "date_posted = 2026-10-05\nvalid_through = 2026-10-20")),  # expired
        ("content/jobs/backend-engineer.md", replace("+++\nid", "+++\nbroken = [\nid")),  # a problem the full build reports
        ("content/offices.toml", append("\n")),
        ("content/departments.toml", append("\n# a comment\n")),
        ("careers.toml", replace('description = "Open positions', 'description = "Jobs')),
        ("content/pages/about.md", append("\nMore about us.\n")),
    ],
)
def test_other_changes_take_the_full_build(demo: Path, tmp_path: Path, file: str, change: Callable[[str], str]) -> None:
    edit(demo / file, change)
    before = tree_digest(demo / "public")
    try:
        fast, _ = rebuild_both(demo, tmp_path)
    except GeneratorError as exc:
        assert "front matter is not valid TOML" in str(exc)
        assert tree_digest(demo / "public") == before
        return
    assert not fast.quick


def test_added_and_removed_files_take_the_full_build(demo: Path, tmp_path: Path) -> None:
    shutil.copy(demo / "content/jobs/backend-engineer.md", demo / "content/jobs/backend-engineer-2.md")
    edit(demo / "content/jobs/backend-engineer-2.md", replace('id = "', 'id = "copy-'))
    fast, _ = rebuild_both(demo, tmp_path)
    assert not fast.quick and fast.sources[0].added
    (demo / "content/jobs/backend-engineer-2.md").unlink()
    fast, _ = rebuild_both(demo, tmp_path)
    assert not fast.quick and fast.sources[0].closed


def test_a_template_change_takes_the_full_build(demo: Path, tmp_path: Path) -> None:
    (demo / "templates").mkdir()
    shutil.copy(REPO / "themes/default/templates/job.html", demo / "templates/job.html")
    edit(demo / "templates/job.html", replace("{% block main %}", "{% block main %}<!-- changed -->"))
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    fast, _ = rebuild_both(demo, tmp_path)
    assert not fast.quick and fast.pages_rendered == 13


def test_a_listing_that_reads_a_jobs_own_field_is_never_quick(demo: Path, tmp_path: Path) -> None:
    (demo / "templates/partials").mkdir(parents=True)
    job_list = (REPO / "themes/default/templates/partials/job_list.html").read_text(encoding="utf-8")
    (demo / "templates/partials/job_list.html").write_text(job_list.replace("{{ card(job) }}", "{{ card(job) }}<!-- {{ job.apply_url }} -->"))
    build(demo)
    edit(demo / "content/jobs/backend-engineer.md", replace('apply_url = "mailto:', 'apply_url = "mailto:elsewhere.example+'))
    fast, _ = rebuild_both(demo, tmp_path)
    assert not fast.quick
    assert "elsewhere.example+" in (demo / "public/index.html").read_text(encoding="utf-8")
    record = quick.Record.load(demo / ".careers-cache")
    assert record is not None and record.reads == ["apply_url"]


def translate(jobs: Path, extra: str = "") -> None:
    """Write backend-engineer.fr.md, a French translation of backend-engineer.md."""
    original = (jobs / "backend-engineer.md").read_text(encoding="utf-8")
    job_id = next(line.split('"')[1] for line in original.splitlines() if line.startswith("id = "))
    translation = original.replace(f'id = "{job_id}"', f'id = "{job_id}-fr"\ntranslation_of = "{job_id}"\nlanguage = "fr"{extra}', 1)
    (jobs / "backend-engineer.fr.md").write_text(translation.replace('title = "', 'title = "Développeur·se ', 1), encoding="utf-8")


def test_an_expired_translation_is_left_out_as_in_a_full_build(demo: Path, tmp_path: Path) -> None:
    translate(demo / "content/jobs", "\nvalid_through = 2026-10-15")
    build(demo)
    edit(demo / "content/jobs/backend-engineer.md", append("\nOne more team.\n"))
    fast, _ = rebuild_both(demo, tmp_path)
    assert fast.quick and fast.pages_rendered == 1


def test_translations_keep_their_links(demo: Path, tmp_path: Path) -> None:
    jobs = demo / "content/jobs"
    original = (jobs / "backend-engineer.md").read_text(encoding="utf-8")
    job_id = next(line.split('"')[1] for line in original.splitlines() if line.startswith("id = "))
    translation = original.replace(f'id = "{job_id}"', f'id = "{job_id}-fr"\ntranslation_of = "{job_id}"\nlanguage = "fr"', 1)
    translation = "\n".join(line for line in translation.splitlines() if not line.startswith('language = "en"')) + "\n"
    (jobs / "backend-engineer.fr.md").write_text(translation.replace('title = "', 'title = "Développeur·se ', 1), encoding="utf-8")
    first = build(demo)
    assert not first.quick
    edit(jobs / "backend-engineer.fr.md", append("\nUne équipe de plus.\n"))
    fast, _ = rebuild_both(demo, tmp_path)
    assert fast.quick and fast.pages_rendered == 1
    edit(jobs / "backend-engineer.md", append("\nOne more team.\n"))
    fast, _ = rebuild_both(demo, tmp_path)
    assert fast.quick and fast.pages_rendered == 1
    page = next((demo / "public/fr/jobs").glob("developpeur*/index.html")).read_text(encoding="utf-8")
    assert 'hreflang="en"' in page


def test_a_job_board_edit_is_quick(tmp_path: Path) -> None:
    root = tmp_path / "board"
    shutil.copytree(BOARD, root)
    build(root)
    path = sorted((root / "content/jobs").glob("*.md"))[3]
    edit(path, append("\nA line added to the description.\n"))
    fast, _ = rebuild_both(root, tmp_path)
    assert fast.quick and fast.pages_rendered == 1


def test_jobs_json_pages_are_patched_in_the_right_page(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import render

    monkeypatch.setattr(render, "JOBS_JSON_PAGE", 4)
    for built in ("public", ".careers-cache"):  # the page size is no setting: only a new build sees it
        shutil.rmtree(demo / built)
    build(demo)
    # valid_through is the one thing jobs.json shows that no other page does.
    edit(demo / "content/jobs/ux-researcher.md", replace("+++\nWe are opening", "valid_through = 2026-12-15\n+++\nWe are opening"))
    fast, _ = rebuild_both(demo, tmp_path)
    written = fast.written.written if fast.written else []
    assert fast.quick
    assert [name for name in written if name.startswith("jobs") and name.endswith(".json")] == ["jobs-3.json"]
    record = quick.Record.load(demo / ".careers-cache")
    assert record is not None and record.until is not None and record.until.date().isoformat() == "2026-12-16"  # the day after it ends


def test_a_file_missing_from_the_output_takes_the_full_build(demo: Path, tmp_path: Path) -> None:
    (demo / "public/feed.xml").unlink()
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    fast, _ = rebuild_both(demo, tmp_path)
    assert not fast.quick and (demo / "public/feed.xml").is_file()


def test_a_damaged_record_takes_the_full_build(demo: Path, tmp_path: Path) -> None:
    quick.record_path(demo / ".careers-cache").write_bytes(b"not a pickle")
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    fast, _ = rebuild_both(demo, tmp_path)
    assert not fast.quick
    assert quick.Record.load(demo / ".careers-cache") is not None  # written again


def test_a_day_that_ends_a_closed_page_takes_the_full_build(demo: Path, tmp_path: Path) -> None:
    (demo / "content/jobs/ux-researcher.md").unlink()
    build(demo)  # ux-researcher is now a closed page, kept closed_retention_days
    record = quick.Record.load(demo / ".careers-cache")
    assert record is not None and record.until is not None
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    fast, _ = rebuild_both(demo, tmp_path, now=record.until - timedelta(seconds=1))
    assert fast.quick
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    fast, _ = rebuild_both(demo, tmp_path, now=record.until + timedelta(days=1))
    assert not fast.quick
    assert not list((demo / "public/jobs").glob("ux-researcher*"))


def test_full_flag_and_cli(demo: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    env = {"SOURCE_DATE_EPOCH": str(int(FIXED_NOW.timestamp()))}
    result = CliRunner().invoke(main, ["build", "--config", str(demo / "careers.toml"), "--full"], env=env)
    assert result.exit_code == 0, result.output
    assert "quick rebuild" not in result.output
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    result = CliRunner().invoke(main, ["build", "--config", str(demo / "careers.toml")], env=env)
    assert result.exit_code == 0, result.output
    assert "job pages: 1 rendered, 12 unchanged (quick rebuild: only changed job files read)" in result.output


def test_a_template_error_in_a_quick_rebuild_fails_with_one_line_and_keeps_the_output(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree_digest(demo / "public")
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))

    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("boom")

    monkeypatch.setattr(quick, "render_template", broken)
    with pytest.raises(GeneratorError, match=r"^rendering failed: ValueError: boom$"):
        build(demo)
    assert tree_digest(demo / "public") == before
    assert not list(demo.glob(".public.staging-*"))


def test_listing_reads_finds_what_templates_read(tmp_path: Path) -> None:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "index.html": '{% include "a.html" %}{{ x.title }}',
                "a.html": "{{ jobs|map(attribute='salary')|list }}{{ y['valid_through'] }}",
                "listing.html": "{% include name %}",
            }
        )
    )
    assert quick.listing_reads(env) is None  # a template chosen at render time
    env.loader.mapping["listing.html"] = "plain"  # type: ignore[union-attr]
    reads = quick.listing_reads(env)
    assert reads is not None and {"title", "salary", "valid_through"} <= reads
    assert reads & quick.OWN == {"salary", "valid_through"}


def test_a_missing_parsed_file_cache_takes_the_full_build(demo: Path, tmp_path: Path) -> None:
    shutil.rmtree(demo / ".careers-cache/parsed")
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    fast, _ = rebuild_both(demo, tmp_path)
    assert not fast.quick and fast.pages_rendered == 1


def test_warnings_are_the_full_builds(demo: Path, tmp_path: Path) -> None:
    edit(demo / "content/jobs/ux-researcher.md", replace('apply_url = "mailto:jobs@lumenlabs.example?subject=DES-202"\n', ""))
    build(demo)
    edit(demo / "content/jobs/backend-engineer.md", replace('apply_url = "mailto:jobs@lumenlabs.example?subject=ENG-101"\n', ""))
    fast, full = rebuild_both(demo, tmp_path)
    assert fast.quick
    assert len(fast.warnings) == 2 and all("no apply_url" in warning for warning in fast.warnings)


def test_an_expired_job_is_counted_and_warned_about_as_in_a_full_build(demo: Path, tmp_path: Path) -> None:
    edit(demo / "content/jobs/ux-researcher.md", replace("+++\nWe are opening", "valid_through = 2026-10-15\n+++\nWe are opening"))
    build(demo)
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    fast, _ = rebuild_both(demo, tmp_path)
    assert fast.quick and fast.sources[0].jobs == 13 and fast.pages_reused == 11  # 13 jobs, one of them expired
    assert any("expired on 2026-10-15" in warning for warning in fast.warnings)


def test_a_kept_feed_without_its_index_takes_the_full_build(demo: Path, tmp_path: Path) -> None:
    (demo / ".careers-cache/files/feed.json.index").unlink()
    edit(demo / "content/jobs/backend-engineer.md", append("\nMore.\n"))
    fast, _ = rebuild_both(demo, tmp_path)
    assert not fast.quick and "feed.json" in (fast.written.written if fast.written else [])

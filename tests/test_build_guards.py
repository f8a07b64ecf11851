"""build.py guards: the output location, expired jobs, page reuse across output folders, changes across fetches, bad images."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image as PILImage

from generator.build import BuildOptions, build_site
from generator.check import check_job_posting, check_site
from generator.cli import NO_CHANGE_EXIT, main
from generator.config import load_config
from generator.errors import ConfigError

SITE = """
[site]
title = "Review"
url = "https://jobs.example.org"
{extra}
[[sources]]
type = "local"
"""
JOB = """+++
title = "{title}"
date_posted = 2026-10-01
{extra}
remote = "full"
remote_countries = ["FR"]
apply_url = "mailto:jobs@example.org"
+++
{body}
"""


def job(title: str = "Nurse planner", body: str = "Plan the week of 40 nurses.", extra: str = "") -> str:
    return JOB.format(title=title, body=body, extra=extra)


def build(root: Path, **kwargs) -> object:
    return build_site(load_config(root / "careers.toml"), BuildOptions(**kwargs))


@pytest.mark.parametrize("output", [".", "..", "content", "content/jobs"])
def test_an_output_that_would_replace_the_site_is_refused(make_site, output: str) -> None:
    root = make_site(SITE.format(extra=""), {"content/jobs/planner.md": job()})
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = CliRunner().invoke(main, ["build", "--config", str(root / "careers.toml"), "--output", str(root / output)])
    assert result.exit_code == 2
    assert "would replace the site's own files; write the site to a folder of its own, such as public" in result.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_a_cache_inside_the_output_is_refused(make_site) -> None:
    root = make_site(SITE.format(extra='cache = "public/.cache"'), {"content/jobs/planner.md": job()})
    with pytest.raises(ConfigError) as caught:
        build(root)
    assert "overlap, and the output is published; keep the cache outside, such as .careers-cache" in str(caught.value)


def test_an_expired_job_is_published_as_closed(make_site) -> None:
    root = make_site(SITE.format(extra=""), {"content/jobs/planner.md": job()})
    build(root)
    assert (root / "public/jobs/nurse-planner-planner/index.html").is_file()
    # The clock of the tests is 2026-11-01: a job valid through October has expired.
    (root / "content/jobs/planner.md").write_text(job(extra="valid_through = 2026-10-31"), encoding="utf-8")
    report = build(root)
    assert report.warnings == ["local: job planner (Nurse planner) expired on 2026-10-31; it is published as closed"]
    assert report.sources[0].closed == ["local:planner"]
    page = (root / "public/jobs/nurse-planner-planner/index.html").read_text(encoding="utf-8")
    assert "JobPosting" not in page and 'content="noindex"' in page
    assert "nurse-planner" not in (root / "public/sitemap.xml").read_text(encoding="utf-8")
    assert check_site(root / "public") == []


def test_a_job_valid_through_today_is_still_open(make_site) -> None:
    root = make_site(SITE.format(extra=""), {"content/jobs/planner.md": job(extra="valid_through = 2026-11-01")})
    build(root)
    assert "JobPosting" in (root / "public/jobs/nurse-planner-planner/index.html").read_text(encoding="utf-8")


def test_check_flags_a_page_whose_valid_through_has_passed() -> None:
    from datetime import date

    posting = {"validThrough": "2026-10-31", "datePosted": "2026-10-01"}
    problems = check_job_posting(posting, "p", today=date(2026, 11, 1))
    assert (
        "p: validThrough 2026-10-31 has passed, but the page still advertises the job; rebuild the site (expired jobs are published as closed)"
        in problems
    )


def test_building_to_another_folder_never_leaves_stale_pages(make_site) -> None:
    root = make_site(SITE.format(extra=""), {"content/jobs/planner.md": job()})
    build(root, output=root / "a")
    (root / "content/jobs/planner.md").write_text(job(body="Plan the week. MARKER-V2"), encoding="utf-8")
    build(root, output=root / "b")
    build(root, output=root / "a")
    assert "MARKER-V2" in (root / "a/jobs/nurse-planner-planner/index.html").read_text(encoding="utf-8")


def test_a_fetch_between_builds_does_not_hide_a_change(make_site) -> None:
    root = make_site(SITE.format(extra=""), {"content/jobs/planner.md": job()})
    config = str(root / "careers.toml")
    assert CliRunner().invoke(main, ["build", "--config", config]).exit_code == 0
    assert CliRunner().invoke(main, ["build", "--config", config, "--if-changed"]).exit_code == NO_CHANGE_EXIT
    (root / "content/jobs/planner.md").write_text(job(body="Plan the month."), encoding="utf-8")
    assert CliRunner().invoke(main, ["fetch", "--config", config]).exit_code == 0
    result = CliRunner().invoke(main, ["build", "--config", config, "--if-changed"])
    assert result.exit_code == 0, result.stderr
    assert "local: 1 jobs; +0 added, ~1 updated, -0 closed" in result.stderr


def test_an_image_bomb_is_skipped_with_a_warning_and_not_cached(make_site) -> None:
    buffer = io.BytesIO()
    PILImage.new("1", (19000, 19000)).save(buffer, format="PNG")
    root = make_site(
        SITE.format(extra="").replace("[[sources]]", '[organization]\nname = "Review"\nlogo = "content/bomb.png"\n[[sources]]'),
        {"content/jobs/planner.md": job(), "content/bomb.png": buffer.getvalue()},
    )
    report = build(root)
    assert any(w.startswith("image content/bomb.png skipped: ") for w in report.warnings)
    assert check_site(root / "public") == []

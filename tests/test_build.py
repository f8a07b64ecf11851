"""Reliability: safety rules, snapshots, incremental rebuilds and the closed-job lifecycle.

A small "ledger" source (registered for these tests only) reads a paginated list and fetches each
new or changed job's detail, like the real ATS sources, from a loopback emulator.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from generator import sources
from generator.build import BuildOptions, build_site, fetch_only
from generator.check import check_site
from generator.config import Option, load_config
from generator.errors import BuildError, GeneratorError, SourceError
from generator.model import Job, Remote, Section, SourceData
from generator.normalize import sanitize_html
from tests.emulators.base import Emulator

TOKEN = "ledger-token-123456"


class LedgerSource(sources.Source):
    """Test source: GET /jobs?page=N (2 per page), then GET /jobs/{id} for new or changed jobs."""

    TYPE = "ledger"
    OPTIONS = {"api_url": Option(str, required=True), "token_env": Option(str, default="LEDGER_TOKEN")}

    def fetch(self) -> SourceData:
        token = self.secret("token_env", "the ledger token")
        with self.client(self.config["api_url"], secrets=(token,), headers={"Authorization": f"Bearer {token}"}) as client:
            listed: list[dict[str, Any]] = []
            page = 1
            while True:
                items = client.get_json("/jobs", {"page": page}).data
                listed.extend(items)
                if len(items) < 2:
                    break
                page += 1
            before = self.context.previous_state.get("details", {})
            details = {}
            for item in listed:
                cached = before.get(item["id"])
                if cached and cached["updated"] == item["updated"]:
                    details[item["id"]] = cached
                else:
                    details[item["id"]] = client.get_json(f"/jobs/{item['id']}").data
        self.state = {"details": details}
        jobs = [
            Job(
                source=self.name,
                id=d["id"],
                title=d["title"],
                date_posted="2026-10-01",
                updated_at=d["updated"],
                sections=(Section("", sanitize_html(d["body"])),),
                remote=Remote.FULL,  # fully remote in France: valid markup without an office
                remote_countries=("FR",),
            )
            for d in details.values()
        ]
        return SourceData(jobs=jobs)


class Ledger(Emulator):
    """Serves `jobs` (id -> dict) paginated two per page."""

    def __init__(self) -> None:
        super().__init__()
        self.jobs: dict[str, dict[str, Any]] = {}
        self.fail_page: int | None = None
        self.fail_all = False

        @self.route("/jobs")
        def listing(request):
            if self.fail_all:
                return 500, {}, {"message": "down"}
            page = int(request.query.get("page", 1))
            if page == self.fail_page:
                return 503, {}, {"message": "maintenance"}
            items = sorted(self.jobs.values(), key=lambda j: j["id"])
            chunk = items[(page - 1) * 2 : page * 2]
            return 200, {}, [{"id": j["id"], "updated": j["updated"]} for j in chunk]

        @self.route("/jobs/(?P<job_id>[^/]+)")
        def detail(request, job_id):
            return 200, {}, self.jobs[job_id]

    def add(self, job_id: str, title: str, updated: str = "2026-10-01T10:00:00+00:00") -> None:
        self.jobs[job_id] = {"id": job_id, "title": title, "updated": updated, "body": f"<p>{title}: what you will do.</p><ul><li>Work</li></ul>"}


@pytest.fixture
def ledger(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sources.SOURCES, "ledger", LedgerSource)
    with Ledger() as server:
        for n in range(1, 6):
            server.add(f"J{n}", f"Engineer {n}")
        yield server


@pytest.fixture
def site(make_site, ledger: Ledger):
    root = make_site(
        f"""
        [site]
        title = "Ledger careers"
        url = "https://jobs.example.org"
        [organization]
        name = "Ledger Inc"
        [[sources]]
        type = "ledger"
        api_url = "{ledger.url}"
        retries = 1
        """
    )
    return root


def options(**kwargs: Any) -> BuildOptions:
    return BuildOptions(env={"LEDGER_TOKEN": TOKEN, "SOURCE_DATE_EPOCH": "1793534400"}, sleep=lambda s: None, **kwargs)


def tree(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Map each file to (sha256, inode, mtime_ns): equal trees were not rewritten."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build(root: Path, **kwargs: Any):
    return build_site(load_config(root / "careers.toml"), options(**kwargs))


def requests_of(server: Emulator) -> list[str]:
    paths = [r.path + ("?page=" + r.query["page"] if "page" in r.query else "") for r in server.requests]
    server.requests.clear()
    return paths


def test_full_build_passes_check(site: Path, ledger: Ledger) -> None:
    report = build(site)
    assert report.sources[0].jobs == 5
    assert sorted(report.sources[0].added) == [f"ledger:J{n}" for n in range(1, 6)]
    assert check_site(site / "public") == []


def test_no_change_rebuild_sends_only_list_requests_and_writes_no_file(site: Path, ledger: Ledger) -> None:
    build(site)
    requests_of(ledger)
    before = tree(site / "public")
    cache_before = tree(site / ".careers-cache")
    report = build(site)
    assert requests_of(ledger) == ["/jobs?page=1", "/jobs?page=2", "/jobs?page=3"]
    assert not report.written.changed
    assert report.pages_rendered == 0 and report.pages_reused == 5
    assert tree(site / "public") == before
    assert tree(site / ".careers-cache") == cache_before
    assert not report.data_changed


def test_one_changed_job_fetches_and_renders_only_that_job(site: Path, ledger: Ledger) -> None:
    build(site)
    requests_of(ledger)
    before = tree(site / "public")
    ledger.add("J3", "Engineer 3 (Platform)", updated="2026-10-05T10:00:00+00:00")
    report = build(site)
    assert [p for p in requests_of(ledger) if not p.startswith("/jobs?")] == ["/jobs/J3"]
    assert report.sources[0].updated == ["ledger:J3"]
    assert report.pages_rendered == 1 and report.pages_reused == 4
    after = tree(site / "public")
    changed = {p for p in after if before.get(p) != after[p]}
    assert "jobs/engineer-1-j1/index.html" not in changed
    assert "jobs/engineer-3-platform-j3/index.html" in changed


def test_failing_source_leaves_output_untouched(site: Path, ledger: Ledger) -> None:
    build(site)
    before = tree(site / "public")
    ledger.fail_all = True
    with pytest.raises(SourceError) as caught:
        build(site)
    assert str(caught.value) == "source ledger: GET /jobs?page=1 failed after 2 attempts: HTTP 500"
    assert tree(site / "public") == before


def test_allow_stale_uses_the_last_snapshot_with_a_warning(site: Path, ledger: Ledger, caplog: pytest.LogCaptureFixture) -> None:
    build(site)
    ledger.fail_all = True
    report = build(site, allow_stale=True)
    assert report.sources[0].stale
    assert report.sources[0].jobs == 5
    assert any(w.startswith("STALE DATA: source ledger:") for w in report.warnings)
    assert "STALE DATA" in caplog.text
    assert check_site(site / "public") == []


def test_allow_stale_without_a_snapshot_still_fails(site: Path, ledger: Ledger) -> None:
    ledger.fail_all = True
    with pytest.raises(SourceError):
        build(site, allow_stale=True)
    assert not (site / "public").exists()


def test_half_read_pagination_fails_the_source(site: Path, ledger: Ledger) -> None:
    build(site)
    before = tree(site / "public")
    ledger.add("J6", "Engineer 6")
    ledger.fail_page = 2
    with pytest.raises(SourceError) as caught:
        build(site)
    assert "GET /jobs?page=2 failed after 2 attempts: HTTP 503" in str(caught.value)
    assert tree(site / "public") == before


def test_a_source_suddenly_empty_fails_unless_accepted(site: Path, ledger: Ledger) -> None:
    build(site)
    before = tree(site / "public")
    ledger.jobs.clear()
    with pytest.raises(SourceError) as caught:
        build(site)
    assert str(caught.value) == "source ledger: returned no jobs, but the last snapshot had 5; if every job really closed, rebuild with --accept-drop"
    assert tree(site / "public") == before
    report = build(site, accept_drop=True)
    assert report.sources[0].jobs == 0
    assert len(report.sources[0].closed) == 5


def test_losing_more_than_max_drop_fails(site: Path, ledger: Ledger) -> None:
    build(site)
    for job_id in ("J1", "J2", "J3"):
        del ledger.jobs[job_id]
    with pytest.raises(SourceError) as caught:
        build(site)
    assert "3 of 5 jobs disappeared at once (more than max_drop = 50%)" in str(caught.value)
    # --allow-stale must not hide a drop: the data arrived, it is just suspicious.
    with pytest.raises(SourceError):
        build(site, allow_stale=True)


def test_several_failing_sources_are_reported_on_one_line(make_site, ledger: Ledger) -> None:
    ledger.fail_all = True
    root = make_site(
        f"""
        [site]
        title = "t"
        url = "https://jobs.example.org"
        [[sources]]
        type = "ledger"
        name = "a"
        api_url = "{ledger.url}"
        retries = 0
        [[sources]]
        type = "ledger"
        name = "b"
        api_url = "{ledger.url}"
        retries = 0
        """
    )
    with pytest.raises(BuildError) as caught:
        build(root)
    assert str(caught.value) == (
        "source a: GET /jobs?page=1 failed after 1 attempts: HTTP 500 | source b: GET /jobs?page=1 failed after 1 attempts: HTTP 500"
    )


def test_a_closed_job_keeps_a_closed_page_then_disappears(site: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    build(site)
    del ledger.jobs["J2"]
    report = build(site)
    assert report.sources[0].closed == ["ledger:J2"]
    public = site / "public"
    page = (public / "jobs/engineer-2-j2/index.html").read_text()
    assert '<meta name="robots" content="noindex">' in page
    assert "JobPosting" not in page
    assert "This position is closed." in page
    assert "engineer-2-j2" not in (public / "sitemap.xml").read_text()
    assert "engineer-2-j2" not in (public / "feed.xml").read_text()
    assert "J2" not in json.dumps(json.loads((public / "jobs.json").read_text()))
    assert "/jobs/engineer-2-j2/ /jobs/engineer-2-j2/index.html 410!" in (public / "_redirects").read_text()
    assert check_site(public) == []
    # 31 days later the closed page is gone.
    later = options()
    later.env["SOURCE_DATE_EPOCH"] = str(1793534400 + 31 * 86400)
    build_site(load_config(site / "careers.toml"), later)
    assert not (public / "jobs/engineer-2-j2").exists()
    assert "engineer-2-j2" not in (public / "_redirects").read_text()


def test_a_renamed_job_redirects_from_its_old_url(site: Path, ledger: Ledger) -> None:
    build(site)
    ledger.add("J4", "Staff Engineer", updated="2026-10-06T10:00:00+00:00")
    build(site)
    public = site / "public"
    assert (public / "jobs/staff-engineer-j4/index.html").is_file()
    old = (public / "jobs/engineer-4-j4/index.html").read_text()
    assert 'http-equiv="refresh" content="0; url=https://jobs.example.org/jobs/staff-engineer-j4/"' in old
    assert "JobPosting" not in old
    assert "/jobs/engineer-4-j4/ /jobs/staff-engineer-j4/ 301!" in (public / "_redirects").read_text()
    assert check_site(public) == []


def test_offline_builds_from_snapshots_without_requests(site: Path, ledger: Ledger) -> None:
    fetch_only(load_config(site / "careers.toml"), options())
    assert not (site / "public").exists()
    requests_of(ledger)
    ledger.fail_all = True
    report = build(site, offline=True)
    assert requests_of(ledger) == []
    assert report.sources[0].jobs == 5
    assert check_site(site / "public") == []


def test_offline_without_snapshot_says_what_to_do(site: Path) -> None:
    with pytest.raises(SourceError) as caught:
        build(site, offline=True)
    assert str(caught.value) == "source ledger: --offline needs a snapshot, and there is none yet; run `careers fetch` once with network access"


def test_missing_token_is_one_line(site: Path) -> None:
    with pytest.raises(GeneratorError) as caught:
        build_site(load_config(site / "careers.toml"), BuildOptions(env={}, sleep=lambda s: None))
    assert str(caught.value) == (
        "source ledger: environment variable LEDGER_TOKEN is not set; export it with the ledger token (or set token_env to another variable name)"
    )


def test_token_never_reaches_logs_output_or_cache(site: Path, ledger: Ledger, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    build(site)
    ledger.fail_all = True
    with pytest.raises(SourceError):
        build(site)
    assert TOKEN not in caplog.text
    for folder in (site / "public", site / ".careers-cache"):
        for path in folder.rglob("*"):
            if path.is_file():
                assert TOKEN.encode() not in path.read_bytes(), path
    assert {r.headers["authorization"] for r in ledger.requests} == {f"Bearer {TOKEN}"}

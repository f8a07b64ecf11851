"""Snapshots: a source's normalized data survives a round trip through JSON, deterministically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.config import load_config
from generator.model import Department, Image, Job, Office, Organization, Remote, Salary, Section, SourceData, to_jsonable
from generator.snapshot import dumps, from_jsonable, load_snapshot, save_snapshot, snapshot_path, write_atomic
from generator.sources import FetchContext
from generator.sources.local import LocalSource
from tests.helpers import REPO, build, copy_demo


def demo_data() -> SourceData:
    config = load_config(REPO / "careers.toml")
    return LocalSource(config.sources[0], FetchContext(root=REPO)).fetch()


def rich_data() -> SourceData:
    office = Office(id="b", name="Berlin", city="Berlin", country="DE", image=Image(url="https://x.example/o.jpg", alt="Office", width=10, height=5))
    job = Job(
        source="s",
        id="1",
        title="T",
        date_posted="2026-01-01",
        sections=(Section("", "<p>x</p>"),),
        department=Department("d", "D", "<p>d</p>"),
        offices=(office,),
        employment_types=("FULL_TIME", "CONTRACTOR"),
        remote=Remote.FULL,
        salary=Salary("EUR", "YEAR", 1.0, None),
        categories=(("a", "b"),),
        remote_countries=("DE",),
        image=Image(url="u", variants=((320, "media/a-320.jpg"), (640, "media/a-640.jpg"))),
    )
    return SourceData(
        jobs=[job],
        offices=[office],
        departments=[job.department],  # type: ignore[list-item]
        organization=Organization(
            name="O", same_as=("https://o.example",), description={"": "<p>o</p>", "fr": "<p>o fr</p>"}, gallery=(Image(url="g"),)
        ),
        open_application_url="mailto:x@example.com",
        warnings=["not saved"],
    )


@pytest.mark.parametrize("make", [demo_data, rich_data], ids=["demo", "rich"])
def test_round_trip(tmp_path: Path, make: object) -> None:
    data = make()  # type: ignore[operator]
    assert save_snapshot(tmp_path, "src", data, {"etag": "abc", "seen": {"1": "2026-01-01"}})
    loaded, state = load_snapshot(tmp_path, "src")  # type: ignore[misc]
    assert loaded.jobs == data.jobs
    assert loaded.offices == data.offices and loaded.departments == data.departments
    assert loaded.organization == data.organization
    assert loaded.open_application_url == data.open_application_url
    assert loaded.warnings == []  # warnings belong to one fetch
    assert state == {"etag": "abc", "seen": {"1": "2026-01-01"}}
    assert isinstance(loaded.jobs[0].remote, Remote) and isinstance(loaded.jobs[0].offices, tuple)


def test_snapshots_are_deterministic_and_not_rewritten(tmp_path: Path) -> None:
    data = demo_data()
    assert save_snapshot(tmp_path, "local", data, {}) is True
    path = snapshot_path(tmp_path, "local")
    first, mtime = path.read_bytes(), path.stat().st_mtime_ns
    assert save_snapshot(tmp_path, "local", demo_data(), {}) is False  # same data: the file is left alone
    assert path.read_bytes() == first and path.stat().st_mtime_ns == mtime
    payload = json.loads(first)
    assert list(payload) == sorted(payload)
    assert payload["version"] == 1 and payload["source"] == "local"


def test_missing_corrupt_or_old_snapshots_are_ignored(tmp_path: Path) -> None:
    assert load_snapshot(tmp_path, "none") is None
    path = snapshot_path(tmp_path, "bad")
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    assert load_snapshot(tmp_path, "bad") is None
    path.write_text(json.dumps({"version": 0, "data": {}}), encoding="utf-8")
    assert load_snapshot(tmp_path, "bad") is None


def test_write_atomic_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.json"
    assert write_atomic(target, dumps({"b": 1, "a": 2})) is True
    assert target.read_text(encoding="utf-8") == '{"a":2,"b":1}\n'
    assert write_atomic(target, dumps({"a": 2, "b": 1})) is False
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]


def test_from_jsonable_rebuilds_nested_types() -> None:
    job = rich_data().jobs[0]
    assert from_jsonable(Job, json.loads(json.dumps(to_jsonable(job)))) == job


def test_a_build_saves_the_site_state_and_the_parsed_files_not_a_local_snapshot(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    build(root)
    # The local source's files are their own snapshot; what is kept is their parsed form.
    assert load_snapshot(root / ".careers-cache", "local") is None
    assert len(list((root / ".careers-cache/parsed/local").glob("*.pickle"))) == 64
    state = json.loads((root / ".careers-cache/site-state.json").read_text(encoding="utf-8"))
    assert "local:ENG-103" in state["live"] and state["closed"] == {}
    assert sorted(k.removeprefix("local:") for k in state["live"]) == sorted(j.id for j in demo_data().jobs)
    # A second build of the same data leaves every cache file untouched.
    stamps = {p: p.stat().st_mtime_ns for p in (root / ".careers-cache").rglob("*") if p.is_file()}
    build(root)
    assert {p: p.stat().st_mtime_ns for p in (root / ".careers-cache").rglob("*") if p.is_file()} == stamps

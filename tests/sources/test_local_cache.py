"""The local source's cache of parsed files: reused while files are unchanged, in shards, never stale."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from generator import model
from generator.config import parse_config
from generator.model import SourceData
from generator.sources import FetchContext
from generator.sources.local import LocalSource, ParseCache

JOB = '+++\nid = "{id}"\ntitle = "{title}"\ndate_posted = 2026-10-05\n{extra}+++\n## About\n\nJob {id}, *{title}*.\n'


def fetch(root: Path) -> SourceData:
    config = parse_config({"site": {"title": "T", "url": "https://example.com"}, "sources": [{"type": "local"}]}, root)
    return LocalSource(config.sources[0], FetchContext(root=root, cache_dir=root / ".cache")).fetch()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    jobs = tmp_path / "content" / "jobs"
    jobs.mkdir(parents=True)
    for n in range(40):
        extra = f'translation_of = "J{n - 20}"\nlanguage = "fr"\n' if n >= 20 else ""
        (jobs / f"j{n}.md").write_text(JOB.format(id=f"J{n}", title=f"Job {n}", extra=extra), encoding="utf-8")
    return tmp_path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The job files each fetch parses (rather than takes from the cache)."""
    names: list[str] = []
    real = LocalSource._job

    def recording(self, file, *args):
        names.append(file.name)
        return real(self, file, *args)

    monkeypatch.setattr(LocalSource, "_job", recording)
    return names


def shards(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (root / ".cache/parsed/local").glob("*.pickle")}


def stored_files(root: Path) -> list[str]:
    """Return the job files (parsed, or linked as translations) that the cache's shards hold."""
    found = []
    for path in (root / ".cache/parsed/local").glob("*.pickle"):
        with path.open("rb") as handle:
            unpickler = pickle.Unpickler(handle)
            unpickler.persistent_load = lambda reference: None  # offices and departments: not needed here
            shard = unpickler.load()
        found += [*shard["files"], *shard["links"]]
    return found


def touch_later(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))  # a coarse clock could give the same mtime


def test_a_rebuild_parses_only_the_changed_file_and_writes_only_its_shard(site: Path, parsed: list[str]) -> None:
    first = fetch(site)
    assert len(parsed) == 40 and len(shards(site)) == ParseCache.SHARDS
    before = shards(site)
    parsed.clear()
    touch_later(site / "content/jobs/j3.md", JOB.format(id="J3", title="Job 3 renamed", extra=""))
    second = fetch(site)
    assert parsed == ["j3.md"]
    changed = {name for name, stamp in shards(site).items() if before[name] != stamp}
    # j3.md's shard only: it holds J3 as parsed and as linked (J3 has a translation, J23, so its
    # linked form carries translation_key = "J3"); J23 did not change.
    assert changed == {f"{ParseCache._shard(str(site / 'content/jobs/j3.md'))}.pickle"}
    assert [j.title for j in second.jobs if j.id == "J3"] == ["Job 3 renamed"]
    assert [j for j in second.jobs if j.id != "J3"] == [j for j in first.jobs if j.id != "J3"]
    # The same as a fetch without any cache.
    parsed.clear()
    for path in (site / ".cache/parsed/local").glob("*.pickle"):
        path.unlink()
    assert fetch(site).jobs == second.jobs and len(parsed) == 40


def test_an_unchanged_rebuild_parses_nothing_writes_nothing_and_fingerprints_nothing(
    site: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fetch(site)
    before = shards(site)
    parsed.clear()
    encoded: list[object] = []
    real = model.to_jsonable
    monkeypatch.setattr(model, "to_jsonable", lambda value: encoded.append(value) or real(value))
    again = fetch(site)
    assert parsed == [] and shards(site) == before
    # Translated jobs are stored with their link set and their fingerprint computed.
    assert sorted(model.fingerprint(j) for j in again.jobs) == sorted(model.fingerprint(j) for j in first.jobs)
    assert encoded == []
    assert {j.translation_key for j in again.jobs if j.id in ("J4", "J24")} == {"J4"}


def test_a_deleted_file_leaves_the_cache_and_a_damaged_shard_only_costs_its_files(site: Path, parsed: list[str]) -> None:
    fetch(site)
    (site / "content/jobs/j30.md").unlink()
    parsed.clear()
    assert "J30" not in {j.id for j in fetch(site).jobs} and parsed == []
    assert not [f for f in stored_files(site) if f.endswith("j30.md")]
    assert [f for f in stored_files(site) if f.endswith("j29.md")]
    # One shard damaged: its files are parsed again, the others are not.
    victim = next(iter(sorted(shards(site))))
    (site / ".cache/parsed/local" / victim).write_bytes(b"not a pickle")
    parsed.clear()
    jobs = fetch(site).jobs
    number = int(victim.split(".")[0])
    expected = sorted(p.name for p in (site / "content/jobs").glob("*.md") if ParseCache._shard(str(p)) == number)
    assert sorted(parsed) == expected and len(jobs) == 39


def test_the_cache_is_dropped_when_what_jobs_refer_to_changes(site: Path, parsed: list[str]) -> None:
    fetch(site)
    (site / "content/departments.toml").write_text('[[departments]]\nid = "sales"\nname = "Sales"\n', encoding="utf-8")
    parsed.clear()
    fetch(site)
    assert len(parsed) == 40


def test_jobs_from_the_cache_share_this_build_s_offices_and_departments(site: Path) -> None:
    (site / "content/offices.toml").write_text('[[offices]]\nid = "paris"\nname = "Paris"\ncountry = "FR"\n', encoding="utf-8")
    (site / "content/departments.toml").write_text('[[departments]]\nid = "eng"\nname = "Engineering"\n', encoding="utf-8")
    for n in range(40):
        path = site / f"content/jobs/j{n}.md"
        path.write_text(
            path.read_text(encoding="utf-8").replace("+++\n## About", 'offices = ["paris"]\ndepartment = "eng"\n+++\n## About'), encoding="utf-8"
        )
    fresh = fetch(site)
    cached = fetch(site)  # every job from the cache's 64 shards
    assert cached.jobs == fresh.jobs
    # One object per office and department, whichever shard a job came from: not a copy per shard.
    assert len({id(o) for j in cached.jobs for o in j.offices}) == 1
    assert len({id(j.department) for j in cached.jobs}) == 1
    assert {id(o) for j in cached.jobs for o in j.offices} == {id(o) for o in cached.offices}

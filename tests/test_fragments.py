"""Feed entries kept between builds: copied while their inputs are equal, never stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.fragments import Entry, Spooler, joined
from tests.helpers import build, copy_demo, tree_digest


def entries(spec: dict[str, tuple[object, str]], made: list[str]) -> list:
    """A file of one header, then key -> (inputs, text) entries separated by commas; `made` records what was formatted."""

    def maker(key: str, text: str):
        def make() -> str:
            made.append(key)
            return text

        return make

    parts: list = ["head["]
    for index, (key, (inputs, text)) in enumerate(spec.items()):
        parts += [","] if index else []
        parts.append(Entry(key, inputs, maker(key, text)))
    return [*parts, "]end\n"]


def test_unchanged_entries_are_copied_from_the_kept_file_and_only_changed_ones_are_formatted(tmp_path: Path) -> None:
    made: list[str] = []
    spec = {f"k{n}": ((f"f{n}", 1), f"entry {n} é" * (n % 3 + 1)) for n in range(50)}
    path = Spooler(tmp_path, "ctx").write("feed.json", entries(spec, made))
    assert path.read_text(encoding="utf-8") == joined(entries(spec, []))
    assert len(made) == 50
    # One entry changed, one left, one arrived, two swapped places: only the new texts are formatted.
    spec["k7"] = (("f7", 2), "a longer entry 7 than before")
    del spec["k20"]
    spec["k99"] = (("f99", 1), "new")
    order = list(spec)
    order[30], order[31] = order[31], order[30]
    spec = {key: spec[key] for key in order}
    made.clear()
    spooler = Spooler(tmp_path, "ctx")
    path = spooler.write("feed.json", entries(spec, made))
    assert sorted(made) == ["k7", "k99"] and spooler.made == 2
    assert path.read_text(encoding="utf-8") == joined(entries(spec, []))
    # Nothing changed: nothing formatted, the same bytes.
    made.clear()
    before = path.read_bytes()
    assert Spooler(tmp_path, "ctx").write("feed.json", entries(spec, made)).read_bytes() == before and made == []


def test_the_kept_entries_are_dropped_when_settings_change_or_the_file_is_not_the_indexed_one(tmp_path: Path) -> None:
    spec = {f"k{n}": ((f"f{n}", 1), f"entry {n}") for n in range(10)}
    Spooler(tmp_path, "ctx").write("feed.xml", entries(spec, []))
    made: list[str] = []
    Spooler(tmp_path, "other settings").write("feed.xml", entries(spec, made))
    assert len(made) == 10
    # The kept file replaced behind the index's back: its offsets would copy the wrong bytes.
    (tmp_path / "feed.xml").write_text("head[entry 0,entry 1]end\n", encoding="utf-8")
    made.clear()
    path = Spooler(tmp_path, "other settings").write("feed.xml", entries(spec, made))
    assert len(made) == 10 and path.read_text(encoding="utf-8") == joined(entries(spec, []))
    # A damaged index costs formatting everything again, nothing else.
    (tmp_path / "feed.xml.index").write_bytes(b"not a pickle")
    made.clear()
    path = Spooler(tmp_path, "other settings").write("feed.xml", entries(spec, made))
    assert len(made) == 10 and path.read_text(encoding="utf-8") == joined(entries(spec, []))


def test_entries_are_copied_without_copy_file_range_too(tmp_path: Path, monkeypatch) -> None:
    spec = {f"k{n}": ((f"f{n}", 1), f"entry {n}") for n in range(10)}
    Spooler(tmp_path, "ctx").write("feed.xml", entries(spec, []))
    monkeypatch.delattr("os.copy_file_range", raising=False)  # macOS, or a filesystem without it
    spec["k3"] = (("f3", 2), "changed")
    made: list[str] = []
    path = Spooler(tmp_path, "ctx").write("feed.xml", entries(spec, made))
    assert made == ["k3"] and path.read_text(encoding="utf-8") == joined(entries(spec, []))


def test_a_rebuild_after_an_edit_has_the_same_feeds_as_a_fresh_build(tmp_path: Path) -> None:
    incremental = copy_demo(tmp_path / "incremental")
    build(incremental)
    job = incremental / "content/jobs/backend-engineer.md"
    job.write_text(
        job.read_text(encoding="utf-8").replace('title = "Senior Backend Engineer (Python)"', 'title = "Staff Backend Engineer (Python)"'),
        encoding="utf-8",
    )
    build(incremental)
    fresh = copy_demo(tmp_path / "fresh")
    (fresh / "content/jobs/backend-engineer.md").write_text(job.read_text(encoding="utf-8"), encoding="utf-8")
    build(fresh)
    one, two = tree_digest(incremental / "public"), tree_digest(fresh / "public")
    for name in ("feed.xml", "feed.json", "indeed.xml", "jobs.json", "sitemap.xml"):
        assert one[name] == two[name], name
    # Besides the feeds, only the rename's redirect (old URL -> new) tells the two sites apart.
    moved = {"_redirects", "jobs/senior-backend-engineer-python-eng-101/index.html"}
    assert moved <= set(one)
    assert {k: v for k, v in one.items() if k not in moved} == {k: v for k, v in two.items() if k not in moved}
    titles = [j["title"] for j in json.loads((incremental / "public/jobs.json").read_text(encoding="utf-8"))["jobs"]]
    assert "Staff Backend Engineer (Python)" in titles and "Senior Backend Engineer (Python)" not in titles


def test_a_kept_file_shorter_than_its_index_fails_with_what_to_do(tmp_path: Path) -> None:
    from generator.fragments import _Output

    (tmp_path / "kept").write_bytes(b"0123456789")
    with open(tmp_path / "kept", "rb") as source, open(tmp_path / "new", "wb", buffering=0) as target:
        out = _Output(source.fileno(), target.fileno())
        out.copy(0, 100)  # the index says 100 bytes; the file has 10
        with pytest.raises(
            OSError, match=r"^a feed kept in the cache is shorter than its index says; delete the cache's files/ folder and build again$"
        ):
            out.flush()

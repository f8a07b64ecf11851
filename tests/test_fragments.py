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


def led(spec: dict[str, tuple[object, str]]) -> list:
    """Like `entries`, with the comma as each entry's lead."""
    return ["head[", *(Entry(key, inputs, lambda text=text: text, lead=",") for key, (inputs, text) in spec.items()), "]end\n"]


def test_a_lead_goes_before_every_entry_but_the_first() -> None:
    assert joined(led({"a": (1, "A"), "b": (2, "B"), "c": (3, "C")})) == "head[A,B,C]end\n"


def test_patching_entries_gives_what_writing_the_whole_file_gives(tmp_path: Path) -> None:
    spec = {f"k{n}": ((f"f{n}", 1), f"entry {n} é" * (n % 3 + 1)) for n in range(40)}
    spooler = Spooler(tmp_path / "a", "ctx")
    spooler.write("feed.json", led(spec))
    # The first entry (no lead), one in the middle growing, one at the end shrinking.
    spec["k0"] = (("f0", 2), "first, changed")
    spec["k17"] = (("f17", 2), "a much longer entry seventeen than it was before")
    spec["k39"] = (("f39", 2), "x")
    changed = {key: part for part in led(spec) if isinstance(part, Entry) and (key := part.key) in ("k0", "k17", "k39")}
    patched = spooler.patch("feed.json", changed)
    assert spooler.made == 40 + 3
    fresh = Spooler(tmp_path / "b", "ctx").write("feed.json", led(spec))
    assert patched.read_bytes() == fresh.read_bytes() == joined(led(spec)).encode()
    # The patched file's index is right: a rebuild copies every entry, formats none.
    again = Spooler(tmp_path / "a", "ctx")
    assert again.write("feed.json", led(spec)).read_bytes() == fresh.read_bytes() and again.made == 0
    assert again.keys("feed.json") == list(spec)


def test_patching_an_entry_the_file_does_not_have_is_refused(tmp_path: Path) -> None:
    spooler = Spooler(tmp_path, "ctx")
    spooler.write("feed.json", led({"a": (1, "A")}))
    before = (tmp_path / "feed.json").read_bytes()
    with pytest.raises(ValueError, match=r"feed.json: the kept file has no entry for \['z'\]"):
        spooler.patch("feed.json", {"z": Entry("z", 1, lambda: "Z")})
    assert (tmp_path / "feed.json").read_bytes() == before
    assert Spooler(tmp_path, "other").keys("feed.json") is None  # another context: no index to patch

"""Feed entries kept between builds: reused while their inputs are equal, never stale."""

from __future__ import annotations

import json
from pathlib import Path

from generator.fragments import Fragments
from tests.helpers import build, copy_demo, tree_digest


def test_a_store_reuses_entries_with_equal_inputs_and_remakes_the_others(tmp_path: Path) -> None:
    for compress in (False, True):
        folder = tmp_path / str(compress)
        store = Fragments(folder, "ctx").use("feed", compress=compress)
        assert store.get("a", ("fa", 1), lambda: "entry a é") == "entry a é"
        assert store.get("b", ("fb", 1), lambda: "entry b") == "entry b"
        store.save()
        again = Fragments(folder, "ctx").use("feed", compress=compress)
        assert again.get("a", ("fa", 1), lambda: "new a") == "entry a é"
        assert again.get("b", ("fb", 2), lambda: "new b") == "new b"
        assert again.made == 1
        again.save()
        # Another context (code, templates or settings changed) starts afresh; a damaged store too.
        other = Fragments(folder, "other").use("feed", compress=compress)
        assert other.get("a", ("fa", 1), lambda: "remade") == "remade"
        (folder / "feed.pickle").write_bytes(b"not a pickle")
        assert Fragments(folder, "ctx").use("feed", compress=compress).get("a", ("fa", 1), lambda: "remade") == "remade"


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

"""Whole sites built at a fixed clock, compared file by file with a committed tree under tests/golden/.

Two sites: the demo careers site (the repository root's careers.toml and content/) in
tests/golden/demo/, and the demo job board (tests/fixtures/board/) in tests/golden/board/.
When a change to the theme, the renderer or the demo content is intended, regenerate the expected
trees and review them with `git diff tests/golden/`:

    CAREERS_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from generator.check import check_site
from tests.helpers import REPO, build, copy_demo

GOLDEN = Path(__file__).resolve().parent / "golden"
BOARD = REPO / "tests" / "fixtures" / "board"
REGENERATE = os.environ.get("CAREERS_REGENERATE_GOLDEN") == "1"
COMMAND = "CAREERS_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py"
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".css", ".js", ""}
MAX_DIFF_LINES = 60
MAX_FILES_SHOWN = 8


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def describe_mismatch(expected: dict[str, bytes], actual: dict[str, bytes], name: str = "demo") -> str:
    """Return a readable account of how `actual` differs from the golden tree `name`."""
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(p for p in set(expected) & set(actual) if expected[p] != actual[p])
    lines = [f"the {name} site differs from tests/golden/{name}:"]
    lines += [f"  missing (expected, not built): {p}" for p in missing]
    lines += [f"  extra (built, not expected):   {p}" for p in extra]
    lines += [f"  changed: {p}" for p in changed]
    for path in changed[:MAX_FILES_SHOWN]:
        if Path(path).suffix not in TEXT_SUFFIXES:
            lines.append(f"\n{path}: binary content differs ({len(expected[path])} -> {len(actual[path])} bytes)")
            continue
        diff = list(
            difflib.unified_diff(
                expected[path].decode("utf-8", "replace").splitlines(),
                actual[path].decode("utf-8", "replace").splitlines(),
                f"golden/{path}",
                f"built/{path}",
                lineterm="",
                n=2,
            )
        )
        lines.append("")
        lines += diff[:MAX_DIFF_LINES]
        if len(diff) > MAX_DIFF_LINES:
            lines.append(f"... {len(diff) - MAX_DIFF_LINES} more diff lines")
    if len(changed) > MAX_FILES_SHOWN:
        lines.append(f"\n... and {len(changed) - MAX_FILES_SHOWN} more changed files")
    lines.append(f"\nIf the change is intended, regenerate with `{COMMAND}` and review `git diff tests/golden/`.")
    return "\n".join(lines)


def copy_board(destination: Path) -> Path:
    """Copy the demo job board (tests/fixtures/board/) into `destination`."""
    shutil.copytree(BOARD, destination)
    return destination


@pytest.fixture(scope="module")
def board_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo job board built once at the fixed clock; tests must only read it."""
    root = copy_board(tmp_path_factory.mktemp("golden") / "board")
    build(root)
    return root / "public"


def compare_with_golden(name: str, public: Path) -> None:
    """Fail with a readable diff unless `public` equals tests/golden/<name>/ (or rewrite it when regenerating)."""
    golden = GOLDEN / name
    actual = read_tree(public)
    if REGENERATE:
        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(public, golden)
        assert read_tree(golden) == actual
        return
    assert golden.is_dir(), f"no golden tree yet; create it with `{COMMAND}`"
    expected = read_tree(golden)
    if expected != actual:
        pytest.fail(describe_mismatch(expected, actual, name), pytrace=False)


def test_demo_site_matches_the_golden_tree(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    build(root)
    compare_with_golden("demo", root / "public")


def test_board_site_matches_the_golden_tree(board_public: Path) -> None:
    compare_with_golden("board", board_public)


def test_board_site_passes_careers_check(board_public: Path) -> None:
    assert check_site(board_public) == []


def test_board_feeds_name_the_company_hiring_for_each_job(board_public: Path) -> None:
    jobs = json.loads((board_public / "jobs.json").read_text(encoding="utf-8"))["jobs"]
    # jobs.json leaves "company" out for a job of the board itself (JL-01): the feeds name the board.
    hiring = {j["url"]: j.get("company", "Jobs in Lyon") for j in jobs}
    assert "Canut Robotics" in hiring.values() and "Soie & Code" in hiring.values()
    feed = json.loads((board_public / "feed.json").read_text(encoding="utf-8"))
    assert {item["url"]: item["_job"]["company"] for item in feed["items"]} == hiring
    indeed = ElementTree.parse(board_public / "indeed.xml").getroot()
    by_url = {job.findtext("url").split("?")[0]: job.findtext("company") for job in indeed.iter("job")}
    assert by_url == hiring


def test_board_pages_after_the_first_have_no_hreflang(board_public: Path) -> None:
    first = (board_public / "companies" / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="fr" href="https://jobs-in-lyon.example/fr/companies/"' in first
    for path in ["page/2", "companies/page/2", "fr/companies/page/3", "contract/full-time/page/2"]:
        html = (board_public / path / "index.html").read_text(encoding="utf-8")
        assert 'rel="prev"' in html and "hreflang=" not in html.split("</head>")[0], path


def test_the_mismatch_report_names_files_and_shows_a_diff() -> None:
    expected = {"index.html": b"<h1>Jobs</h1>\n<p>3 open positions</p>\n", "gone.txt": b"x", "logo.png": b"\x89PNG1"}
    actual = {"index.html": b"<h1>Jobs</h1>\n<p>4 open positions</p>\n", "new.txt": b"y", "logo.png": b"\x89PNG22"}
    report = describe_mismatch(expected, actual)
    assert report.startswith("the demo site differs from tests/golden/demo:")
    assert "  missing (expected, not built): gone.txt" in report
    assert "  extra (built, not expected):   new.txt" in report
    assert "  changed: index.html" in report
    assert "-<p>3 open positions</p>\n+<p>4 open positions</p>" in report
    assert "logo.png: binary content differs (5 -> 6 bytes)" in report
    assert COMMAND in report

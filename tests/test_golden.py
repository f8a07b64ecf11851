"""The whole demo site, built at a fixed clock, compared file by file with tests/golden/demo/.

When a change to the theme, the renderer or the demo content is intended, regenerate the expected
tree and review it with `git diff tests/golden/`:

    CAREERS_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from tests.helpers import build, copy_demo

GOLDEN = Path(__file__).resolve().parent / "golden" / "demo"
REGENERATE = os.environ.get("CAREERS_REGENERATE_GOLDEN") == "1"
COMMAND = "CAREERS_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py"
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".css", ".js", ""}
MAX_DIFF_LINES = 60
MAX_FILES_SHOWN = 8


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def describe_mismatch(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """Return a readable account of how `actual` differs from the golden tree."""
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(p for p in set(expected) & set(actual) if expected[p] != actual[p])
    lines = [f"the demo site differs from {GOLDEN.relative_to(GOLDEN.parent.parent.parent)}:"]
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


def test_demo_site_matches_the_golden_tree(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    build(root)
    actual = read_tree(root / "public")
    if REGENERATE:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(root / "public", GOLDEN)
        assert read_tree(GOLDEN) == actual
        return
    assert GOLDEN.is_dir(), f"no golden tree yet; create it with `{COMMAND}`"
    expected = read_tree(GOLDEN)
    if expected != actual:
        pytest.fail(describe_mismatch(expected, actual), pytrace=False)


def test_the_mismatch_report_names_files_and_shows_a_diff() -> None:
    expected = {"index.html": b"<h1>Jobs</h1>\n<p>3 open positions</p>\n", "gone.txt": b"x", "logo.png": b"\x89PNG1"}
    actual = {"index.html": b"<h1>Jobs</h1>\n<p>4 open positions</p>\n", "new.txt": b"y", "logo.png": b"\x89PNG22"}
    report = describe_mismatch(expected, actual)
    assert "  missing (expected, not built): gone.txt" in report
    assert "  extra (built, not expected):   new.txt" in report
    assert "  changed: index.html" in report
    assert "-<p>3 open positions</p>\n+<p>4 open positions</p>" in report
    assert "logo.png: binary content differs (5 -> 6 bytes)" in report
    assert COMMAND in report

"""Helpers the core tests share: the demo site, builds at a fixed clock, tree fingerprints."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.build import BuildOptions, BuildReport, build_site
from generator.check import PageParser
from generator.config import load_config

REPO = Path(__file__).resolve().parent.parent
# The same moment as conftest's SOURCE_DATE_EPOCH: 2026-11-01T12:00:00Z.
FIXED_NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SITE_URL = "https://careers.lumenlabs.example"


def copy_demo(destination: Path) -> Path:
    """Copy the demo site (the repository root's careers.toml and content/) into `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "careers.toml", destination / "careers.toml")
    shutil.copytree(REPO / "content", destination / "content")
    return destination


def build(root: Path, **options: Any) -> BuildReport:
    """Build the site at `root` (its careers.toml) at the fixed clock."""
    options.setdefault("now", FIXED_NOW)
    return build_site(load_config(root / "careers.toml"), BuildOptions(**options))


def tree_digest(folder: Path) -> dict[str, str]:
    """Return every file under `folder` (relative POSIX path) with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def tree_stat(folder: Path) -> dict[str, tuple[int, int]]:
    """Return (inode, mtime in ns) for `folder` itself and everything under it."""
    entries = {".": folder.stat()}
    entries.update({p.relative_to(folder).as_posix(): p.stat() for p in folder.rglob("*")})
    return {path: (s.st_ino, s.st_mtime_ns) for path, s in entries.items()}


def parse_page(path: Path) -> PageParser:
    """Parse a built page with the checker's own parser (JSON-LD blocks, links, visible text)."""
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def jsonld_nodes(path: Path) -> list[dict[str, Any]]:
    """Return every top-level JSON-LD node of a page."""
    nodes: list[dict[str, Any]] = []
    for script in parse_page(path).scripts:
        data = json.loads(script)
        nodes.extend(data if isinstance(data, list) else [data])
    return nodes


def postings(path: Path) -> list[dict[str, Any]]:
    return [n for n in jsonld_nodes(path) if n.get("@type") == "JobPosting"]


def visible_text(path: Path) -> str:
    """Return the page's visible text, whitespace collapsed (no script or style content)."""
    return " ".join(" ".join(parse_page(path).text).split())


def job_file(**front: Any) -> str:
    """Return a job Markdown file with the given front matter (TOML values written by repr-like rules)."""
    lines = ["+++"]
    body = front.pop("body", "A job description long enough to read.\n\n## What you will do\n\n- Good work\n- With kind people\n")
    for key, value in front.items():
        lines.append(f"{key} = {toml_value(value)}")
    lines.append("+++")
    return "\n".join(lines) + "\n" + body


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return str(value)

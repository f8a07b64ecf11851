"""Build the demo site (careers.toml + content/ at the repository root) for the browser tests and bench/.

The demo is copied into a scratch folder with `overlay/` added on top: a job with a picture and its
French translation (`translation_of`), and a job that is built once and then removed, so the site
has every page type: index, facet listing, job, closed job, content page, 404, French index.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from generator.build import BuildOptions, build_site
from generator.config import parse_config

REPO = Path(__file__).resolve().parents[2]
OVERLAY = Path(__file__).resolve().parent / "overlay"
CLOSING_JOB = "content/jobs/bt-closing.md"


def build_demo(workdir: Path, site_url: str, theme: str | None = None) -> Path:
    """Build the demo with `site_url` as its address into workdir/public; return that folder."""
    root = workdir / "demo"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(OVERLAY, root, dirs_exist_ok=True)
    data = tomllib.loads((REPO / "careers.toml").read_text(encoding="utf-8"))
    data["site"]["url"] = site_url
    if theme:
        data["site"]["theme"] = theme
    output = workdir / "public"
    options = BuildOptions(output=output, env={"SOURCE_DATE_EPOCH": "1793534400"})
    build_site(parse_config(data, root), options)
    # The second build no longer has this job: its page becomes a closed-job page.
    (root / CLOSING_JOB).unlink()
    build_site(parse_config(data, root), options)
    return output

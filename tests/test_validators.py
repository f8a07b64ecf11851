"""Independent validators on the built demo site and job board: extruct for JSON-LD, the W3C Nu HTML checker (vnu).

vnu runs with `java` and the vnu.jar that `npm ci --prefix tests/browser` installs (or the one
VNU_JAR points at). Without them it is skipped, unless CAREERS_REQUIRE_BROWSER=1 (CI), where a
missing checker fails the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import extruct
import pytest

from generator.check import check_job_posting
from tests.helpers import REPO, SITE_URL, build

VNU_JAR = os.environ.get("VNU_JAR") or str(Path(__file__).parent / "browser/node_modules/vnu-jar/build/dist/vnu.jar")
REQUIRED = os.environ.get("CAREERS_REQUIRE_BROWSER") == "1"


def extracted(page: Path) -> list[dict]:
    return extruct.extract(page.read_text(encoding="utf-8"), base_url=SITE_URL, syntaxes=["json-ld"], uniform=False)["json-ld"]


def test_extruct_finds_the_same_single_jobposting_on_each_job_page(demo_public: Path) -> None:
    jobs = json.loads((demo_public / "jobs.json").read_text(encoding="utf-8"))["jobs"]
    job_pages = {demo_public / j["url"][len(SITE_URL) + 1 :] / "index.html": j for j in jobs}
    assert len(job_pages) >= 12
    for page in sorted(demo_public.rglob("*.html")):
        found = [node for node in extracted(page) if node.get("@type") == "JobPosting"]
        if page not in job_pages:
            assert found == [], page
            continue
        (posting,) = found
        # The same object the page's own script block holds, read by a different parser.
        (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(encoding="utf-8"), re.DOTALL)
        assert posting == json.loads(raw)
        assert posting["identifier"]["value"] == job_pages[page]["id"]
        assert check_job_posting(posting, str(page)) == []


def test_extruct_reads_organization_and_website_on_the_index(demo_public: Path) -> None:
    assert sorted(node["@type"] for node in extracted(demo_public / "index.html")) == ["Organization", "WebSite"]


def vnu_errors(*folders: Path) -> list[str]:
    """Run vnu on every HTML file under `folders`; return its error lines."""
    result = subprocess.run(
        ["java", "-jar", VNU_JAR, "--errors-only", "--skip-non-html", "--format", "gnu", *map(str, folders)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert (result.returncode == 0) == (lines == []), lines
    return lines


needs_vnu = pytest.mark.skipif(
    not REQUIRED and not (Path(VNU_JAR).is_file() and shutil.which("java")),
    reason="the W3C Nu HTML checker needs `java` and vnu.jar (npm ci --prefix tests/browser, or VNU_JAR=<path>)",
)


def assert_only_the_control_error(site: Path, tmp_path: Path) -> None:
    """Run vnu on `site` and on a page with a known error, so a silent checker cannot pass; expect only that error."""
    control = tmp_path / "control"
    control.mkdir()
    (control / "broken.html").write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><img src="a.png"></body></html>\n')
    errors = vnu_errors(site, control)
    assert len(errors) == 1, errors
    assert "broken.html" in errors[0] and re.search(r"error: An .img. element must have an .alt. attribute", errors[0]), errors


@needs_vnu
def test_vnu_reports_no_error_on_the_demo_site(demo_public: Path, tmp_path: Path) -> None:
    assert_only_the_control_error(demo_public, tmp_path)


@needs_vnu
def test_vnu_reports_no_error_on_the_job_board(tmp_path: Path) -> None:
    root = shutil.copytree(REPO / "tests" / "fixtures" / "board", tmp_path / "board")
    build(root)
    assert len(list((root / "public").rglob("*.html"))) > 100  # directory, company, job and paginated pages
    assert_only_the_control_error(root / "public", tmp_path)

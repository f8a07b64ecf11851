"""Measure the demo site with Lighthouse in the system Chromium: four scores for the index and a job page.

    npm ci --prefix bench                      # once: Lighthouse 12 (PUPPETEER_SKIP_DOWNLOAD=1 if asked)
    /work/venv/bin/python bench/lighthouse.py  # [--desktop] [--keep DIR]

Builds the demo (careers.toml + content/, with the browser tests' overlay: a job with a picture
and its translation) with its address set to the local server, serves it on 127.0.0.1 and runs
Lighthouse on each page. Lighthouse's default is a throttled phone ("mobile"); --desktop uses its
desktop preset. Exits 1 when a score is under 95.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROME, QuietHandler  # noqa: E402
from tests.browser.demo import build_demo  # noqa: E402

LIGHTHOUSE = REPO / "bench" / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {"index": "/", "job": "/jobs/site-reliability-engineer-bt-sre/"}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
THRESHOLD = 95


def run_lighthouse(url: str, report: Path, desktop: bool) -> dict[str, int]:
    """Run Lighthouse on one URL; return its category scores out of 100."""
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if desktop:
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROME})
    data = json.loads(report.read_text(encoding="utf-8"))
    return {name: round((data["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset instead of a throttled phone")
    parser.add_argument("--keep", type=Path, help="write the JSON reports into this folder")
    args = parser.parse_args()
    if not LIGHTHOUSE.is_file():
        print("error: Lighthouse is not installed; run `npm ci --prefix bench`", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        server = ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        root = build_demo(Path(scratch), base)
        server.RequestHandlerClass = functools.partial(QuietHandler, directory=str(root))  # type: ignore[assignment]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        reports = args.keep or Path(scratch)
        reports.mkdir(parents=True, exist_ok=True)
        worst = 100
        print(f"{'page':8} " + " ".join(f"{c:>14}" for c in CATEGORIES) + f"   ({'desktop' if args.desktop else 'mobile'})")
        try:
            for name, path in PAGES.items():
                scores = run_lighthouse(base + path, reports / f"{name}.json", args.desktop)
                worst = min(worst, *scores.values())
                print(f"{name:8} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES), flush=True)
        finally:
            server.shutdown()
            server.server_close()
    return 0 if worst >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())

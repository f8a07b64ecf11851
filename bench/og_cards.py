"""Measure the per-job Open Graph cards: drawn cold, then read back from the cache.

    python bench/og_cards.py [--cards 1000] [--runs 3] [--no-pool]

Builds a site of N jobs with varied titles (short, long enough to wrap, cut with …, Hebrew) and
an organization with a logo, then times the real `images.og_images` (the function the build
calls):
- cold: an empty cache folder, every card drawn and encoded;
- warm: the same cards again, each read from <cache>/media/og-*.
Prints the median of `--runs` runs: CPU (worker processes included) and wall milliseconds per
card, and KB per card. `--no-pool` draws every card in this process, to see what the workers bring.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PIL import Image as PILImage  # noqa: E402
from PIL import ImageDraw  # noqa: E402

from generator import images  # noqa: E402
from generator.model import Image, Job, Organization, Site  # noqa: E402

TITLES = (
    "Backend Engineer",
    "Senior Site Reliability Engineer, Platform Infrastructure",
    "Responsable des relations avec les partenaires institutionnels et les collectivités territoriales en Île-de-France",
    "מפתח/ת Full Stack בכיר/ה",
    "Data Analyst (F/H/X) – CDI",
    "Head of Product Design",
)


def logo_bytes() -> bytes:
    picture = PILImage.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((20, 20, 380, 380), fill=(230, 60, 40, 255))
    draw.rectangle((140, 140, 260, 260), fill=(255, 255, 255, 255))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def make_site(count: int) -> tuple[Site, dict[str, images.Stored]]:
    logo = logo_bytes()
    stored = {"logo.png": images.Stored("media/logo.png", 400, 400, logo)}
    jobs = [Job(source="bench", id=str(n), title=f"{TITLES[n % len(TITLES)]} {n}", date_posted="2026-10-01") for n in range(count)]
    return Site(jobs=jobs, organization=Organization(name="Acme Robotics", logo=Image(url="logo.png"))), stored


def timed(site: Site, stored: dict[str, images.Stored], cache: Path) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    before = os.times().children_user + os.times().children_system
    result = images.og_images(site, stored, cache)
    # process_time() misses worker processes: add their CPU time when a pool was used.
    children = os.times().children_user + os.times().children_system - before
    return time.perf_counter() - wall, time.process_time() - cpu + children, sum(len(content) for _, content in result.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-pool", action="store_true", help="never draw cards in worker processes")
    args = parser.parse_args()
    if args.no_pool:
        images.OG_POOL_MIN_CARDS = sys.maxsize
    site, stored = make_site(args.cards)
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    size = 0
    for _ in range(args.runs):
        cache = Path(tempfile.mkdtemp(prefix="og-bench-"))
        try:
            wall, cpu, size = timed(site, stored, cache)
            cold.append((wall, cpu))
            wall, cpu, _ = timed(site, stored, cache)
            warm.append((wall, cpu))
        finally:
            shutil.rmtree(cache)
    cards = args.cards + 1  # every job's card and the site's own
    for name, runs in (("cold", cold), ("warm", warm)):
        wall = statistics.median(w for w, _ in runs) * 1000 / cards
        cpu = statistics.median(c for _, c in runs) * 1000 / cards
        print(f"{name}: {wall:.2f} ms/card wall, {cpu:.2f} ms/card CPU ({cards} cards, median of {args.runs})")
    print(f"size: {size / cards / 1024:.1f} KB/card")


if __name__ == "__main__":
    main()

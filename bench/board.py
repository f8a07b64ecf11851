"""Measure a job board's build: N jobs from C companies, through the local source.

    python bench/board.py [--jobs 50000] [--companies 2000] [--runs 1] [--keep DIR]

Writes a synthetic two-language board (`[site] mode = "board"`, content/companies.toml with C
companies: sectors, figures, offices, a description in both languages, a logo for one in four and
a YouTube video for one in ten; N job files spread over them), then runs `careers build` as a
subprocess three times: full (empty output and cache), no change, one job changed. Prints, per
measure, the median wall time, the build's own elapsed time (from its summary line), the files it
wrote, and its peak memory (the larger of the build process's peak RSS and the PSS summed over
it and the workers it forks), against issue 9's 500 MB target.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale import TreeSampler  # bench/scale.py: PSS summed over the build's processes

REPO = Path(__file__).resolve().parent.parent
CITIES = [
    ("paris", "Paris", "FR", "75002"),
    ("lyon", "Lyon", "FR", "69002"),
    ("berlin", "Berlin", "DE", "10115"),
    ("madrid", "Madrid", "ES", "28004"),
]
SECTORS = ["Software", "Health", "Energy", "Retail", "Media", "Finance", "Industry", "Food"]
SUMMARY = re.compile(r"; ([\d.]+)s\s*$", re.MULTILINE)
WROTE = re.compile(r"wrote (\d+) files|no file changed")


def write_board(root: Path, jobs: int, companies: int) -> None:
    content = root / "content"
    (content / "jobs").mkdir(parents=True)
    (content / "media").mkdir()
    (root / "careers.toml").write_text(
        '[site]\ntitle = "Board bench"\nurl = "https://board.example"\nlanguages = ["en", "fr"]\nmode = "board"\n\n'
        '[organization]\nname = "Board bench"\n\n[[sources]]\ntype = "local"\n',
        encoding="utf-8",
    )
    (content / "offices.toml").write_text(
        "".join(
            f'[[offices]]\nid = "{i}"\nname = "{n}"\nstreet = "1 main street"\ncity = "{n}"\npostal_code = "{z}"\ncountry = "{c}"\n\n'
            for i, n, c, z in CITIES
        ),
        encoding="utf-8",
    )
    (content / "departments.toml").write_text("".join(f'[[departments]]\nid = "d{i}"\nname = "Team {i}"\n\n' for i in range(8)), encoding="utf-8")
    _logo(content / "media" / "logo.png")
    lines = []
    for c in range(companies):
        lines += [
            "[[companies]]",
            f'id = "c{c}"',
            f'name = "Company {c:05d}"',
            f'url = "https://company{c}.example"',
            f'sectors = ["{SECTORS[c % len(SECTORS)]}"]',
            f"figures = {{ employees = {10 + c}, founded = {1950 + c % 70} }}",
            f'offices = ["{CITIES[c % 4][0]}"]',
            f'descriptions = {{ en = "Company {c} builds things.", fr = "L\'entreprise {c} fabrique des choses." }}',
        ]
        if c % 4 == 0:
            lines.append('logo = "media/logo.png"')
        if c % 10 == 0:
            lines.append(f'videos = [{{ url = "https://www.youtube.com/watch?v=abcdefghi{c % 10:02d}", title = "Meet us" }}]')
        lines.append("")
    (content / "companies.toml").write_text("\n".join(lines), encoding="utf-8")
    for n in range(jobs):
        company, language = n % companies, "en" if n % 2 == 0 else "fr"
        (content / "jobs" / f"job-{n:06d}.md").write_text(
            f'+++\nid = "B{n}"\ntitle = "Role {n} at company {company}"\nlanguage = "{language}"\ndate_posted = 2026-10-01\n'
            f'company = "c{company}"\ndepartment = "d{n % 8}"\noffices = ["{CITIES[company % 4][0]}"]\nemployment_type = "FULL_TIME"\n'
            f'apply_url = "https://company{company}.example/apply/{n}"\ntags = ["t{n % 20}"]\n'
            f'salary = {{ min = {40000 + n % 50 * 100}, max = {50000 + n % 50 * 100}, currency = "EUR", unit = "YEAR" }}\n+++\n' + _body(n, company),
            encoding="utf-8",
        )


def _body(n: int, company: int) -> str:
    """Return a job description of about 1.5 kB of Markdown, like a real posting."""
    return (
        f"Company {company} is hiring for role {n}. You will join a team of eight people who build and run the product "
        "used by thousands of customers every day, and you will have a real say in what we build next.\n\n"
        "## What you will do\n\n"
        "- Design, build and ship features with the product and design teams, from the first sketch to production\n"
        "- Review code, write tests and keep the service fast, secure and easy to change\n"
        "- Talk to customers every month and bring what you learn back to the team\n"
        "- Share what you know: pair programming, short talks, clear written proposals\n\n"
        "## Who you are\n\n"
        "- Three years or more building web applications, in any language; we use Python and TypeScript\n"
        "- You write clearly and like explaining your choices\n"
        "- You care about the people who use what you build, and about your colleagues\n\n"
        "## What we offer\n\n"
        "Flexible hours, two remote days a week, a learning budget of 1,500 euros a year, and a calm office "
        "close to public transport. The interview process has three steps and takes about two weeks.\n"
    )


def _logo(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (64, 64), "#1f4fd1").save(path)


def run(root: Path) -> dict[str, float | int | str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sampler = TreeSampler(process.pid)  # the build forks workers: their memory counts too
    sampler.start()
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    sampler.done.set()
    sampler.join()
    if status != 0:
        raise SystemExit(f"careers build failed:\n{output}")
    elapsed, wrote = SUMMARY.search(output), WROTE.search(output)
    if not elapsed or not wrote:
        raise SystemExit(f"could not read the build's summary line; update the patterns in bench/board.py:\n{output}")
    return {
        "wall": wall,
        "build": float(elapsed.group(1)),
        "files": int(wrote.group(1) or 0),
        "peak_mb": max(usage.ru_maxrss, sampler.peak_kb) // 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=50_000)
    parser.add_argument("--companies", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    results: dict[str, list[dict[str, float | int | str]]] = {"full": [], "no change": [], "one changed": []}
    for _ in range(args.runs):
        root = Path(tempfile.mkdtemp(prefix="careers-board-")) if args.keep is None else args.keep
        shutil.rmtree(root, ignore_errors=True)
        write_board(root, args.jobs, args.companies)
        results["full"].append(run(root))
        results["no change"].append(run(root))
        job = root / "content/jobs/job-000005.md"
        job.write_text(job.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        results["one changed"].append(run(root))
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(f"board: {args.jobs:,} jobs from {args.companies:,} companies, {args.runs} run(s), medians")
    print(f"{'':14}{'wall (s)':>10}{'build (s)':>11}{'files':>9}{'peak MB':>9}")
    for name, runs in results.items():
        wall = statistics.median(float(r["wall"]) for r in runs)
        build = statistics.median(float(r["build"]) for r in runs)
        files = int(statistics.median(int(r["files"]) for r in runs))
        peak = max(int(r["peak_mb"]) for r in runs)
        print(f"{name:14}{wall:>10.1f}{build:>11.1f}{files:>9,}{peak:>9,}" + ("   (over 500 MB)" if peak > 500 else ""))


if __name__ == "__main__":
    main()

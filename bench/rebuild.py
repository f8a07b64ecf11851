"""Measure a full build, a no-change rebuild and a one-job-changed rebuild against an emulator.

    python bench/rebuild.py [--source welcomekit|jusrecruit] [--jobs 500] [--latency 0.02] [--runs 3]

Serves N published jobs on 127.0.0.1 (each response delayed by `--latency` seconds): a Welcome
Kit organization (one list carries every field) or a JusRecruit account (a list, then a detail
and a tags request per job, under its real 10 requests/s limit). Then times, with the real
`build_site`:
- full: empty output and cache (cold);
- no-change: the same data again;
- one-changed: one job's text and updated_at changed.
Prints the median of `--runs` runs of each, with the requests sent and files written.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.build import BuildOptions, build_site  # noqa: E402
from generator.config import load_config  # noqa: E402
from tests.emulators import jusrecruit as jr  # noqa: E402
from tests.emulators.welcomekit import REFERENCE, TOKEN, WelcomeKitEmulator, job, sample_organization  # noqa: E402


def organization(count: int) -> dict:
    data = sample_organization()
    office_ids = [o["id"] for o in data["offices"] if o.get("address")]
    data["jobs"] = [
        job(
            f"WTTJ_b{n:06d}",
            f"Engineer {n}",
            office_id=office_ids[n % len(office_ids)],
            description=f"<p>Role {n}: build and run the scheduling platform.</p><ul><li>Python</li><li>PostgreSQL</li></ul>",
        )
        for n in range(count)
    ]
    return {REFERENCE: data}


class WelcomeKit:
    """A Welcome Kit organization with `count` jobs."""

    def __init__(self, count: int, latency: float):
        self.count = count
        self.emulator = WelcomeKitEmulator(organization(count))
        self.emulator.latency = latency
        self.env = {"WK_API_KEY": TOKEN}

    def source(self) -> str:
        return f'type = "welcomekit"\norganization_reference = "{REFERENCE}"\napi_url = "{self.emulator.api_url}"\n'

    def reset(self) -> None:
        self.emulator.reset(organization(self.count))

    def change(self, n: int) -> None:
        changed = self.emulator.organizations[REFERENCE]["jobs"][n]
        changed["description"] += f"<p>Update {n}.</p>"
        changed["updated_at"] = "2026-11-01T09:00:00.000+01:00"


class JusRecruit:
    """A JusRecruit account with `count` jobs, rate-limited like the real API."""

    def __init__(self, count: int, latency: float):
        self.count = count
        self.emulator = jr.JusRecruit(jobs=[jr.make_job(n) for n in range(count)], delay=latency)
        self.env = {"JUSRECRUIT_API_KEY": jr.KEY}

    def source(self) -> str:
        return f'type = "jusrecruit"\napi_url = "{self.emulator.api_url}"\n'

    def reset(self) -> None:
        self.emulator.jobs[:] = [jr.make_job(n) for n in range(self.count)]

    def change(self, n: int) -> None:
        job = self.emulator.jobs[n]
        job["description"] += f"<p>Update {n}.</p>"
        job["updatedAt"] = "2026-11-01T09:00:00Z"


def run(root: Path, api: WelcomeKit | JusRecruit) -> tuple[float, int, int]:
    emu = api.emulator
    emu.requests.clear()
    started = time.perf_counter()
    report = build_site(load_config(root / "careers.toml"), BuildOptions(env=dict(api.env)))
    seconds = time.perf_counter() - started
    written = len(report.written.written) + len(report.written.removed) if report.written else 0
    return seconds, len(emu.requests), written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("welcomekit", "jusrecruit"), default="welcomekit")
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    api = (WelcomeKit if args.source == "welcomekit" else JusRecruit)(args.jobs, args.latency)
    results: dict[str, list[tuple[float, int, int]]] = {"full": [], "no-change": [], "one-changed": []}
    with api.emulator:
        for attempt in range(args.runs):
            root = Path(tempfile.mkdtemp(prefix="careers-bench-"))
            (root / "careers.toml").write_text(
                f'[site]\ntitle = "Bench"\nurl = "https://jobs.example.org"\n[[sources]]\n{api.source()}',
                encoding="utf-8",
            )
            api.reset()
            results["full"].append(run(root, api))
            results["no-change"].append(run(root, api))
            api.change(attempt)
            results["one-changed"].append(run(root, api))
            shutil.rmtree(root)
    print(f"{args.source}: {args.jobs} jobs, {args.latency * 1000:.0f} ms latency per response, median of {args.runs} runs")
    full = statistics.median(r[0] for r in results["full"])
    for name, runs in results.items():
        seconds = statistics.median(r[0] for r in runs)
        print(f"  {name:12s} {seconds:6.2f} s  ({seconds / full:5.1%} of full)  requests {runs[-1][1]:4d}  files written {runs[-1][2]}")


if __name__ == "__main__":
    main()

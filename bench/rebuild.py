"""Measure a full build, a no-change rebuild and a one-job-changed rebuild against an emulator.

    python bench/rebuild.py [--jobs 500] [--latency 0.02] [--runs 3]

Serves a Welcome Kit organization with N published jobs on 127.0.0.1 (each response delayed by
`--latency` seconds), then times, with the real `build_site`:
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


def run(root: Path, emu: WelcomeKitEmulator) -> tuple[float, int, int]:
    emu.requests.clear()
    started = time.perf_counter()
    report = build_site(load_config(root / "careers.toml"), BuildOptions(env={"WK_API_KEY": TOKEN}))
    seconds = time.perf_counter() - started
    written = len(report.written.written) + len(report.written.removed) if report.written else 0
    return seconds, len(emu.requests), written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = organization(args.jobs)
    results: dict[str, list[tuple[float, int, int]]] = {"full": [], "no-change": [], "one-changed": []}
    with WelcomeKitEmulator(data) as emu:
        emu.latency = args.latency
        for attempt in range(args.runs):
            root = Path(tempfile.mkdtemp(prefix="careers-bench-"))
            (root / "careers.toml").write_text(
                f'[site]\ntitle = "Bench"\nurl = "https://jobs.example.org"\n'
                f'[[sources]]\ntype = "welcomekit"\norganization_reference = "{REFERENCE}"\napi_url = "{emu.api_url}"\n',
                encoding="utf-8",
            )
            emu.reset(organization(args.jobs))
            results["full"].append(run(root, emu))
            results["no-change"].append(run(root, emu))
            changed = emu.organizations[REFERENCE]["jobs"][attempt]
            changed["description"] += f"<p>Update {attempt}.</p>"
            changed["updated_at"] = "2026-11-01T09:00:00.000+01:00"
            results["one-changed"].append(run(root, emu))
            shutil.rmtree(root)
    print(f"{args.jobs} jobs, {args.latency * 1000:.0f} ms latency per response, median of {args.runs} runs")
    full = statistics.median(r[0] for r in results["full"])
    for name, runs in results.items():
        seconds = statistics.median(r[0] for r in runs)
        print(f"  {name:12s} {seconds:6.2f} s  ({seconds / full:5.1%} of full)  requests {runs[-1][1]:4d}  files written {runs[-1][2]}")


if __name__ == "__main__":
    main()

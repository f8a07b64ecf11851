"""Time a full JusRecruit fetch against the emulator at the documented rate limit.

    PYTHONPATH=. /work/venv/bin/python bench/jusrecruit_fetch.py            # 1,000 jobs, 10/s, burst 20, 150 ms
    PYTHONPATH=. /work/venv/bin/python bench/jusrecruit_fetch.py --jobs 200 --concurrency 8

The emulator enforces the token bucket (429 + Retry-After when it is empty) and answers each
request 150 ms after it arrives. The floor for any client is (requests - burst) / rate: the
burst is free, every other request waits for a token. The script prints the ratio to it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.config import SourceConfig  # noqa: E402
from generator.sources import SOURCES, FetchContext  # noqa: E402
from tests.emulators.jusrecruit import KEY, JusRecruit, make_job  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0, help="the server's tokens per second (and the client's)")
    parser.add_argument("--burst", type=int, default=20, help="the server's bucket size (and the client's)")
    parser.add_argument("--latency", type=float, default=0.150, help="seconds per answer")
    parser.add_argument("--concurrency", type=int, default=None, help="default: the source's CONCURRENCY")
    parser.add_argument("--reset-format", default="delta", choices=("delta", "epoch", "epoch_ms"))
    args = parser.parse_args()

    source_class = SOURCES["jusrecruit"]
    emulator = JusRecruit(
        jobs=[make_job(n) for n in range(args.jobs)],
        rate=args.rate,
        burst=args.burst,
        delay=args.latency,
        reset_format=args.reset_format,
    )
    with emulator:
        options = {key: option.default for key, option in source_class.OPTIONS.items()}
        options.update(api_url=emulator.api_url, requests_per_second=args.rate, burst=args.burst, concurrency=args.concurrency)
        source = source_class(SourceConfig("jusrecruit", "jusrecruit", 0, options), FetchContext(root=Path("."), env={"JUSRECRUIT_API_KEY": KEY}))
        started = time.monotonic()
        data = source.fetch()
        seconds = time.monotonic() - started
    requests = len(emulator.requests)
    refused = emulator.count(429)
    accepted = requests - refused
    floor = max(0.0, (accepted - args.burst) / args.rate)
    print(f"jobs fetched         {len(data.jobs)}")
    print(f"requests             {requests} ({accepted} answered, {refused} refused with 429)")
    print(f"concurrency          {args.concurrency or source_class.CONCURRENCY}")
    print(f"time                 {seconds:.1f} s")
    print(f"limit's minimum      {floor:.1f} s  = ({accepted} - {args.burst}) / {args.rate:g}")
    print(f"ratio                {seconds / floor:.3f}" if floor else "ratio                n/a")


if __name__ == "__main__":
    main()

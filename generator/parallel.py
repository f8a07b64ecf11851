"""Work spread over the machine's cores by worker processes forked from the build.

Parsing Markdown and rendering job pages is pure-Python work that one process does on one core.
`fork_map` forks workers that inherit everything the build already holds in memory (the model,
the renderer, its compiled templates), so a task is only a range of indexes and only results
travel back. Where forking is unsafe or pointless (another thread is running, one CPU, not
Linux, a handful of items), the same calls run in this process, in order.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from .errors import ConfigError

R = TypeVar("R")

WORKERS = 2  # workers a build forks, unless CAREERS_WORKERS says otherwise
WORKERS_ENV = "CAREERS_WORKERS"
MIN_ITEMS = 200  # below this, forking costs more than it saves (see bench/scale.py)
CHUNK = 32  # indexes per task: few enough messages, small enough to keep both workers busy to the end

_task: Callable[[int], Any] | None = None  # what the workers run: set before they are forked


def worker_count() -> int:
    """Return how many workers a build forks: CAREERS_WORKERS, else WORKERS (1: none, all work in one process).

    Each worker ends up with its own copy of most of the model (reference counts are written to
    every object it reads), so a build's memory grows with the workers: set 1 where memory is tight.
    """
    value = os.environ.get(WORKERS_ENV, "").strip()
    if not value:
        return WORKERS
    if not value.isdigit() or int(value) < 1:
        raise ConfigError([f"{WORKERS_ENV}={value!r}: must be a whole number of worker processes, 1 or more (1 runs the build in one process)"])
    return int(value)


def can_fork(workers: int) -> bool:
    """Tell whether `workers` (two or more) can be forked safely and each have a CPU of its own."""
    # Forking a process that runs other threads (`careers serve`, a test's server) can deadlock
    # the child, and macOS frameworks are not fork-safe: there, the work stays in this process.
    return workers > 1 and sys.platform == "linux" and threading.active_count() == 1 and len(os.sched_getaffinity(0)) >= workers


class _Failure:
    """An exception raised in a worker, carried back to be raised again in the build."""

    def __init__(self, exc: BaseException):
        try:
            pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes; an exception that cannot come back would hang the pool
            self.exc = exc
        except Exception:  # noqa: BLE001 - an exception that cannot travel is described instead
            self.exc = RuntimeError(f"{type(exc).__name__}: {exc}")


def _run(bounds: tuple[int, int]) -> list[Any] | _Failure:
    assert _task is not None
    try:
        return [_task(index) for index in range(*bounds)]
    except Exception as exc:  # noqa: BLE001 - raised again in the parent
        return _Failure(exc)


class ForkMap(Generic[R]):
    """The results of `task(0)`, ..., `task(count - 1)`, in order, computed by forked workers.

    The workers start when the map is made, so the caller can do other work while they run, then
    iterate. Iterate it to the end (or close it): that is when the workers are stopped.
    """

    def __init__(
        self, task: Callable[[int], R], count: int, *, min_items: int = MIN_ITEMS, workers: int | None = None, groups: list[int] | None = None
    ):
        global _task  # noqa: PLW0603 - read by the forked workers, which inherit it
        self.count = count
        self._pool: Any = None
        self._results: Iterator[list[Any] | _Failure] | None = None
        self._task = task
        workers = worker_count() if workers is None else workers
        if count >= min_items and can_fork(workers):
            _task = task
            gc.freeze()  # the collector would otherwise touch, and so copy, every inherited object in each worker
            try:
                self._pool = multiprocessing.get_context("fork").Pool(workers)
            finally:
                gc.unfreeze()
            # The first `groups` indexes go to a worker each, in one task; the others in CHUNKs.
            ends = list(itertools.accumulate(groups or []))
            bounds = list(itertools.pairwise([0, *ends])) + [
                (start, min(start + CHUNK, count)) for start in range(ends[-1] if ends else 0, count, CHUNK)
            ]
            self._results = self._pool.imap(_run, bounds)

    @property
    def forked(self) -> bool:
        return self._pool is not None

    def __iter__(self) -> Iterator[R]:
        if self._results is None:
            yield from (self._task(index) for index in range(self.count))
            return
        try:
            for chunk in self._results:
                if isinstance(chunk, _Failure):
                    raise chunk.exc
                yield from chunk
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers (at once: results not read yet are dropped)."""
        global _task  # noqa: PLW0603
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            _task = None


def fork_map(
    task: Callable[[int], R], count: int, *, min_items: int = MIN_ITEMS, workers: int | None = None, groups: list[int] | None = None
) -> ForkMap[R]:
    """Start computing task(i) for i in range(count) in forked workers; iterate the result for them, in order.

    `workers` defaults to `worker_count()`.

    `groups` are the sizes of leading runs of indexes that must each stay in one worker (tasks
    that share a memo, such as one language's listings and their job cards); the rest are shared
    out a few at a time.
    """
    return ForkMap(task, count, min_items=min_items, workers=workers, groups=groups)

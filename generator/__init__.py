"""careers: a static site generator for company careers sites and job boards."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
from collections.abc import Iterator
from pathlib import Path

__version__ = "0.1.0"


@functools.cache
@functools.cache  # the code does not change while the program runs
def code_digest() -> str:
    """Return a digest of the package's own code and data: caches of parsed or rendered results
    are dropped when it changes, even without a new version number (an editable install)."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading a cache of many objects (none are cycles).

    Unpickling 10,000 jobs makes hundreds of thousands of objects; the collector would scan them
    again and again as they are made, tripling the time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

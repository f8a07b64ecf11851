"""Per-job pieces of the site-wide files (feeds, jobs.json), kept between builds.

Every feed lists every open job, so one changed job would otherwise mean formatting ten thousand
entries again. Each entry is stored with the inputs it was made from (the job's fingerprint, its
URL, its language...) and reused while they are equal; the whole store is dropped when the code,
templates or site settings change (the renderer's fingerprint).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any


class Fragments:
    """A store of (kind, job key) -> (inputs, text), read on first use and saved after a good build."""

    def __init__(self, path: Path | None, context: str):
        self.path = path
        self.context = context
        self._old: dict[tuple[str, str], tuple[Hashable, str]] | None = None
        self.new: dict[tuple[str, str], tuple[Hashable, str]] = {}
        self.made = 0

    def _load(self) -> dict[tuple[str, str], tuple[Hashable, str]]:
        if self._old is None:
            self._old = {}
            if self.path is not None and self.path.is_file():
                try:
                    # Written by this program into the site's own cache folder, like the snapshots.
                    stored: Any = pickle.loads(self.path.read_bytes())  # noqa: S301
                    if isinstance(stored, dict) and stored.get("context") == self.context:
                        self._old = stored["fragments"]
                except Exception:  # noqa: BLE001 - a damaged store only costs formatting everything again
                    self._old = {}
        return self._old

    def get(self, kind: str, key: str, inputs: Hashable, make: Callable[[], str]) -> str:
        """Return the fragment made from `inputs`, reusing the last build's when they are equal."""
        slot = (kind, key)
        found = self._load().get(slot)
        if found is not None and found[0] == inputs:
            self.new[slot] = found
            return found[1]
        text = make()
        self.made += 1
        self.new[slot] = (inputs, text)
        return text

    def save(self) -> None:
        """Keep this build's fragments (only those it used) for the next build."""
        if self.path is None or self._old is None or (self.made == 0 and len(self.new) == len(self._old)):
            return  # not used by this build, or nothing new
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(f".{self.path.name}.tmp")
        temp.write_bytes(pickle.dumps({"context": self.context, "fragments": self.new}, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, self.path)

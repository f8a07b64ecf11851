"""Per-job pieces of the site-wide files (feeds, jobs.json), kept between builds.

Every feed lists every open job, so one changed job would otherwise mean formatting tens of
thousands of entries again. Each entry is stored with the inputs it was made from (the job's
fingerprint, its URL, its language...) and reused while they are equal; a store is dropped when
the code, templates or site settings change (the renderer's fingerprint). There is one store per
kind of file, read when that file is made and saved right after, so only one kind is in memory
at a time (a 50,000-job feed's entries are about 150 MB).
"""

from __future__ import annotations

import os
import pickle
import zlib
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any


class Fragments:
    """The stores of one build: `use(kind)` returns the store of one kind of file."""

    def __init__(self, folder: Path | None, context: str):
        self.folder = folder
        self.context = context

    def use(self, kind: str, compress: bool = True) -> FragmentStore:
        """Open the store of one kind; its texts are kept zlib-compressed (a third of the memory) unless `compress` is false."""
        return FragmentStore(self.folder / f"{kind}.pickle" if self.folder else None, self.context, compress)


class FragmentStore:
    """(job key) -> (inputs, text) for one kind of file: read on first use, saved by `save`."""

    def __init__(self, path: Path | None, context: str, compress: bool = False):
        self.path = path
        self.context = f"{context}\0{compress}"
        self.compress = compress
        self.old: dict[str, tuple[Hashable, str | bytes]] = {}
        self.new: dict[str, tuple[Hashable, str | bytes]] = {}
        self.made = 0
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    # Written by this program into the site's own cache folder, like the snapshots.
                    stored: Any = pickle.load(handle)  # noqa: S301
                if isinstance(stored, dict) and stored.get("context") == self.context:
                    self.old = stored["fragments"]
            except Exception:  # noqa: BLE001 - a damaged store only costs formatting everything again
                self.old = {}

    def get(self, key: str, inputs: Hashable, make: Callable[[], str]) -> str:
        """Return the fragment made from `inputs`, reusing the last build's when they are equal."""
        found = self.old.get(key)
        if found is not None and found[0] == inputs:
            self.new[key] = found
            stored = found[1]
            return zlib.decompress(stored).decode("utf-8") if isinstance(stored, bytes) else stored
        text = make()
        self.made += 1
        self.new[key] = (inputs, zlib.compress(text.encode("utf-8"), 1) if self.compress else text)
        return text

    def save(self) -> None:
        """Keep this build's fragments (only those it used) for the next build, and let go of them."""
        if self.path is not None and (self.made or len(self.new) != len(self.old)):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(f".{self.path.name}.tmp")
            with temp.open("wb") as handle:
                pickle.dump({"context": self.context, "fragments": self.new}, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.path)
        self.old, self.new = {}, {}

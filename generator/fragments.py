"""The site-wide files (feeds, jobs.json, the sitemap), written in pieces and kept between builds.

Every feed lists every open job, so one changed job would otherwise mean formatting tens of
thousands of entries again. A file is given as parts: text, and one `Entry` per job, made from
inputs (the job's fingerprint, its URL...). The file is kept in the cache folder with an index of
where each entry's bytes are and what inputs made them; the next build copies the bytes of every
entry whose inputs are equal straight from the kept file (no Python string is made for them) and
formats only the others. The output gets a hard link of the kept file, and nothing edits a file
in place (the writer replaces files), so the kept file is what the output holds. The index is
dropped when the code, templates or settings change (its context), or when the kept file is not
the one it describes.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Entry:
    """One job's piece of a site-wide file: `make()` formats it, from `inputs` only."""

    key: str  # unique in its file
    inputs: Hashable
    make: Callable[[], str]


Part = str | Entry


def joined(parts: Iterable[Part]) -> str:
    """Return a file's whole text (tests, small sites), every entry formatted."""
    return "".join(part if isinstance(part, str) else part.make() for part in parts)


class Spooler:
    """Write site-wide files into `folder` (the cache), reusing unchanged entries of the last build's."""

    VERSION = 1

    def __init__(self, folder: Path, context: str):
        self.folder = folder
        self.context = f"{self.VERSION}\0{context}"
        self.made = 0  # entries formatted (not copied) by this spooler, for tests and benchmarks

    def write(self, name: str, parts: Iterable[Part]) -> Path:
        """Write one file's parts to the cache folder and return its path there."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name.replace("/", "_")
        index = path.with_name(f"{path.name}.index")
        old = self._load(index, path)
        entries: dict[str, tuple[Hashable, int, int]] = {}
        temp = path.with_name(f".{path.name}.tmp")
        with open(path, "rb") if old else open(os.devnull, "rb") as source, open(temp, "wb", buffering=0) as target:
            out = _Output(source.fileno(), target.fileno())
            for part in parts:
                if isinstance(part, str):
                    out.write(part.encode("utf-8"))
                    continue
                found = old.get(part.key)
                if found is not None and found[0] == part.inputs:
                    entries[part.key] = (part.inputs, out.position, found[2])
                    out.copy(found[1], found[2])
                    continue
                data = part.make().encode("utf-8")
                self.made += 1
                entries[part.key] = (part.inputs, out.position, len(data))
                out.write(data)
            out.flush()
        os.replace(temp, path)
        if entries:
            stat = path.stat()
            stored = {"context": self.context, "file": (stat.st_size, stat.st_mtime_ns), "entries": entries}
            with open(temp, "wb") as handle:
                pickle.dump(stored, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, index)
        else:
            index.unlink(missing_ok=True)
        return path

    def _load(self, index: Path, path: Path) -> dict[str, tuple[Hashable, int, int]]:
        """Return the kept file's entries, or nothing when the index does not describe that file under these settings."""
        try:
            with index.open("rb") as handle:
                # Written by this program into the site's own cache folder, like the snapshots.
                stored: Any = pickle.load(handle)  # noqa: S301
            stat = path.stat()
        except Exception:  # noqa: BLE001 - no index, or a damaged one: every entry is formatted again
            return {}
        if not isinstance(stored, dict) or stored.get("context") != self.context or stored.get("file") != (stat.st_size, stat.st_mtime_ns):
            return {}
        entries: dict[str, tuple[Hashable, int, int]] = stored["entries"]
        return entries


class _Output:
    """A new file written at explicit offsets: text through a buffer, unchanged entries copied from the kept file.

    Adjacent copied ranges become one copy, done in the kernel where it can (copy_file_range):
    their bytes never reach Python.
    """

    BUFFER = 1 << 20

    def __init__(self, source: int, target: int):
        self.source, self.target = source, target
        self.position = 0  # the new file's length so far, buffered and pending bytes included
        self.written = 0  # bytes on disk
        self.buffer = bytearray()
        self.start = self.end = 0  # the pending range of the kept file

    def write(self, data: bytes) -> None:
        self._copy_pending()
        self.buffer += data
        self.position += len(data)
        if len(self.buffer) >= self.BUFFER:
            self._write_buffer()

    def copy(self, offset: int, length: int) -> None:
        if self.end != self.start and offset == self.end:
            self.end += length
        else:
            self._write_buffer()
            self._copy_pending()
            self.start, self.end = offset, offset + length
        self.position += length

    def flush(self) -> None:
        self._write_buffer()
        self._copy_pending()

    def _write_buffer(self) -> None:
        view = memoryview(self.buffer)
        while view:
            done = os.pwrite(self.target, view, self.written)
            view, self.written = view[done:], self.written + done
        view.release()
        self.buffer.clear()

    def _copy_pending(self) -> None:
        offset, length = self.start, self.end - self.start
        self.start = self.end = 0
        while length > 0:
            try:
                done = os.copy_file_range(self.source, self.target, length, offset, self.written)
            except (AttributeError, OSError):  # not Linux, or a filesystem without it
                done = os.pwrite(self.target, os.pread(self.source, min(length, self.BUFFER), offset), self.written)
            if not done:
                raise OSError("the kept file is shorter than its index says")
            offset, length, self.written = offset + done, length - done, self.written + done

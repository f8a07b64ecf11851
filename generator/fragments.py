"""The site-wide files (feeds, jobs.json, the sitemap), written in pieces and kept between builds.

Every feed lists every open job, so one changed job would otherwise mean formatting tens of
thousands of entries again. A file is given as parts: text, and one `Entry` per job, made from
inputs (the job's fingerprint, its URL...). The file is kept in the cache folder with an index of
where each entry's bytes are and a digest of the inputs that made them; the next build copies
the bytes of every entry whose inputs are equal straight from the kept file (no Python string is
made for them) and formats only the others. The output gets a hard link of the kept file, and
nothing edits a file in place (the writer replaces files), so the kept file is what the output
holds. The index is dropped when the code, templates or settings change (its context), or when
the kept file is not the one it describes.
"""

from __future__ import annotations

import array
import hashlib
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
    # Text written before the entry unless it is its file's first (the comma between JSON items).
    # It goes with the entry, so that unchanged entries in a row are one copy.
    lead: str = ""


Part = str | Entry


def joined(parts: Iterable[Part]) -> str:
    """Return a file's whole text (tests, small sites), every entry formatted."""
    texts = []
    first = True
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        else:
            texts.append(part.make() if first else part.lead + part.make())
            first = False
    return "".join(texts)


def _digest(entry: Entry, lead: str) -> bytes:
    return hashlib.blake2b(repr((entry.inputs, lead)).encode(), digest_size=DIGEST).digest()


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
        index_path = path.with_name(f"{path.name}.index")
        old = _Index.load(index_path, path, self.context)
        new = _Index()
        temp = path.with_name(f".{path.name}.tmp")
        with open(path, "rb") if old.keys else open(os.devnull, "rb") as source, open(temp, "wb", buffering=0) as target:
            out = _Output(source.fileno(), target.fileno())
            for part in parts:
                if isinstance(part, str):
                    out.write(part.encode("utf-8"))
                    continue
                lead = part.lead if new.keys else ""
                digest = _digest(part, lead)
                span = old.find(part.key, digest)
                if span is not None:
                    new.add(part.key, digest, out.position, span[1])
                    out.copy(*span)
                    continue
                data = (lead + part.make()).encode("utf-8")
                self.made += 1
                new.add(part.key, digest, out.position, len(data))
                out.write(data)
            out.flush()
        os.replace(temp, path)
        if new.keys:
            new.save(index_path, path, self.context)
        else:
            index_path.unlink(missing_ok=True)
        return path

    def keys(self, name: str) -> list[str] | None:
        """Return the entry keys of the kept file `name`, in order (None when it has no valid index)."""
        path = self.folder / name.replace("/", "_")
        index = _Index.load(path.with_name(f"{path.name}.index"), path, self.context)
        return index.keys if index.keys else None

    def patch(self, name: str, entries: dict[str, Entry]) -> Path:
        """Replace some entries of the kept file `name`, copying everything else, and return its path.

        For a rebuild that knows nothing else changed: the same entries in the same order, and the
        same text between them. Each key of `entries` must be in the file (see `keys`).
        """
        path = self.folder / name.replace("/", "_")
        index_path = path.with_name(f"{path.name}.index")
        old = _Index.load(index_path, path, self.context)
        where = {key: number for number, key in enumerate(old.keys) if key in entries}
        if len(where) != len(entries):
            raise ValueError(f"{name}: the kept file has no entry for {sorted(set(entries) - set(where))}")
        new = _Index()
        new.keys, new.digests, new.spans = old.keys, bytearray(old.digests), array.array("q", old.spans)
        temp = path.with_name(f".{path.name}.tmp")
        with open(path, "rb") as source, open(temp, "wb", buffering=0) as target:
            out = _Output(source.fileno(), target.fileno())
            copied = 0  # how far the kept file has been copied
            for number in sorted(where.values()):
                entry = entries[old.keys[number]]
                lead = entry.lead if number else ""
                offset, length = old.spans[2 * number], old.spans[2 * number + 1]
                out.copy(copied, offset - copied)
                data = (lead + entry.make()).encode("utf-8")
                out.write(data)
                self.made += 1
                copied = offset + length
                new.digests[number * DIGEST : (number + 1) * DIGEST] = _digest(entry, lead)
                new.spans[2 * number + 1] = len(data)
                for later in range(2 * number + 2, len(new.spans), 2):  # the entries after it move
                    new.spans[later] += len(data) - length
            out.copy(copied, os.fstat(source.fileno()).st_size - copied)
            out.flush()
        os.replace(temp, path)
        new.save(index_path, path, self.context)
        return path


DIGEST = 16  # bytes of BLAKE2b per entry's inputs


class _Index:
    """Where each entry of a kept file is, and a digest of the inputs it was made from.

    Stored as a list of keys, one bytes string of digests and one array of (offset, length): a
    50,000-entry index loads and saves in milliseconds, where a dict of tuples takes a tenth of a
    second each way.
    """

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.digests = bytearray()
        self.spans = array.array("q")
        self._positions: dict[str, int] | None = None

    def add(self, key: str, digest: bytes, offset: int, length: int) -> None:
        self.keys.append(key)
        self.digests += digest
        self.spans.extend((offset, length))

    def find(self, key: str, digest: bytes) -> tuple[int, int] | None:
        """Return (offset, length) of the entry `key` when its inputs had this digest."""
        if self._positions is None:
            self._positions = {k: i for i, k in enumerate(self.keys)}
        i = self._positions.get(key)
        if i is None or self.digests[i * DIGEST : (i + 1) * DIGEST] != digest:
            return None
        return self.spans[2 * i], self.spans[2 * i + 1]

    def save(self, index_path: Path, path: Path, context: str) -> None:
        stat = path.stat()
        stored = (context, (stat.st_size, stat.st_mtime_ns), self.keys, bytes(self.digests), self.spans.tobytes())
        temp = index_path.with_name(f".{index_path.name}.tmp")
        with open(temp, "wb") as handle:
            pickle.dump(stored, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, index_path)

    @classmethod
    def load(cls, index_path: Path, path: Path, context: str) -> _Index:
        """Return the kept file's index, or an empty one when it does not describe that file under these settings."""
        index = cls()
        try:
            with index_path.open("rb") as handle:
                # Written by this program into the site's own cache folder, like the snapshots.
                stored: Any = pickle.load(handle)  # noqa: S301
            stat = path.stat()
            found_context, file, keys, digests, spans = stored
        except Exception:  # noqa: BLE001 - no index, or a damaged one: every entry is formatted again
            return index
        if found_context != context or file != (stat.st_size, stat.st_mtime_ns) or len(digests) != DIGEST * len(keys):
            return index
        index.keys, index.digests = keys, bytearray(digests)
        index.spans.frombytes(spans)
        if len(index.spans) != 2 * len(keys):
            return cls()
        return index


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
                raise OSError("a feed kept in the cache is shorter than its index says; delete the cache's files/ folder and build again")
            offset, length, self.written = offset + done, length - done, self.written + done

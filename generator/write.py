"""The only writer of the output folder: stage what changed, then move it in, or roll back.

A failed build never reaches this module, so the previous output stays as it was. When the
new site equals the current output, nothing is written at all. A first build writes a staging
folder and renames it into place. A rebuild writes only the changed files, first into a staging
folder (a failure there leaves the output untouched), then moves each one into the output and
removes the files that left; if a move fails, every file already moved or removed is put back.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError


class Unchanged:
    """A file the build knows is already in the output as it should be (a reused page)."""


UNCHANGED = Unchanged()
Content = bytes | Path | Unchanged  # bytes, a file to copy (from the cache), or UNCHANGED


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)  # new or changed files
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def _safe(path: str) -> str:
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if path.startswith("/") or ".." in parts or not parts:
        raise BuildError(f"refusing to write outside the output folder: {path!r}")
    joined = "/".join(parts)
    return path if joined == path else joined  # the caller's own string when it is already clean: one copy, not two


def existing_files(output: Path) -> set[str]:
    """Return every file under `output` (os.scandir: a 20,000-file site in tens of ms)."""
    found: set[str] = set()
    if not output.is_dir():
        return found
    pending = [("", str(output))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    found.add(prefix + entry.name)
    return found


def content_addressed(path: str) -> bool:
    """Media and assets are named after their content: same name and size means same bytes."""
    return path.startswith(("media/", "assets/"))


def _same(target: Path, content: Content, path: str) -> bool:
    if isinstance(content, Unchanged):
        return True
    try:
        size = target.lstat().st_size
    except OSError:
        return False
    if isinstance(content, Path):
        try:
            if content.stat().st_size != size:
                return False
            return content_addressed(path) or filecmp.cmp(content, target, shallow=False)  # compared in chunks
        except OSError:
            return False
    if len(content) != size:
        return False
    if content_addressed(path):
        return True
    try:
        return target.read_bytes() == content
    except OSError:
        return False


def _put(target: Path, content: Content, folders: set[Path] | None = None) -> None:
    parent = target.parent
    if folders is None or parent not in folders:
        parent.mkdir(parents=True, exist_ok=True)
        if folders is not None:
            folders.add(parent)
    if isinstance(content, Path):
        try:
            os.link(content, target)  # a cached file: share its bytes (files are replaced, never changed in place)
        except OSError:
            shutil.copyfile(content, target)
    elif isinstance(content, bytes):
        with open(target, "wb") as out:
            out.write(content)
    else:
        raise BuildError(f"{target.name}: a reused page is missing from the output; rebuild to render it again")
    os.chmod(target, 0o644)


def recover(output: Path) -> None:
    """Finish a swap of an older version that was interrupted between its two renames."""
    previous = output.with_name(f".{output.name}.previous")
    if not output.exists() and previous.is_dir():
        os.replace(previous, output)


class SiteWriter:
    """Receive the site file by file (nothing is kept in memory), then commit it or abort.

    Files that differ from the output are written into a staging folder as they arrive; `commit`
    moves them in, `abort` (or any failure before `commit`) leaves the output as it was.
    """

    def __init__(self, output: Path, existing: set[str] | None = None):
        self.output = output.resolve()
        recover(self.output)
        self.current = existing_files(self.output) if existing is None else existing
        self.first = not self.output.is_dir()
        self.result = WriteResult()
        self.paths: set[str] = set()
        self._staging: Path | None = None
        self._folders: set[Path] = set()  # folders made in the staging folder, so each is made once

    def stage(self) -> Path:
        """Return the folder changed files are staged in, made on first use (make it before forking workers)."""
        if self._staging is None:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            self._staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.staging-", dir=self.output.parent))
        return self._staging if self.first else self._staging / "new"

    def add(self, path: str, content: Content) -> None:
        path = self._claim(path)
        self._count(path, self._place(path, content))

    def place(self, path: str, content: Content) -> bool:
        """Stage one file unless the output already holds it; return whether it was staged.

        Only the staging folder is touched, so workers forked after `stage()` can place files side
        by side; the build then `record`s each one.
        """
        return self._place(_safe(path), content)

    def _place(self, path: str, content: Content) -> bool:
        if not self.first and path in self.current and (isinstance(content, Unchanged) or _same(self.output / path, content, path)):
            return False
        _put(self.stage() / path, content, self._folders)
        return True

    def keep(self, paths: list[str]) -> None:
        """Keep these files of the output as they are, unread: the last build wrote them (its own, checked paths)."""
        kept = set(paths)
        if not kept.isdisjoint(self.paths):
            raise BuildError(f"two pages want to be written to {min(kept & self.paths)}")
        self.paths |= kept
        self.result.unchanged += len(kept)

    def record(self, path: str, staged: bool) -> None:
        """Count a file that a worker placed (`staged` is what `place` returned there)."""
        self._count(self._claim(path), staged)

    def _claim(self, path: str) -> str:
        path = _safe(path)
        if path in self.paths:
            raise BuildError(f"two pages want to be written to {path}")
        self.paths.add(path)
        return path

    def _count(self, path: str, staged: bool) -> None:
        if staged:
            self.result.written.append(path)
        else:
            self.result.unchanged += 1

    def commit(self) -> WriteResult:
        """Make the output hold exactly the files added; write nothing when nothing changed."""
        result = self.result
        result.written.sort()
        result.removed = sorted(self.current - self.paths)
        try:
            if self.first:
                staging = self.stage()
                _open_permissions(staging)
                os.replace(staging, self.output)
                self._staging = None
            elif result.changed:
                self.stage()
                _swap_in(self.output, self._staging, result)  # type: ignore[arg-type]
        finally:
            self.abort()
        return result

    def abort(self) -> None:
        """Drop what was staged; the output stays as it was."""
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None


def write_site(files: Mapping[str, Content], output: Path, existing: set[str] | None = None) -> WriteResult:
    """Make `output` hold exactly `files`; write nothing when nothing changed, only the changes otherwise.

    `existing` is the output's file list when the caller already read it (see existing_files).
    """
    writer = SiteWriter(output, existing)
    try:
        for path, content in sorted(files.items()):
            writer.add(path, content)
    except BaseException:
        writer.abort()
        raise
    return writer.commit()


def _swap_in(output: Path, staging: Path, result: WriteResult) -> None:
    """Move staged files into `output` and remove the old ones, keeping a backup to undo everything on failure."""
    backup = staging / "backup"
    done: list[str] = []  # paths changed so far, in order
    try:
        for path in result.written:
            target = output / path
            if target.exists():
                (backup / path).parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(target, backup / path)
                except OSError:
                    shutil.copy2(target, backup / path)  # no hard links on this filesystem
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(target.parent, 0o755)
            os.replace(staging / "new" / path, target)
            done.append(path)
        for path in result.removed:
            (backup / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(output / path, backup / path)
            done.append(path)
    except BaseException:
        for path in reversed(done):
            saved = backup / path
            if saved.exists():
                os.replace(saved, output / path)
            else:
                (output / path).unlink(missing_ok=True)
        _remove_empty_folders(output, done)
        raise
    _remove_empty_folders(output, result.removed)


def _remove_empty_folders(output: Path, removed: list[str]) -> None:
    folders = {(output / path).parent for path in removed}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        while folder != output and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _open_permissions(root: Path) -> None:
    os.chmod(root, 0o755)
    for folder, names, _ in os.walk(root):
        for name in names:
            os.chmod(os.path.join(folder, name), 0o755)

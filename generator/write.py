"""The only writer of the output folder: stage everything, then swap it in.

A failed build never reaches this module, so the previous output stays as it was. When the
staged tree equals the current one, nothing is written at all. Otherwise unchanged files are
hard-linked (or copied) from the current output into the staging folder, changed files are
written fresh, and the staging folder replaces the output in two renames.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import BuildError


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)  # new or changed files
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def _safe(path: str) -> str:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise BuildError(f"refusing to write outside the output folder: {path!r}")
    return pure.as_posix()


def existing_files(output: Path) -> dict[str, Path]:
    if not output.is_dir():
        return {}
    return {p.relative_to(output).as_posix(): p for p in output.rglob("*") if p.is_file() or p.is_symlink()}


def _same(path: Path, content: bytes) -> bool:
    try:
        if path.stat().st_size != len(content):
            return False
        return hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(content).digest()
    except OSError:
        return False


def write_site(files: dict[str, bytes], output: Path) -> WriteResult:
    """Make `output` hold exactly `files`, atomically; write nothing when nothing changed."""
    output = output.resolve()
    previous = output.with_name(f".{output.name}.previous")
    if not output.exists() and previous.is_dir():
        os.replace(previous, output)  # a swap was interrupted between its two renames
    files = {_safe(k): v for k, v in files.items()}
    current = existing_files(output)
    result = WriteResult()
    for path, content in sorted(files.items()):
        if path in current and _same(current[path], content):
            result.unchanged += 1
        else:
            result.written.append(path)
    result.removed = sorted(set(current) - set(files))
    if not result.changed and output.is_dir():
        return result

    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.staging-", dir=output.parent))
    try:
        changed = set(result.written)
        for path, content in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if path not in changed:
                try:
                    os.link(current[path], target)
                    continue
                except OSError:
                    pass  # another filesystem, or links not allowed: write the bytes instead
            target.write_bytes(content)
            os.chmod(target, 0o644)
        os.chmod(staging, 0o755)
        for folder in staging.rglob("*"):
            if folder.is_dir():
                os.chmod(folder, 0o755)
        if previous.exists():
            shutil.rmtree(previous)
        if output.exists():
            os.replace(output, previous)
        os.replace(staging, output)
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if not output.exists() and previous.is_dir():
            os.replace(previous, output)  # the swap failed between its two renames: put the old site back
        raise
    return result

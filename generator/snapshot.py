"""Snapshots: the normalized data of each source after its last successful fetch.

`careers build --offline` renders from them, `--allow-stale` falls back on them, the safety
checks compare against them, and sources read their private `state` (e.g. each job's
`updated_at`) to fetch only what changed. The JSON is deterministic: sorted keys, no timestamps
other than the data's own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any, Union

from . import collector_paused, model
from .model import SourceData, fingerprint, to_jsonable

VERSION = 1


def dumps(value: Any) -> str:
    """Return deterministic JSON; compact, because the C encoder is ten times faster than indented output."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` via a temporary file; return False when the file already holds it."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temp, path)
    return True


def load_json(path: Path, default: Any) -> Any:
    """Read a JSON file of the cache, or return `default` when it is missing or unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
        with collector_paused():  # a 10,000-job site's state is 50,000 small objects
            return json.loads(text)
    except (OSError, ValueError):
        return default


def snapshot_path(cache: Path, source: str) -> Path:
    return cache / "snapshots" / f"{source}.json"


def save_snapshot(cache: Path, source: str, data: SourceData, state: dict[str, Any]) -> bool:
    """Store a source's data; skip the (large) write when it equals the stored one."""
    path = snapshot_path(cache, source)
    rest = to_jsonable(dataclasses.replace(data, jobs=[], warnings=[]))
    digest = hashlib.sha256(json.dumps([VERSION, [fingerprint(j) for j in data.jobs], rest, state], sort_keys=True).encode()).hexdigest()
    marker = path.with_suffix(".digest")
    if path.is_file() and marker.is_file() and marker.read_text(encoding="utf-8") == digest:
        return False
    payload = {"version": VERSION, "source": source, "data": to_jsonable(_without_warnings(data)), "state": state}
    changed = write_atomic(path, dumps(payload))
    write_atomic(marker, digest)
    return changed


def load_snapshot(cache: Path, source: str) -> tuple[SourceData, dict[str, Any]] | None:
    """Return (data, state) from the last good fetch, or None when there is none (or it is unreadable)."""
    payload = load_json(snapshot_path(cache, source), None)
    if not isinstance(payload, dict) or payload.get("version") != VERSION:
        return None
    return from_jsonable(SourceData, payload["data"]), payload.get("state") or {}


def _without_warnings(data: SourceData) -> SourceData:
    return dataclasses.replace(data, warnings=[])


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls, vars(model))
    return _HINTS[cls]


def from_jsonable(kind: Any, value: Any) -> Any:
    """Rebuild a model value of type `kind` from its JSON form."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return from_jsonable(options[0], value) if len(options) == 1 else value
    if origin in (list, tuple):
        args = typing.get_args(kind)
        if origin is tuple and args and args[-1] is not Ellipsis:
            return tuple(from_jsonable(a, v) for a, v in zip(args, value, strict=False))
        item = args[0] if args else Any
        items = [from_jsonable(item, v) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        _, item = typing.get_args(kind)
        return {k: from_jsonable(item, v) for k, v in value.items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        fields = {f.name for f in dataclasses.fields(kind)}
        return kind(**{k: from_jsonable(hints[k], v) for k, v in value.items() if k in fields})
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    return value

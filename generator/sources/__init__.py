"""Recruiting-system sources: one module per config `type`, each exporting `SOURCE`.

A source turns its API's payloads into `SourceData` (see ../model.py); raw payloads never leave
its module. `SOURCES` maps each `type` to its class, found by importing the modules of this
package (`type = "welcomekit"` -> `welcomekit.py`).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import httpx

from ..config import Option, SourceConfig
from ..errors import SourceError
from ..http import ConditionalCache, HttpClient, Stats
from ..model import SourceData


@dataclass
class FetchContext:
    """What a source may use besides its own config."""

    root: Path
    languages: tuple[str, ...] = ("en",)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    previous: SourceData | None = None  # the last snapshot, for incremental fetching
    previous_state: dict[str, Any] = field(default_factory=dict)  # source-private memo from the last fetch
    stats: Stats = field(default_factory=Stats)
    transport: httpx.BaseTransport | None = None  # tests inject one
    sleep: Callable[[float], None] = time.sleep
    on_request: Callable[[], None] = lambda: None  # progress, once per HTTP request
    cache_dir: Path | None = None  # where conditional-request validators live (None: no conditional requests)
    mode: str = "careers"  # [site] mode: "board" makes each organization a company of its own
    allow_stale: bool = False  # --allow-stale: a part that fails may keep its part of `previous`


class Source:
    """Base class: subclasses set TYPE and OPTIONS and implement `fetch`."""

    TYPE: ClassVar[str] = ""
    OPTIONS: ClassVar[dict[str, Option]] = {}
    # Defaults for the HTTP layer; [[sources]] keys override them.
    RATE: ClassVar[float | None] = None
    BURST: ClassVar[int | None] = None
    CONCURRENCY: ClassVar[int] = 4
    # Refuse to publish when this source suddenly loses most of its jobs (the files of the local
    # source are the truth, so it opts out).
    GUARD_DROP: ClassVar[bool] = True

    def __init__(self, config: SourceConfig, context: FetchContext):
        self.config = config
        self.context = context
        self.name = config.name
        # Source-private memo saved with the snapshot (e.g. per-job updated_at for incremental fetches).
        self.state: dict[str, Any] = {}

    @classmethod
    def validate(cls, values: dict[str, Any]) -> list[str]:
        """Return problems with this type's options, as "key: message"."""
        return []

    def fetch(self) -> SourceData:
        raise NotImplementedError

    def secret(self, option: str, what: str) -> str:
        """Read the secret named by the `option` key (e.g. token_env) from the environment."""
        variable = self.config.get(option) or self.OPTIONS[option].default
        value = self.context.env.get(variable, "").strip()
        if not value:
            raise SourceError(
                self.name, f"environment variable {variable} is not set; export it with {what} (or set {option} to another variable name)"
            )
        return value

    def client(self, base_url: str, *, secrets: tuple[str, ...] = (), **kwargs: Any) -> HttpClient:
        """Return an HttpClient with this source's rate, burst, concurrency, timeout and retries."""
        options = self.config
        return HttpClient(
            self.name,
            base_url,
            secrets=secrets,
            rate=options.get("requests_per_second", self.RATE),
            burst=options.get("burst", self.BURST),
            concurrency=options.get("concurrency", self.CONCURRENCY),
            timeout=float(options.get("timeout", 20.0)),
            retries=int(options.get("retries", 5)),
            transport=self.context.transport,
            stats=self.context.stats,
            sleep=self.context.sleep,
            on_request=self.context.on_request,
            conditional=ConditionalCache(self.context.cache_dir / "http" / self.name) if self.context.cache_dir else None,
            **kwargs,
        )


def _discover() -> dict[str, type[Source]]:
    found: dict[str, type[Source]] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        source = getattr(importlib.import_module(f"{__name__}.{module.name}"), "SOURCE", None)
        if source is not None:
            found[source.TYPE] = source
    return found


SOURCES: dict[str, type[Source]] = _discover()

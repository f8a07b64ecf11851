"""Progress reporting: the core calls a Progress; the CLI decides how it looks.

`Progress` is silent; `LogProgress` writes plain log lines (what CI logs want); the CLI's
`TerminalProgress` draws a bar when stderr is a terminal.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class Progress:
    """Say nothing (the default for library use)."""

    def start(self, task: str, total: int | None = None) -> None:
        """Begin `task`, with `total` units of work when known."""

    def advance(self, task: str, amount: int = 1) -> None:
        """Count `amount` more units of work (requests, pages) for `task`."""

    def finish(self, task: str, summary: str = "", failed: bool = False) -> None:
        """End `task`."""


class LogProgress(Progress):
    """Plain log lines: one when a task starts, one when it ends well."""

    def start(self, task: str, total: int | None = None) -> None:
        log.info("%s ...", task)

    def finish(self, task: str, summary: str = "", failed: bool = False) -> None:
        if not failed:  # the error line says what failed
            log.info("%s: done%s", task, f" ({summary})" if summary else "")

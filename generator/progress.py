"""Progress reporting: the core calls a Progress; the CLI decides how it looks.

The base class writes plain log lines (what CI logs want); the CLI swaps in a terminal bar
when stderr is a terminal.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class Progress:
    """Plain log lines: one when a task starts, one when it ends."""

    def start(self, task: str, total: int | None = None) -> None:
        log.info("%s ...", task)

    def advance(self, task: str, amount: int = 1) -> None:
        """Count `amount` more units of work (requests, pages) for `task`."""

    def finish(self, task: str, summary: str = "") -> None:
        log.info("%s: done%s", task, f" ({summary})" if summary else "")

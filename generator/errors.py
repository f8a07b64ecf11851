"""The exceptions a build can raise.

GeneratorError            anything the CLI turns into a one-line message
├── ConfigError           careers.toml is wrong (exit 2); holds every problem found
├── SourceError           a source could not deliver its data (exit 1)
│   └── HttpError         an ATS answered badly, or not at all, after retries
├── BuildError            rendering or writing failed (exit 1)
└── CheckError            `careers check` found problems (exit 1)
"""

from __future__ import annotations


class GeneratorError(Exception):
    """Base class: the message is one line a user can act on."""

    exit_code = 1


class ConfigError(GeneratorError):
    """careers.toml (or a command-line option) is invalid."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class SourceError(GeneratorError):
    """A source failed; the message names the source and what to do."""

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"source {source}: {message}")


class HttpError(SourceError):
    """An HTTP request failed for good (after retries)."""

    def __init__(self, source: str, message: str, status: int | None = None, path: str = "", body: object = None):
        self.status = status
        self.path = path
        self.body = body  # the parsed error body, for sources that explain vendor error codes
        super().__init__(source, message)


class BuildError(GeneratorError):
    """The site could not be rendered or written."""


class CheckError(GeneratorError):
    """`careers check` found problems."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) found")

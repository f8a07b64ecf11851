"""Progress: plain log lines off a terminal (CI), a bar on one."""

from __future__ import annotations

from click.testing import CliRunner

from generator.cli import TerminalProgress, main, make_progress
from generator.progress import LogProgress, Progress

SITE = """
[site]
title = "Progress"
url = "https://jobs.example.org"
[[sources]]
type = "local"
"""
JOB = """+++
title = "Nurse planner"
date_posted = 2026-10-01
remote = "full"
remote_countries = ["FR"]
+++
Plan the week of 40 nurses.
"""


def test_ci_gets_plain_log_lines_and_a_summary(make_site, monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    root = make_site(SITE, {"content/jobs/nurse.md": JOB})
    result = CliRunner().invoke(main, ["build", "--config", str(root / "careers.toml")])
    assert result.exit_code == 0, result.output
    assert "fetching local: done (1 jobs)" in result.stderr
    assert "rendering: done (1 job pages rendered, 0 unchanged)" in result.stderr
    assert "local: 1 jobs; +1 added, ~0 updated, -0 closed" in result.stderr


def test_terminal_progress_draws_a_bar(capsys) -> None:
    progress = TerminalProgress()
    progress.start("rendering", 4)
    progress.advance("rendering", 2)
    progress.finish("rendering", "4 pages")
    err = capsys.readouterr().err
    assert "rendering [############............] 2/4" in err
    assert err.endswith("rendering: 4 pages\n")


def test_progress_is_plain_in_ci_and_silent_in_scripts(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert type(make_progress(quiet=False)) is LogProgress
    assert type(make_progress(quiet=True)) is Progress
    monkeypatch.delenv("CI")
    assert type(make_progress(quiet=False)) is Progress  # stderr is not a terminal under pytest

"""Work on every core: forked workers give the same site as one process, and their failures fail the build.

Forking is refused while other threads run (a test's HTTP server, `careers serve`), and pytest's
process usually has some. So these tests run their builds in a fresh interpreter, with the
threshold lowered so that even the demo site is parsed and rendered by workers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import parallel
from generator.errors import ConfigError
from tests.helpers import REPO, build, copy_demo, tree_digest

# Runs in a fresh interpreter: every fork_map forks (MIN_ITEMS = 1), each one is recorded, then
# `careers build` runs in the site folder. Prints the record as the last line.
BUILD_IN_WORKERS = """
import json, sys
from generator import parallel
from generator.cli import main
parallel.MIN_ITEMS = 1
forked = []
real = parallel.ForkMap.__init__
def recording(self, task, count, **options):
    real(self, task, count, **{**options, "min_items": 1})
    forked.append(self.forked)
parallel.ForkMap.__init__ = recording
try:
    main(["build"], standalone_mode=False)
    code = 0
except SystemExit as exc:
    code = exc.code
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    code = 1
print(json.dumps({"forked": forked, "code": code}))
"""


def build_in_workers(root: Path) -> tuple[dict, subprocess.CompletedProcess[str]]:
    done = subprocess.run([sys.executable, "-c", BUILD_IN_WORKERS], cwd=root, capture_output=True, text=True, timeout=300, check=False, env=_env())
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr
    return json.loads(lines[-1]), done


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1793534400"}


def needs_fork() -> None:
    if sys.platform != "linux" or len(os.sched_getaffinity(0)) < parallel.WORKERS:
        pytest.skip("workers are forked on Linux with two CPUs or more; elsewhere the build runs in one process")


def board_site(destination: Path) -> Path:
    shutil.copytree(REPO / "tests/fixtures/board", destination)
    return destination


@pytest.mark.parametrize("make", [copy_demo, board_site], ids=["demo", "board"])
def test_a_build_in_workers_writes_the_same_site_as_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make) -> None:
    needs_fork()
    alone, workers = make(tmp_path / "alone"), make(tmp_path / "workers")
    monkeypatch.setattr(parallel, "can_fork", lambda workers: False)
    build(alone)
    record, done = build_in_workers(workers)
    assert record["code"] == 0, done.stderr
    # Parsing, Open Graph cards (when there are several to draw) and pages all went to workers.
    assert record["forked"] and all(record["forked"]), record
    assert tree_digest(workers / "public") == tree_digest(alone / "public")
    # A rebuild after an edit, in workers too, still matches.
    for root in (alone, workers):
        job = next((root / "content/jobs").glob("*.md"))
        job.write_text(job.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(alone)
    record, done = build_in_workers(workers)
    assert record["code"] == 0, done.stderr
    assert tree_digest(workers / "public") == tree_digest(alone / "public")


def test_a_page_failing_in_a_worker_fails_the_build_in_one_line_and_leaves_the_site_as_it_was(tmp_path: Path) -> None:
    needs_fork()
    root = copy_demo(tmp_path / "site")
    record, done = build_in_workers(root)
    assert record["code"] == 0, done.stderr
    before = tree_digest(root / "public")
    # One job's page cannot be rendered: its template asks for what does not exist.
    job = sorted((root / "content/jobs").glob("*.md"))[3]
    job_id = next(line.split("=", 1)[1].strip().strip('"') for line in job.read_text(encoding="utf-8").splitlines() if line.startswith("id ="))
    (root / "templates").mkdir()
    (root / "templates/job.html").write_text(
        '{% extends "default/job.html" %}{% block main %}{% if job.id == "'
        + job_id
        + '" %}{{ job.no_such_field }}{% endif %}{{ super() }}{% endblock %}',
        encoding="utf-8",
    )
    record, done = build_in_workers(root)
    assert record["code"] == 1 and record["forked"][-1]  # the pages' map (the files were parsed last time)
    errors = [line for line in done.stderr.splitlines() if "no_such_field" in line]
    assert errors and errors[0].startswith("error: rendering failed: UndefinedError"), done.stderr
    assert tree_digest(root / "public") == before
    assert not list(tmp_path.glob(".public.staging-*")) and not list(root.glob(".public.staging-*"))


def test_a_broken_job_file_parsed_in_a_worker_is_reported_like_in_one_process(tmp_path: Path) -> None:
    needs_fork()
    root = copy_demo(tmp_path / "site")
    broken = '+++\nid = "broken"\ntitle = "Broken"\ndate_posted = 2026-10-01\nremote = "sometimes"\n+++\nText.\n'
    (root / "content/jobs/broken.md").write_text(broken, encoding="utf-8")
    record, done = build_in_workers(root)
    assert record["code"] == 1 and record["forked"] == [True]
    assert done.stderr.splitlines() == ["error: source local: content/jobs/broken.md: remote must be one of no, occasional, hybrid, full"]
    assert not (root / "public").exists()


def test_results_come_back_in_order_and_groups_stay_in_one_worker() -> None:
    needs_fork()
    code = """
import os, json, time
from generator import parallel
def task(i):
    if i < 100:
        time.sleep(0.005)  # the first group keeps one worker busy: the other takes the second group, then the rest
    return i, os.getpid()
pids = parallel.fork_map(task, 300, min_items=1, groups=[100, 50])
forked = pids.forked
result = list(pids)
print(json.dumps({"forked": forked, "order": [i for i, _ in result] == list(range(300)),
    "first": len({p for _, p in result[:100]}), "second": len({p for _, p in result[100:150]}),
    "workers": len({p for _, p in result}), "parent": os.getpid() in {p for _, p in result}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False, env=_env())
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "forked": True,
        "order": True,
        "first": 1,
        "second": 1,
        "workers": 2,
        "parent": False,
    }, done.stderr


def test_a_worker_exception_is_raised_again_in_the_build_process() -> None:
    needs_fork()
    code = """
from generator import parallel
class Unpicklable(Exception):
    def __init__(self, a, b):
        super().__init__(f"{a}/{b}")
def task(i):
    if i == 250:
        raise ValueError("job 250 is broken")
    return i
try:
    list(parallel.fork_map(task, 400, min_items=1))
except ValueError as exc:
    print("ValueError:", exc)
def other(i):
    if i == 10:
        raise Unpicklable(1, 2)
    return i
try:
    list(parallel.fork_map(other, 400, min_items=1))
except RuntimeError as exc:
    print("RuntimeError:", exc)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False, env=_env())
    assert done.stdout.splitlines() == ["ValueError: job 250 is broken", "RuntimeError: Unpicklable: 1/2"], done.stderr


def test_without_fork_the_same_calls_run_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda workers: False)
    results = parallel.fork_map(lambda i: i * i, 500, min_items=1)
    assert not results.forked and list(results) == [i * i for i in range(500)]
    assert not parallel.fork_map(lambda i: i, 3).forked  # too few to be worth a fork, anywhere


def test_careers_workers_sets_how_many_workers_and_1_keeps_the_build_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREERS_WORKERS", raising=False)
    assert parallel.worker_count() == parallel.WORKERS == 2
    monkeypatch.setenv("CAREERS_WORKERS", "3")
    assert parallel.worker_count() == 3
    monkeypatch.setenv("CAREERS_WORKERS", "1")
    assert parallel.worker_count() == 1 and not parallel.can_fork(1)
    assert not parallel.fork_map(lambda i: i, 1000, min_items=1).forked
    for wrong in ("0", "two", "-1"):
        monkeypatch.setenv("CAREERS_WORKERS", wrong)
        with pytest.raises(ConfigError) as caught:
            parallel.worker_count()
        assert (
            str(caught.value) == f"CAREERS_WORKERS={wrong!r}: must be a whole number of worker processes, 1 or more (1 runs the build in one process)"
        )


def test_careers_workers_1_builds_in_one_process_from_the_command_line(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "site")
    code = BUILD_IN_WORKERS.replace("parallel.MIN_ITEMS = 1", "parallel.MIN_ITEMS = 1\nimport os; os.environ['CAREERS_WORKERS'] = '1'")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300, check=False, env=_env())
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert record["code"] == 0 and record["forked"] and not any(record["forked"]), done.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**_env(), "CAREERS_WORKERS": "none"},
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "error: CAREERS_WORKERS='none': must be a whole number of worker processes, 1 or more (1 runs the build in one process)"
    ]

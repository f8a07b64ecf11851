"""Run the webhook relay's own tests (Node's test runner, real HTTP on 127.0.0.1) from pytest."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import REPO

NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed: run `node --test tests/relay/*.test.mjs` where it is")
def test_relay_node_tests_pass() -> None:
    version = subprocess.run([NODE, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    # Netlify runs the function on Node 20 or 22; the code and its tests also run on 18.
    assert int(version.lstrip("v").split(".")[0]) >= 18, f"the relay's tests need Node 18 or newer, found {version}"
    files = sorted(str(p.relative_to(REPO)) for p in (REPO / "tests" / "relay").glob("*.test.mjs"))
    assert len(files) == 2
    result = subprocess.run([NODE, "--test", *files], cwd=REPO, capture_output=True, text=True, timeout=120)
    summary = dict(re.findall(r"^# (pass|fail) (\d+)$", result.stdout, re.MULTILINE))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert summary.get("fail") == "0"
    assert int(summary.get("pass", "0")) >= 40

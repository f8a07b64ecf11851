"""Shared fixtures: a site folder factory and a fixed clock."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def make_site(tmp_path: Path):
    """Write careers.toml (and extra files) into a fresh folder; return the folder."""

    def make(toml: str, files: dict[str, str | bytes] | None = None) -> Path:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        (root / "careers.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
        for name, content in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return root

    return make


@pytest.fixture(autouse=True)
def not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands under test behave the same in CI and on a laptop (CI=true switches on log-line progress)."""
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every build in the tests runs at 2026-11-01T12:00:00Z unless a test says otherwise."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793534400")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes several seconds (e.g. a pip install into a fresh venv); still part of the default run")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site (repository root content), copied and built once; tests must only read it."""
    from tests.helpers import build, copy_demo

    root = copy_demo(tmp_path_factory.mktemp("demo"))
    build(root)
    return root


@pytest.fixture(scope="session")
def demo_public(demo_site: Path) -> Path:
    return demo_site / "public"

"""Find themes and resolve their `extends` chain.

A theme is a folder with `theme.toml` (`name`, optional `extends`), `templates/` and `static/`.
Themes are looked up in the site's own `themes/` folder first, then among the themes shipped
with the package. A site's `templates/` folder overrides any theme template of the same name;
an override can still reach the file it replaces as `"<theme>/<name>"`, e.g.
`{% extends "default/job.html" %}`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

PACKAGE_THEMES = Path(__file__).parent / "themes"  # where `pip install .` puts them
CHECKOUT_THEMES = Path(__file__).parent.parent / "themes"  # a source checkout / editable install


@dataclass(frozen=True)
class Theme:
    name: str
    path: Path
    extends: str | None

    @property
    def templates(self) -> Path:
        return self.path / "templates"

    @property
    def static(self) -> Path:
        return self.path / "static"


def search_paths(root: Path) -> list[Path]:
    return [p for p in (root / "themes", PACKAGE_THEMES, CHECKOUT_THEMES) if p.is_dir()]


def available_themes(root: Path) -> list[str]:
    names = {p.name for base in search_paths(root) for p in base.iterdir() if (p / "theme.toml").is_file()}
    return sorted(names)


def load_theme(root: Path, name: str) -> Theme:
    for base in search_paths(root):
        folder = base / name
        manifest = folder / "theme.toml"
        if manifest.is_file():
            try:
                meta = tomllib.loads(manifest.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError([f"{manifest}: not valid TOML: {exc}"]) from None
            return Theme(name=name, path=folder, extends=meta.get("extends"))
    raise ConfigError([f"site.theme: unknown theme {name!r}; available: {', '.join(available_themes(root)) or 'none'}"])


def theme_chain(root: Path, name: str) -> list[Theme]:
    """Return the theme and its ancestors, most specific first."""
    chain: list[Theme] = []
    while name:
        if any(t.name == name for t in chain):
            raise ConfigError([f"site.theme: theme {name!r} extends itself through {' -> '.join(t.name for t in chain)}"])
        theme = load_theme(root, name)
        chain.append(theme)
        name = theme.extends or ""
    return chain

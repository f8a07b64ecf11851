"""`careers init DIR`: a new site with a commented careers.toml, content/ and templates/."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import GeneratorError

FILES = {
    "careers.toml": "careers.toml",
    "content/jobs/example-job.md": "example-job.md",
    "content/offices.toml": "offices.toml",
    "content/departments.toml": "departments.toml",
    "content/pages/about.md": "about.md",
    "templates/README.md": "templates-README.md",
    ".gitignore": "gitignore",
    # The same file as the careers repository's own workflow (tests/test_deploy.py keeps them equal).
    ".github/workflows/careers.yml": "careers-workflow.yml",
}


def scaffold(directory: Path, force: bool = False) -> list[Path]:
    """Write the starter files; refuse to overwrite unless `force`."""
    directory = Path(directory)
    existing = [directory / name for name in FILES if (directory / name).exists()]
    if existing and not force:
        raise GeneratorError(f"{existing[0]} already exists; choose an empty folder or pass --force")
    created = []
    source = resources.files("generator") / "scaffold_files"
    for target, name in FILES.items():
        path = directory / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
        created.append(path)
    return created

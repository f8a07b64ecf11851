"""Content pages: content/pages/*.md -> /<slug>/ (about.md -> /about/, about.fr.md -> /fr/about/)."""

from __future__ import annotations

from .config import Config
from .errors import BuildError
from .model import ContentPage, slugify
from .normalize import markdown_to_html
from .sources.local import split_front_matter

PAGE_KEYS = {"title", "description", "language", "slug"}


def load_pages(config: Config) -> list[ContentPage]:
    """Read every content page; a broken page fails the build with its file name."""
    folder = config.content_dir / "pages"
    if not folder.is_dir():
        return []
    pages = []
    problems = []
    for file in sorted(folder.glob("*.md")):
        where = str(file.relative_to(config.root))
        try:
            meta, body = split_front_matter(file.read_text(encoding="utf-8"), where)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        unknown = set(meta) - PAGE_KEYS
        if unknown:
            problems.append(f"{where}: unknown key {sorted(unknown)[0]!r}; pages take {', '.join(sorted(PAGE_KEYS))}")
            continue
        stem, _, suffix = file.stem.partition(".")
        language = meta.get("language") or (suffix or None)
        if not meta.get("title"):
            problems.append(f"{where}: title is required")
            continue
        pages.append(
            ContentPage(
                slug=slugify(str(meta.get("slug") or stem)),
                title=str(meta["title"]),
                html=markdown_to_html(body),
                language=language,
                description=str(meta.get("description", "")),
            )
        )
    if problems:
        raise BuildError("; ".join(problems))
    return pages

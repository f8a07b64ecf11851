"""Store every image the site shows inside the site (no hotlinking), cached between builds.

Remote images are downloaded once into the cache folder; local ones are read from content/.
Each is checked with Pillow (a file that is not an image is dropped with a warning) and
written as media/<content hash>.<ext> with its width and height. A failed download is a
warning and the page is built without that image.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from .config import Config
from .errors import GeneratorError
from .http import HttpClient
from .model import Image, Job, Office, Site

log = logging.getLogger(__name__)
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}
MAX_BYTES = 15 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Stored:
    path: str
    width: int
    height: int
    content: bytes


def _images_of(site: Site) -> list[Image]:
    org = site.organization
    found = [i for i in (org.logo, org.cover, *org.gallery) if i]
    found += [j.image for j in site.jobs if j.image]
    found += [o.image for o in site.offices if o.image]
    found += [o.image for j in site.jobs for o in j.offices if o.image]
    return found


def _read(url: str, root: Path, cache: Path, client: HttpClient | None, offline: bool) -> bytes:
    if not url.startswith(("http://", "https://")):
        return (root / url).read_bytes()
    cached = cache / "images" / hashlib.sha256(url.encode()).hexdigest()
    if cached.is_file():
        return cached.read_bytes()
    if offline or client is None:
        raise OSError("not in the image cache and the build is offline")
    content = client.get_bytes(url).content
    if len(content) > MAX_BYTES:
        raise OSError(f"larger than {MAX_BYTES // 1024 // 1024} MB")
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(content)
    return content


def _store(content: bytes) -> Stored:
    with PILImage.open(io.BytesIO(content)) as picture:
        picture.verify()
    with PILImage.open(io.BytesIO(content)) as picture:
        kind = FORMATS.get(picture.format or "")
        if kind is None:
            raise ValueError(f"unsupported image format {picture.format}")
        width, height = picture.size
    digest = hashlib.sha256(content).hexdigest()[:16]
    return Stored(f"media/{digest}.{kind}", width, height, content)


def store_images(config: Config, site: Site, options: Any, report: Any) -> Site:
    """Download or read every image once and return the site with each Image's path and size set."""
    urls = sorted({i.url for i in _images_of(site)})
    if not urls:
        return site
    stored: dict[str, Stored] = {}
    client = None if options.offline else HttpClient("images", "", transport=options.transport, stats=report.stats, retries=2, timeout=15, sleep=options.sleep)
    try:
        for url in urls:
            shown = url if not url.startswith(("http://", "https://")) else client.redact(url) if client else url
            try:
                stored[url] = _store(_read(url, config.root, config.cache_dir, client, options.offline))
            except (OSError, ValueError, UnidentifiedImageError, GeneratorError) as exc:
                message = f"image {shown} skipped: {exc}"
                log.warning(message)
                report.warnings.append(message)
    finally:
        if client:
            client.close()

    def place(image: Image | None) -> Image | None:
        if image is None or image.url not in stored:
            return None
        s = stored[image.url]
        return dataclasses.replace(image, path=s.path, width=s.width, height=s.height)

    def place_office(office: Office) -> Office:
        return dataclasses.replace(office, image=place(office.image)) if office.image else office

    def place_job(job: Job) -> Job:
        return dataclasses.replace(job, image=place(job.image), offices=tuple(place_office(o) for o in job.offices))

    org = site.organization
    site.organization = dataclasses.replace(
        org, logo=place(org.logo), cover=place(org.cover), gallery=tuple(i for i in (place(g) for g in org.gallery) if i)
    )
    site.jobs = [place_job(j) for j in site.jobs]
    site.offices = [place_office(o) for o in site.offices]
    site.media = {s.path: s.content for s in stored.values()}
    return site

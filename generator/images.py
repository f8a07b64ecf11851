"""Store every image the site shows inside the site (no hotlinking), resized, cached between builds.

Remote images are downloaded once into the cache folder; local ones are read from content/.
Each is checked with Pillow (a file that is not an image is dropped with a warning) and
written as media/<content hash>.<ext> with its width and height. A failed download is a
warning and the page is built without that image.

Each image also gets responsive copies (`Image.variants`): WebP at every width of WIDTHS
below its own, plus a fallback in its own format (JPEG or PNG), for `<picture>`/srcset.
Copies are cached under <cache>/media/ by the hash of the source bytes, so an unchanged
image is never resized twice. Every job also gets an Open Graph picture (`Site.og_images`):
its own picture cropped to 1200x630, or a card with its title and the organization's name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont, ImageOps

from .config import Config
from .http import HttpClient
from .model import Image, Job, Office, Site

log = logging.getLogger(__name__)
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}
MAX_BYTES = 15 * 1024 * 1024
# Widths of the responsive copies: a 40 px logo on a 2x screen up to a full-width cover.
WIDTHS = (96, 160, 320, 640, 960, 1280, 1920)
# Part of every cache key: change it when the resizing settings change, and cached copies are redone.
VARIANT_VERSION = "v1"
OG_SIZE = (1200, 630)  # what Facebook, LinkedIn and X show without cropping
# Fonts with wide script coverage first; Pillow's own font (Latin only) when none is installed.
OG_FONTS = ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf")


@dataclasses.dataclass(frozen=True)
class Stored:
    path: str
    width: int
    height: int
    content: bytes
    variants: tuple[tuple[int, str, bytes], ...] = ()  # (width, site path, bytes)


def _images_of(site: Site) -> list[Image]:
    org = site.organization
    found = [i for i in (org.logo, org.cover, *org.gallery) if i]
    found += [j.image for j in site.jobs if j.image]
    found += [o.image for o in site.offices if o.image]
    found += [o.image for j in site.jobs for o in j.offices if o.image]
    return found


def _read(url: str, root: Path, cache: Path, client: HttpClient | None, offline: bool) -> tuple[bytes, Path | None]:
    """Return an image's bytes, and where to cache them once they proved to be an image."""
    if not url.startswith(("http://", "https://")):
        return (root / url).read_bytes(), None
    cached = cache / "images" / hashlib.sha256(url.encode()).hexdigest()
    if cached.is_file():
        return cached.read_bytes(), None
    if offline or client is None:
        raise OSError("not in the image cache and the build is offline")
    content = client.get_bytes(url).content
    if len(content) > MAX_BYTES:
        raise OSError(f"larger than {MAX_BYTES // 1024 // 1024} MB")
    return content, cached


def _store(content: bytes, cache: Path) -> Stored:
    with PILImage.open(io.BytesIO(content)) as picture:
        picture.verify()
    with PILImage.open(io.BytesIO(content)) as picture:
        kind = FORMATS.get(picture.format or "")
        if kind is None:
            raise ValueError(f"unsupported image format {picture.format}")
        animated = getattr(picture, "is_animated", False)
        # Browsers turn photos by their EXIF orientation, so width and height are the turned ones.
        width, height = ImageOps.exif_transpose(picture).size if kind == "jpg" else picture.size
    digest = hashlib.sha256(content).hexdigest()
    path = f"media/{digest[:16]}.{kind}"
    if animated:
        return Stored(path, width, height, content)  # resizing would drop the animation
    fallback = kind if kind in ("jpg", "png") else None
    targets = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
    variants = []
    for target in targets:
        for fmt in ("webp", fallback):
            if fmt is None:
                continue
            if fmt == kind and target == width:
                variants.append((width, path, content))  # the original is already that copy
                continue
            name = f"{digest[:16]}-{target}.{fmt}"
            variants.append((target, f"media/{name}", _variant(content, digest, target, fmt, cache)))
    return Stored(path, width, height, content, tuple(variants))


def _variant(content: bytes, digest: str, width: int, fmt: str, cache: Path) -> bytes:
    """Return `content` resized to `width` in `fmt`, from the cache when the same bytes were resized before."""
    cached = cache / "media" / f"{digest}-{VARIANT_VERSION}-{width}.{fmt}"
    if cached.is_file():
        return cached.read_bytes()
    data = resize(content, width, fmt)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


def resize(content: bytes, width: int, fmt: str) -> bytes:
    """Scale an image to `width` (keeping its proportions) and encode it as webp, jpg or png."""
    with PILImage.open(io.BytesIO(content)) as source:
        picture = ImageOps.exif_transpose(source)
        height = max(1, round(picture.height * width / picture.width))
        has_alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
        picture = picture.convert("RGBA" if has_alpha and fmt != "jpg" else "RGB")
        if (width, height) != picture.size:
            picture = picture.resize((width, height), PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        if fmt == "webp":
            picture.save(out, "WEBP", quality=80, method=5)
        elif fmt == "jpg":
            picture.save(out, "JPEG", quality=82, optimize=True, progressive=True)
        else:
            picture.save(out, "PNG", optimize=True)
        return out.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in OG_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int, lines: int) -> list[str]:
    """Break `text` into at most `lines` lines that fit `width` pixels; end with … when it is cut."""
    words = text.split()
    result: list[str] = []
    while words and len(result) < lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=font) <= width:
            line = f"{line} {words.pop(0)}"
        result.append(line)
    if words:
        last = result[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        result[-1] = last.rstrip() + "…"
    return result


def og_card(title: str, org_name: str, logo: bytes | None = None) -> bytes:
    """Draw a 1200x630 Open Graph PNG: the job title large, the organization's name (and logo) below."""
    card = PILImage.new("RGB", OG_SIZE, "#1f4fd1")
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, OG_SIZE[1] - 24, OG_SIZE[0], OG_SIZE[1]), fill="#ffb37a")
    title_font = _font(68)
    lines = _wrap(draw, title, title_font, OG_SIZE[0] - 160, 3)
    y = 110
    for line in lines:
        draw.text((80, y), line, font=title_font, fill="#ffffff")
        y += 84
    x = 80
    if logo:
        with PILImage.open(io.BytesIO(logo)) as source:
            mark = ImageOps.contain(source.convert("RGBA"), (96, 96))
        backdrop = PILImage.new("RGBA", (112, 112), "#ffffff")
        backdrop.alpha_composite(mark, ((112 - mark.width) // 2, (112 - mark.height) // 2))
        card.paste(backdrop.convert("RGB"), (80, 450))
        x = 216
    draw.text((x, 480), org_name, font=_font(44), fill="#ffffff")
    out = io.BytesIO()
    card.save(out, "PNG", optimize=True)
    return out.getvalue()


def og_photo(content: bytes) -> bytes:
    """Crop and scale a picture to 1200x630 for Open Graph."""
    with PILImage.open(io.BytesIO(content)) as source:
        picture = ImageOps.fit(ImageOps.exif_transpose(source).convert("RGB"), OG_SIZE, PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        return out.getvalue()


def _og_image(key: str, cache: Path, make: Any, ext: str, alt: str) -> tuple[Image, bytes]:
    digest = hashlib.sha256(f"{VARIANT_VERSION}\0{key}".encode()).hexdigest()
    cached = cache / "media" / f"og-{digest}.{ext}"
    if cached.is_file():
        content = cached.read_bytes()
    else:
        content = make()
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(content)
    path = f"media/og-{digest[:16]}.{ext}"
    return Image(url=path, alt=alt, path=path, width=OG_SIZE[0], height=OG_SIZE[1]), content


def og_images(site: Site, stored: dict[str, Stored], cache: Path) -> dict[str, tuple[Image, bytes]]:
    """Return each job's Open Graph picture (key: job key) and the site's own (key: "")."""
    org = site.organization
    logo = stored[org.logo.url].content if org.logo and org.logo.url in stored else None
    logo_key = hashlib.sha256(logo).hexdigest() if logo else ""
    result = {}
    for job in site.jobs:
        if job.image and job.image.url in stored:
            picture = stored[job.image.url]
            result[job.key] = _og_image(f"photo\0{picture.path}", cache, lambda c=picture.content: og_photo(c), "jpg", job.image.alt)
        else:
            key = f"card\0{job.title}\0{org.name}\0{logo_key}"
            result[job.key] = _og_image(key, cache, lambda t=job.title: og_card(t, org.name, logo), "png", f"{job.title} · {org.name}")
    result[""] = _og_image(f"card\0\0{org.name}\0{logo_key}", cache, lambda: og_card(org.name, "", logo), "png", org.name)
    return result


def store_images(config: Config, site: Site, options: Any, report: Any) -> Site:
    """Download or read every image once and return the site with each Image's path and size set."""
    urls = sorted({i.url for i in _images_of(site)})
    stored: dict[str, Stored] = {}
    client = (
        None
        if options.offline or not any(u.startswith(("http://", "https://")) for u in urls)
        else HttpClient("images", "", transport=options.transport, stats=report.stats, retries=2, timeout=15, sleep=options.sleep)
    )
    try:
        for url in urls:
            shown = url if not url.startswith(("http://", "https://")) else client.redact(url) if client else url
            try:
                content, cache_to = _read(url, config.root, config.cache_dir, client, options.offline)
                stored[url] = _store(content, config.cache_dir)
                if cache_to is not None:  # only bytes that proved to be an image are kept
                    cache_to.parent.mkdir(parents=True, exist_ok=True)
                    cache_to.write_bytes(content)
            except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds (DecompressionBombError...): one bad image never fails a build
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
        variants = tuple((width, path) for width, path, _ in s.variants)
        return dataclasses.replace(image, path=s.path, width=s.width, height=s.height, variants=variants)

    def place_office(office: Office) -> Office:
        return dataclasses.replace(office, image=place(office.image)) if office.image else office

    def place_job(job: Job) -> Job:
        if job.image is None and not any(o.image for o in job.offices):
            return job  # the same object keeps its memoized fingerprint
        return dataclasses.replace(job, image=place(job.image), offices=tuple(place_office(o) for o in job.offices))

    org = site.organization
    site.organization = dataclasses.replace(
        org, logo=place(org.logo), cover=place(org.cover), gallery=tuple(i for i in (place(g) for g in org.gallery) if i)
    )
    site.jobs = [place_job(j) for j in site.jobs]
    site.offices = [place_office(o) for o in site.offices]
    site.media = {s.path: s.content for s in stored.values()}
    for s in stored.values():
        site.media.update({path: content for _, path, content in s.variants})
    for key, (image, content) in og_images(site, stored, config.cache_dir).items():
        site.og_images[key] = image
        site.media[image.path] = content  # type: ignore[index]
    return site

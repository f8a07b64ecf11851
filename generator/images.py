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

import contextlib
import dataclasses
import functools
import hashlib
import io
import logging
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from PIL import ImageColor, ImageDraw, ImageFont, ImageOps

from . import parallel
from .config import Config
from .http import HttpClient
from .model import Image, Job, Office, Organization, Site

log = logging.getLogger(__name__)
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}
MAX_BYTES = 15 * 1024 * 1024
# Widths of the responsive copies: a 40 px logo on a 2x screen up to a full-width cover.
WIDTHS = (96, 160, 320, 640, 960, 1280, 1920)
# Part of every cache key: change it when the resizing settings change, and cached copies are redone.
VARIANT_VERSION = "v1"
OG_SIZE = (1200, 630)  # what Facebook, LinkedIn and X show without cropping
OG_BACKGROUND, OG_STRIPE, OG_TEXT = "#1f4fd1", "#ffb37a", "#ffffff"
OG_RAMP = 32  # palette entries from the background to the text colour: smooth edges, small files
OG_TITLE_TOP, OG_TITLE_LINES = 90, 3  # the title is drawn below this row, on at most 3 lines
# Part of a card's cache key: change it when cards are drawn differently, and cached cards are redrawn.
OG_CARD_VERSION = "card2"
# Cards drawn in worker processes when more than OG_POOL_MIN_CARDS are missing (see bench/og_cards.py).
OG_POOL_MIN_CARDS = 200
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
    for company in site.companies:
        found += [i for i in (company.logo, company.cover, *company.gallery) if i]
        found += [v.thumbnail for v in company.videos if v.thumbnail]  # stored here: a video loads nothing from its host until played
        found += [o.image for o in company.offices if o.image]
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


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Return the card font at `size`, loaded once per process (loading costs more than drawing a line)."""
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


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _deflate(raw: bytes, level: int, strategy: int, last: bool) -> bytes:
    """Compress `raw` as a raw deflate piece that can be followed by another (`last`: it ends the stream)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    return compressor.compress(raw) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def _adler32_combine(first: int, second: int, second_length: int) -> int:
    """Return the Adler-32 of two byte strings joined, from the checksum of each (RFC 1950, 8.2)."""
    a = ((first & 0xFFFF) + (second & 0xFFFF) - 1) % 65521
    b = ((first >> 16) + (second >> 16) + second_length * ((first & 0xFFFF) - 1)) % 65521
    return (b << 16) | a


class CardPainter:
    """Draw the Open Graph cards of one organization: its part is drawn and compressed once, then only each title.

    Pillow's PNG encoder spent ~30 ms per card on an RGB image (issue 9). Here a card is a palette
    PNG whose unchanging rows (above and below the title band) are deflated once; per card, the
    title is drawn as a greyscale coverage mask, its 256 levels mapped onto OG_RAMP palette
    entries that blend the background into white (smooth antialiasing without quantizing), and
    only the band's rows are deflated. Deflate pieces ending in a sync flush can be joined
    (RFC 1951, 3.2.4), and their Adler-32 checksums combined, so the PNG stays one valid stream.
    """

    def __init__(self, org_name: str, logo: bytes | None) -> None:
        background, text = ImageColor.getrgb(OG_BACKGROUND), ImageColor.getrgb(OG_TEXT)
        ramp = [tuple(round(b + (t - b) * k / (OG_RAMP - 1)) for b, t in zip(background, text, strict=True)) for k in range(OG_RAMP)]
        self.levels = [round(v * (OG_RAMP - 1) / 255) for v in range(256)]  # coverage -> palette index (0: background)
        palette = [*ramp, ImageColor.getrgb(OG_STRIPE)]
        # The image is stored as PNG scanlines: 1 + 1200 bytes a row, the first one the row's filter
        # type. It is 0 (none, best for palette images), which is also the background's index, so
        # drawing at x + 1 keeps column 0 right.
        rows = PILImage.new("L", (OG_SIZE[0] + 1, OG_SIZE[1]), 0)
        rows.paste(len(palette) - 1, (1, OG_SIZE[1] - 24, OG_SIZE[0] + 1, OG_SIZE[1]))
        x = 80
        if logo:
            with PILImage.open(io.BytesIO(logo)) as source:
                mark = ImageOps.contain(source.convert("RGBA"), (96, 96))
            backdrop = PILImage.new("RGBA", (112, 112), "#ffffff")
            backdrop.alpha_composite(mark, ((112 - mark.width) // 2, (112 - mark.height) // 2))
            # Median cut: deterministic, and the same result wherever Pillow is installed.
            tile = backdrop.convert("RGB").quantize(colors=256 - len(palette), method=PILImage.Quantize.MEDIANCUT)
            indexes, colours = tile.tobytes(), tile.getpalette() or []
            after = bytes(min(i + len(palette), 255) for i in range(256))  # the logo's entries follow ours
            palette += [(colours[i], colours[i + 1], colours[i + 2]) for i in range(0, 3 * (max(indexes) + 1), 3)]
            rows.paste(PILImage.frombytes("L", tile.size, indexes.translate(after)), (1 + 80, 450))
            x = 216
        if org_name:
            ink = PILImage.new("L", (OG_SIZE[0] + 1 - (1 + x), 120), 0)
            ImageDraw.Draw(ink).text((0, 0), org_name, font=_font(44), fill=255)
            rows.paste(ink.point(self.levels), (1 + x, 480))
        self.font = _font(68)
        self.measure = ImageDraw.Draw(PILImage.new("L", (1, 1)))
        # The rows above and below the title are deflated once; below, one piece per line count,
        # so a one-line title only costs the rows it covers.
        raw, row = rows.tobytes(), OG_SIZE[0] + 1
        ihdr = struct.pack(">IIBBBBB", OG_SIZE[0], OG_SIZE[1], 8, 3, 0, 0, 0)  # 8-bit palette, no interlace
        self.head = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"PLTE", bytes(c for rgb in palette for c in rgb))
        above = raw[: OG_TITLE_TOP * row]
        self.above = b"\x78\x01" + _deflate(above, 9, zlib.Z_DEFAULT_STRATEGY, last=False)  # zlib header: deflate, 32K window
        self.above_adler = zlib.adler32(above)
        self.below = {}
        for lines in range(OG_TITLE_LINES + 1):
            below = raw[_title_bottom(lines) * row :]
            self.below[lines] = (_deflate(below, 9, zlib.Z_DEFAULT_STRATEGY, last=True), zlib.adler32(below), len(below))

    def draw(self, title: str) -> bytes:
        """Return the PNG card of `title`."""
        lines = _wrap(self.measure, title, self.font, OG_SIZE[0] - 160, OG_TITLE_LINES)
        band = PILImage.new("L", (OG_SIZE[0] + 1, _title_bottom(len(lines)) - OG_TITLE_TOP), 0)
        draw = ImageDraw.Draw(band)
        for number, line in enumerate(lines):
            draw.text((1 + 80, 110 + 84 * number - OG_TITLE_TOP), line, font=self.font, fill=255)
        raw = band.point(self.levels).tobytes()
        below, below_adler, below_length = self.below[len(lines)]
        # Run-length matching only: the band is mostly runs of the background, and it is 3x faster.
        stream = self.above + _deflate(raw, 1, zlib.Z_RLE, last=False) + below
        adler = _adler32_combine(_adler32_combine(self.above_adler, zlib.adler32(raw), len(raw)), below_adler, below_length)
        return self.head + _png_chunk(b"IDAT", stream + struct.pack(">I", adler)) + _png_chunk(b"IEND", b"")


def _title_bottom(lines: int) -> int:
    """Return the row below a title of `lines` lines (each 84 px, from y=110), with room for descenders."""
    return 110 + 84 * lines + 16


@functools.lru_cache(maxsize=4)
def _painter(org_name: str, logo: bytes | None) -> CardPainter:
    return CardPainter(org_name, logo)


def og_card(title: str, org_name: str, logo: bytes | None = None) -> bytes:
    """Draw a 1200x630 Open Graph PNG: the job title large, the organization's name (and logo) below."""
    return _painter(org_name, logo).draw(title)


def draw_cards(titles: list[str], org_name: str, logo: bytes | None) -> Iterator[bytes]:
    """Yield the cards of `titles`, in order: drawn by forked workers when there are many."""
    painter = _painter(org_name, logo)
    return iter(parallel.fork_map(lambda index: painter.draw(titles[index]), len(titles), min_items=OG_POOL_MIN_CARDS + 1))


def og_photo(content: bytes) -> bytes:
    """Crop and scale a picture to 1200x630 for Open Graph."""
    with PILImage.open(io.BytesIO(content)) as source:
        picture = ImageOps.fit(ImageOps.exif_transpose(source).convert("RGB"), OG_SIZE, PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        return out.getvalue()


def _og_file(key: str, ext: str, cache: Path) -> tuple[Path, str]:
    """Return where the Open Graph picture of `key` is cached, and its path in the site."""
    digest = hashlib.sha256(f"{VARIANT_VERSION}\0{key}".encode()).hexdigest()
    return Path(os.path.join(cache, "media", f"og-{digest}.{ext}")), f"media/og-{digest[:16]}.{ext}"  # os.path: 10,000 joins


def _cache_write(path: Path, content: bytes) -> None:
    """Write a cache file whole or not at all: a cut-off card would be reused by every later build."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_bytes(content)
    os.replace(part, path)


def _og_image(key: str, cache: Path, make: Any, ext: str, alt: str) -> tuple[Image, bytes]:
    cached, path = _og_file(key, ext, cache)
    if cached.is_file():
        content = cached.read_bytes()
    else:
        content = make()
        _cache_write(cached, content)
    return Image(url=path, alt=alt, path=path, width=OG_SIZE[0], height=OG_SIZE[1]), content


def og_images(site: Site, stored: dict[str, Stored], cache: Path) -> dict[str, tuple[Image, bytes | Path]]:
    """Return each job's Open Graph picture (key: job key) and the site's own (key: "").

    A job's card shows its title with its hiring organization's name and logo: the site's own, or
    on a job board the job's company.
    """

    def logo_of(org: Organization) -> tuple[bytes | None, str]:
        logo = stored[org.logo.url].content if org.logo and org.logo.url in stored else None
        return logo, hashlib.sha256(logo).hexdigest() if logo else ""

    logos: dict[str, tuple[bytes | None, str]] = {}  # organization id ("" for the site's) -> logo bytes and hash
    result: dict[str, tuple[Image, bytes | Path]] = {}
    cards: dict[tuple[str, str], tuple[Path, str]] = {}  # (organization id, title) -> its card's cache file and site path
    for job in site.jobs:
        org = site.company_of(job)
        if org.id not in logos:
            logos[org.id] = logo_of(org)
        if job.image and job.image.url in stored:
            picture = stored[job.image.url]
            result[job.key] = _og_image(f"photo\0{picture.path}", cache, lambda c=picture.content: og_photo(c), "jpg", job.image.alt)
        elif (org.id, job.title) not in cards:
            key = f"card\0{OG_CARD_VERSION}\0{job.title}\0{org.name}\0{logos[org.id][1]}"
            cards[(org.id, job.title)] = _og_file(key, "png", cache)
    # Missing cards are drawn together per organization (in worker processes when there are many), in job order.
    missing: dict[str, list[str]] = {}
    folder = cache / "media"
    present: set[str] = set()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        present = {entry.name for entry in entries}  # one directory read instead of a stat per card
    for (org_id, title), (cached, _) in cards.items():
        if cached.name not in present:
            missing.setdefault(org_id, []).append(title)
    names = {job_org.id: job_org.name for job_org in [site.organization, *site.companies]}
    for org_id, titles in missing.items():
        for title, card in zip(titles, draw_cards(titles, names.get(org_id, site.organization.name), logos[org_id][0]), strict=True):
            _cache_write(cards[(org_id, title)][0], card)  # while the workers draw the next ones
    for job in site.jobs:
        if job.key not in result:
            org = site.company_of(job)
            cached, path = cards[(org.id, job.title)]
            # The writer copies the card from the cache when the output lacks it: thousands of cards never sit in memory.
            result[job.key] = Image(url=path, alt=f"{job.title} · {org.name}", path=path, width=OG_SIZE[0], height=OG_SIZE[1]), cached
    org = site.organization
    logo, logo_key = logos.get(org.id) or logo_of(org)
    site_card = f"card\0{OG_CARD_VERSION}\0\0{org.name}\0{logo_key}"
    result[""] = _og_image(site_card, cache, lambda: og_card(org.name, "", logo), "png", org.name)
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

    def place_organization(org: Organization) -> Organization:
        return dataclasses.replace(
            org,
            logo=place(org.logo),
            cover=place(org.cover),
            gallery=tuple(i for i in (place(g) for g in org.gallery) if i),
            videos=tuple(dataclasses.replace(v, thumbnail=place(v.thumbnail)) if v.thumbnail else v for v in org.videos),
            offices=tuple(place_office(o) for o in org.offices),
        )

    site.organization = place_organization(site.organization)
    site.companies = [place_organization(c) for c in site.companies]
    site.jobs = [place_job(j) for j in site.jobs]
    site.offices = [place_office(o) for o in site.offices]
    media: dict[str, bytes | Path] = {s.path: s.content for s in stored.values()}
    for s in stored.values():
        media.update({path: content for _, path, content in s.variants})
    site.media = media
    for key, (image, og_content) in og_images(site, stored, config.cache_dir).items():
        site.og_images[key] = image
        site.media[image.path] = og_content  # type: ignore[index]
    return site

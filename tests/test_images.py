"""Images: stored in the site, resized into WebP and fallback copies, cached, shown with <picture>; OG cards."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw

from generator import images
from generator.build import BuildOptions, build_site
from generator.config import load_config


def picture_bytes(size: tuple[int, int], fmt: str = "JPEG", mode: str = "RGB", color: object = (200, 80, 40)) -> bytes:
    out = io.BytesIO()
    PILImage.new(mode, size, color).save(out, fmt)
    return out.getvalue()


def gif_animation() -> bytes:
    frames = [PILImage.new("RGB", (200, 100), color) for color in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


JOB = """\
+++
id = "{id}"
title = "{title}"
date_posted = 2026-10-01
offices = ["paris"]
{extra}
+++
Build things.

## Details

- One
"""


def make_pictured(make_site) -> Path:
    return make_site(
        """\
        [site]
        title = "Careers"
        url = "https://jobs.example.com"
        [organization]
        name = "Acme"
        logo = "content/media/logo.png"
        [[sources]]
        type = "local"
        """,
        {
            "content/offices.toml": '[[offices]]\nid = "paris"\nname = "Paris"\ncountry = "FR"\nimage = "media/office.jpg"\nimage_alt = "The Paris office"\n',
            "content/media/logo.png": picture_bytes((200, 200), "PNG", "RGBA", (0, 0, 0, 0)),
            "content/media/team.jpg": picture_bytes((1000, 500)),
            "content/media/office.jpg": picture_bytes((700, 400), color=(20, 120, 90)),
            "content/jobs/a.md": JOB.format(id="A", title="Pictured job", extra='image = "media/team.jpg"\nimage_alt = "The team at work"'),
            "content/jobs/b.md": JOB.format(id="B", title="Plain job", extra=""),
        },
    )


def build(root: Path) -> Path:
    build_site(load_config(root / "careers.toml"), BuildOptions(output=root / "public", env={}))
    return root / "public"


def size_of(path: Path) -> tuple[int, int]:
    with PILImage.open(path) as picture:
        return picture.size


def test_images_are_resized_into_webp_and_their_own_format(make_site):
    out = build(make_pictured(make_site))
    media = sorted(p.name for p in (out / "media").iterdir() if not p.name.startswith("og-"))
    team = next(p.stem for p in (out / "media").glob("*.jpg") if size_of(p) == (1000, 500))
    widths = [w for w in images.WIDTHS if w < 1000]
    assert [f"{team}-{w}.webp" for w in [*widths, 1000]] == sorted(
        (n for n in media if n.startswith(team) and n.endswith(".webp")), key=lambda n: int(n.split("-")[1][:-5])
    )
    assert {f"{team}-{w}.jpg" for w in widths} <= set(media)
    for w in widths:
        assert size_of(out / "media" / f"{team}-{w}.webp") == (w, round(500 * w / 1000))
    with PILImage.open(out / "media" / f"{team}-320.webp") as copy:
        assert copy.format == "WEBP"
    logo = next(p.stem for p in (out / "media").glob("*.png") if "-" not in p.stem and size_of(p) == (200, 200))
    with PILImage.open(out / "media" / f"{logo}-96.png") as copy:
        assert copy.mode == "RGBA"  # transparency kept in the fallback


def test_pages_use_picture_with_sizes_alt_and_lazy_loading_below_the_fold(make_site):
    out = build(make_pictured(make_site))
    html = (out / "jobs/pictured-job-a/index.html").read_text(encoding="utf-8")
    job_picture = re.search(r'<picture><source type="image/webp" srcset="([^"]+)" sizes="[^"]+"><img ([^>]+class="job-image"[^>]*)>', html)
    assert job_picture, html
    assert "-320.webp 320w" in job_picture.group(1)
    attrs = job_picture.group(2)
    assert 'alt="The team at work"' in attrs and 'width="1000" height="500"' in attrs
    assert 'loading="lazy"' not in attrs and 'fetchpriority="high"' in attrs  # the largest paint is not lazy
    office = re.search(r'<img [^>]*alt="The Paris office"[^>]*>', html).group(0)
    assert 'loading="lazy"' in office and 'width="700" height="400"' in office
    logo = re.search(r'<img [^>]*class="brand-logo"[^>]*>', html).group(0)
    assert 'alt=""' in logo and 'sizes="40px"' in logo and 'loading="lazy"' not in logo


def test_every_job_has_a_1200x630_open_graph_picture(make_site):
    out = build(make_pictured(make_site))
    for slug, kind in (("pictured-job-a", "jpg"), ("plain-job-b", "png")):
        html = (out / f"jobs/{slug}/index.html").read_text(encoding="utf-8")
        url = re.search(r'<meta property="og:image" content="https://jobs.example.com/(media/og-[0-9a-f]+\.(\w+))">', html)
        assert url and url.group(2) == kind
        assert size_of(out / url.group(1)) == (1200, 630)
        assert '<meta property="og:image:width" content="1200">' in html and '<meta name="twitter:card" content="summary_large_image">' in html
    index = (out / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<meta property="og:image" content="https://jobs.example.com/media/og-[0-9a-f]+\.png">', index)


def test_resized_copies_are_not_recomputed_when_the_source_did_not_change(make_site, monkeypatch):
    root = make_pictured(make_site)
    calls: list[tuple[int, str]] = []
    real = images.resize

    def counting(content: bytes, width: int, fmt: str) -> bytes:
        calls.append((width, fmt))
        return real(content, width, fmt)

    monkeypatch.setattr(images, "resize", counting)
    build(root)
    assert calls
    first = len(calls)
    calls.clear()
    build(root)
    assert calls == []  # everything came from <cache>/media
    (root / "content/media/office.jpg").write_bytes(picture_bytes((700, 400), color=(1, 2, 3)))
    build(root)
    office_copies = len([w for w in images.WIDTHS if w < 700]) * 2 + 1  # webp and jpg below 700, webp at 700
    assert len(calls) == office_copies < first


def test_an_animated_gif_is_kept_as_it_is(tmp_path):
    stored = images._store(gif_animation(), tmp_path)
    assert stored.path.endswith(".gif") and stored.variants == ()
    assert (stored.width, stored.height) == (200, 100)


def test_a_small_image_gets_no_upscaled_copy(tmp_path):
    stored = images._store(picture_bytes((120, 60)), tmp_path)
    assert [(w, p.rsplit(".", 1)[1]) for w, p, _ in stored.variants] == [(96, "webp"), (96, "jpg"), (120, "webp"), (120, "jpg")]
    assert stored.variants[-1][1] == stored.path  # the original is the largest fallback


def test_a_file_that_is_not_an_image_is_skipped_with_a_warning(make_site):
    root = make_pictured(make_site)
    (root / "content/media/team.jpg").write_bytes(b"not a picture")
    report = build_site(load_config(root / "careers.toml"), BuildOptions(output=root / "public", env={}))
    (warning,) = [w for w in report.warnings if "team.jpg" in w]
    assert warning.startswith(f"image {root / 'content/media/team.jpg'} skipped: cannot identify image file")
    html = (root / "public/jobs/pictured-job-a/index.html").read_text(encoding="utf-8")
    assert "job-image" not in html
    og = re.search(r'og:image" content="https://jobs.example.com/media/og-[0-9a-f]+\.(\w+)"', html)
    assert og and og.group(1) == "png"  # the generated card instead of the missing picture


BACKGROUND = (0x1F, 0x4F, 0xD1)
LONG_TITLE = "A very long job title " * 12


def open_card(card: bytes) -> PILImage.Image:
    picture = PILImage.open(io.BytesIO(card))
    picture.load()
    return picture.convert("RGB")


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Return a PNG's (type, data) chunks, checking each CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length : at + 12 + length])[0] == zlib.crc32(kind + body)
        chunks.append((kind, body))
        at += 12 + length
    return chunks


def rows_with_ink(picture: PILImage.Image, box: tuple[int, int, int, int]) -> list[int]:
    """Return the rows of `box` where some pixel is not the background."""
    left, top, right, bottom = box
    return [y for y in range(top, bottom) if any(picture.getpixel((x, y)) != BACKGROUND for x in range(left, right, 2))]


def test_og_card_is_a_valid_1200x630_palette_png_whose_stream_checks_out():
    card = images.og_card("Backend Engineer", "Acme", picture_bytes((200, 200), "PNG"))
    with PILImage.open(io.BytesIO(card)) as picture:
        picture.verify()
    with PILImage.open(io.BytesIO(card)) as picture:
        assert picture.size == images.OG_SIZE and picture.format == "PNG" and picture.mode == "P"
    chunks = png_chunks(card)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    assert len(chunks[1][1]) // 3 <= 256
    rows = zlib.decompress(chunks[2][1])  # raises when the joined pieces or their Adler-32 are wrong
    assert len(rows) == 630 * 1201 and all(rows[y * 1201] == 0 for y in range(630))  # filter byte "none" on every row


def test_og_card_bytes_are_the_same_every_time():
    logo = picture_bytes((200, 200), "PNG", "RGBA", (200, 30, 30, 255))
    first = images.og_card("Data Analyst", "Acme", logo)
    images._painter.cache_clear()  # a painter prepared afresh, as in the next build
    assert images.og_card("Data Analyst", "Acme", logo) == first
    assert images.og_card("Data Analyst", "Acme", None) != first


def test_og_card_looks_like_the_title_drawn_straight_onto_the_card():
    # The reference: the card drawn in RGB with Pillow, as before issue 9. The palette card may
    # only differ by the rounding of its 32 blend levels.
    reference = PILImage.new("RGB", images.OG_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(reference)
    draw.rectangle((0, 630 - 24, 1200, 630), fill=images.OG_STRIPE)
    font = images._font(68)
    for number, line in enumerate(images._wrap(draw, "Senior Site Reliability Engineer, Platform", font, 1040, 3)):
        draw.text((80, 110 + 84 * number), line, font=font, fill="#ffffff")
    draw.text((80, 480), "Acme Robotics", font=images._font(44), fill="#ffffff")
    card = open_card(images.og_card("Senior Site Reliability Engineer, Platform", "Acme Robotics"))
    difference = ImageChops.difference(card, reference)
    assert max(high for _, high in difference.getextrema()) <= 5
    assert ImageChops.difference(card.crop((0, 606, 1200, 630)), reference.crop((0, 606, 1200, 630))).getbbox() is None


def test_og_card_text_is_antialiased():
    card = open_card(images.og_card("Backend Engineer", "Acme"))
    band = card.crop((0, images.OG_TITLE_TOP, 1200, images._title_bottom(1)))
    shades = {colour for _, colour in band.getcolors(maxcolors=4096)}
    assert len(shades) >= 16  # the blend from background to white, not two colours
    assert BACKGROUND in shades and (255, 255, 255) in shades


def test_long_titles_wrap_to_three_lines_ending_with_an_ellipsis():
    draw = ImageDraw.Draw(PILImage.new("L", (1, 1)))
    font = images._font(68)
    lines = images._wrap(draw, LONG_TITLE, font, 1040, 3)
    assert len(lines) == 3 and lines[-1].endswith("…") and not lines[0].endswith("…")
    assert all(draw.textlength(line, font=font) <= 1040 for line in lines)
    assert images._wrap(draw, "Backend Engineer", font, 1040, 3) == ["Backend Engineer"]
    one, three = (open_card(images.og_card(title, "Acme")) for title in ("Backend Engineer", LONG_TITLE))
    title_area = (80, images.OG_TITLE_TOP, 1120, 440)
    assert max(rows_with_ink(one, title_area)) < 110 + 84
    assert 110 + 2 * 84 < max(rows_with_ink(three, title_area)) < images._title_bottom(3)


def test_the_logo_is_drawn_at_the_bottom_left():
    logo = picture_bytes((300, 150), "PNG", "RGBA", (230, 60, 40, 255))
    with_logo, without = (open_card(images.og_card("Backend Engineer", "Acme", bytes_)) for bytes_ in (logo, None))
    centre = with_logo.getpixel((136, 506))
    assert max(abs(a - b) for a, b in zip(centre, (230, 60, 40), strict=True)) <= 8
    assert with_logo.getpixel((84, 454)) == (255, 255, 255)  # the white backdrop around a wide logo
    assert without.crop((80, 450, 192, 470)).getcolors() == [(112 * 20, BACKGROUND)]
    assert rows_with_ink(with_logo, (216, 470, 400, 600)) and rows_with_ink(without, (80, 470, 400, 600))  # the name moves right of the logo


def test_right_to_left_and_cjk_titles_are_drawn():
    for title in ("מפתח/ת Full Stack בכיר/ה", "高级软件工程师 后端", "مهندس برمجيات أول", ""):
        card = open_card(images.og_card(title, "אקמה"))
        assert card.size == images.OG_SIZE
        assert bool(rows_with_ink(card, (80, images.OG_TITLE_TOP, 1120, 440))) == bool(title)


def test_adler32_of_joined_pieces_is_combined_from_each_piece():
    pieces = [b"", b"a", bytes(range(256)) * 300, b"\xff" * 70_000]
    for first in pieces:
        for second in pieces:
            assert images._adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == zlib.adler32(first + second)


def test_cards_are_drawn_once_then_read_from_the_cache(make_site, monkeypatch):
    root = make_pictured(make_site)
    (root / "content/jobs/c.md").write_text(JOB.format(id="C", title="Plain job", extra=""), encoding="utf-8")
    drawn: list[str] = []
    real = images.CardPainter.draw

    def counting(painter: images.CardPainter, title: str) -> bytes:
        drawn.append(title)
        return real(painter, title)

    monkeypatch.setattr(images.CardPainter, "draw", counting)
    out = build(root)
    assert sorted(drawn) == ["Acme", "Plain job"]  # the site's card, and one for the two jobs of the same title
    first = {p.name: p.read_bytes() for p in (out / "media").glob("og-*.png")}
    drawn.clear()
    build(root)
    assert drawn == []
    assert {p.name: p.read_bytes() for p in (out / "media").glob("og-*.png")} == first
    (root / "content/jobs/c.md").write_text(JOB.format(id="C", title="Other job", extra=""), encoding="utf-8")
    build(root)
    assert drawn == ["Other job"]


def test_many_missing_cards_are_drawn_by_worker_processes_in_order(monkeypatch):
    if not images.parallel.can_fork(images.parallel.worker_count()):
        # Other tests' servers run threads in this process, so the pool is not used here: run
        # this test alone in a fresh interpreter, where it is (unless the machine cannot fork).
        if os.environ.get("CAREERS_POOL_TEST_ALONE"):
            pytest.skip("cards are drawn in-process here (no fork, or a single CPU)")
        test = f"{Path(__file__)}::test_many_missing_cards_are_drawn_by_worker_processes_in_order"
        alone = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
            env={**os.environ, "CAREERS_POOL_TEST_ALONE": "1"},
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        if "1 skipped" in alone.stdout:
            pytest.skip("cards are drawn in-process on this machine (no fork, or a single CPU)")
        assert alone.returncode == 0 and "1 passed" in alone.stdout, alone.stdout + alone.stderr
        return
    forked: list[bool] = []
    real = images.parallel.fork_map

    def counting(*args, **kwargs):
        result = real(*args, **kwargs)
        forked.append(result.forked)
        return result

    monkeypatch.setattr(images.parallel, "fork_map", counting)
    monkeypatch.setattr(images, "OG_POOL_MIN_CARDS", 2)
    titles = [f"Engineer {n}" for n in range(5)]
    logo = picture_bytes((200, 200), "PNG")
    cards = list(images.draw_cards(titles, "Acme", logo))
    assert forked == [True]
    assert cards == [images.og_card(title, "Acme", logo) for title in titles]


def test_the_cover_leads_the_home_page_and_the_gallery_is_lazy(make_site):
    from generator.model import Image, Organization, Site
    from generator.render import render_site

    root = make_pictured(make_site)
    cover = Image(
        url="c.jpg", alt="Our Paris office", path="media/c.jpg", width=1920, height=800, variants=((960, "media/c-960.webp"), (1920, "media/c.jpg"))
    )
    gallery = tuple(Image(url=f"g{i}.jpg", alt=f"Team day {i}", path=f"media/g{i}.jpg", width=800, height=600) for i in (1, 2))
    site = Site(organization=Organization(name="Acme", cover=cover, gallery=gallery))
    html = render_site(load_config(root / "careers.toml"), site)["index.html"].decode()
    hero = re.search(r'<img [^>]*class="hero-cover"[^>]*>', html).group(0)
    assert 'srcset="/media/c.jpg 1920w"' in hero and 'fetchpriority="high"' in hero and "loading" not in hero
    assert '<source type="image/webp" srcset="/media/c-960.webp 960w" sizes="100vw">' in html
    for i in (1, 2):
        assert re.search(rf'<img src="/media/g{i}.jpg" alt="Team day {i}" width="800" height="600" loading="lazy" decoding="async">', html)
    assert "Life at Acme" in html
    assert '<meta property="og:image" content="https://jobs.example.com/media/c.jpg">' in html  # the cover, for sharing

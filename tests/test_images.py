"""Images: stored in the site, resized into WebP and fallback copies, cached, shown with <picture>; OG cards."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image as PILImage

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


def test_og_card_wraps_long_titles_and_keeps_its_size():
    card = images.og_card("A very long job title " * 12, "Acme", None)
    with PILImage.open(io.BytesIO(card)) as picture:
        assert picture.size == images.OG_SIZE and picture.format == "PNG"


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

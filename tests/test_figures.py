"""Figures: images processed at build time (widths, modern formats, their size written), alt text
required, captions with credit and licence in each script, processed once; and in a browser, the
figure takes its place before it loads, on a phone and a desktop."""

from __future__ import annotations

import io
import re
import shutil
import textwrap
import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import PREFIX, ROOT, MiniSite, SubpathHandler, open_page
from PIL import Image, ImageDraw
from playwright.sync_api import Browser

from docsite import pipeline
from docsite.incremental.buildcache import BuildCache

BASE = "https://example.org/treaty-1950/"
PHOTO = (1100, 700)
FIGURE = """::: figure
![周恩来在签字仪式上](photo.jpg)
1950年2月14日，周恩来在克里姆林宫签字。

:credit: 新华社
:licence: 公有领域
:::
"""


def photo(size: tuple[int, int] = PHOTO, seed: int = 0) -> bytes:
    """A photograph-like JPEG: gradients and lines, which the modern formats compress better."""
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 4):
        draw.line((x, 0, size[0] - x, size[1]), fill=((x + seed) % 256, (x * 3) % 256, 120), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def drawing(path: Path, size: tuple[int, int] = (500, 300)) -> None:
    """A drawing: flat colours, as a PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, (250, 250, 245))
    ImageDraw.Draw(image).rectangle((50, 50, 300, 200), fill=(170, 30, 30))
    image.save(path)


def figure_page(mini: MiniSite, body: str = FIGURE) -> None:
    mini.write("people/zhou-enlai.md", f"---\ntitle: 周恩来\n---\n## 生平\n\n{body}")
    mini.write("people/photo.jpg", photo())


def srcset(element: Tag) -> list[tuple[str, int]]:
    return [(url, int(width[:-1])) for url, width in (item.split() for item in str(element["srcset"]).split(", "))]


def output_file(mini: MiniSite, variant: str, url: str) -> Path:
    """The file of the output a URL of the page leads to, served under BASE."""
    absolute = urljoin(f"{BASE}{variant}/people/zhou-enlai/", url)
    assert absolute.startswith(BASE), url
    return mini.root / "_site" / absolute.removeprefix(BASE)


def test_a_figure_is_published_at_each_width_with_its_size(mini: MiniSite) -> None:
    figure_page(mini)
    result = mini.build("--base-url", BASE)
    assert result.returncode == 0, result.stderr
    for variant in ("zh-hans", "zh-hant"):
        figure = mini.page(variant, "people/zhou-enlai").select_one(".body figure")
        img = figure.select_one("picture > img")
        assert (img["width"], img["height"]) == (str(PHOTO[0]), str(PHOTO[1]))
        assert (img["loading"], img["decoding"]) == ("lazy", "async")
        fallback = srcset(img)
        assert [width for _, width in fallback] == [320, 640, 960, 1100]  # narrower than the original, and itself
        assert img["src"] == fallback[-1][0]
        total = {}
        for element, kind in [*((s, s["type"]) for s in figure.select("picture > source")), (img, "image/jpeg")]:
            assert element["sizes"] == "min(650px, 100vw)"
            files = [(output_file(mini, variant, url), width) for url, width in srcset(element)]
            for path, width in files:
                with Image.open(path) as published:
                    assert published.size == (width, round(PHOTO[1] * width / PHOTO[0]))
                    assert Image.MIME[published.format] == kind
            total[kind] = sum(path.stat().st_size for path, _ in files)
        modern = [kind for kind in total if kind != "image/jpeg"]
        assert "image/webp" in modern
        assert all(total[kind] < total["image/jpeg"] for kind in modern)
        assert not re.search(r"[^./\w-]", img["src"]) and not img["src"].startswith("/")  # subpath-safe


def test_the_caption_credit_and_licence_are_in_each_script(mini: MiniSite) -> None:
    figure_page(mini)
    assert mini.build().returncode == 0
    expected = {"zh-hans": ("周恩来在签字仪式上", "1950年2月14日，周恩来在克里姆林宫签字。", "图片来源：新华社",
                            "许可：公有领域"),
                "zh-hant": ("周恩來在簽字儀式上", "1950年2月14日，周恩來在克里姆林宮簽字。", "圖片來源：新華社",
                            "許可：公有領域")}
    for variant, (alt, caption, credit, licence) in expected.items():
        figure = mini.page(variant, "people/zhou-enlai").select_one(".body figure")
        assert figure.img["alt"] == alt
        lines = [p.get_text() for p in figure.select("figcaption > p")]
        assert lines == [caption, credit, licence]
        assert figure.select_one("figcaption .figure-credit .figure-label").get_text() == credit[:-3]


def test_a_drawing_in_static_shown_from_the_content_root(mini: MiniSite) -> None:
    drawing(mini.root / "static" / "images" / "map.png")
    mini.write("topics/map.md", "---\ntitle: 地图\n---\n文字![满洲里的位置](/static/images/map.png)文字\n")
    result = mini.build("--base-url", BASE)
    assert result.returncode == 0, result.stderr
    img = mini.page("zh-hans", "topics/map").select_one(".body p img")
    assert (img["width"], img["height"], img["alt"]) == ("500", "300", "满洲里的位置")
    assert [width for _, width in srcset(img)] == [320, 500]
    src = urljoin(f"{BASE}zh-hans/topics/map/", img["src"])
    assert src.startswith(BASE + "static/figures/map.")
    original = (mini.root / "static/images/map.png").read_bytes()
    assert (mini.root / "_site" / src.removeprefix(BASE)).read_bytes() == original  # at its own width, as it is


def test_the_guides_example_is_a_figure(mini: MiniSite) -> None:
    guide = (ROOT / "docs" / "editing.md").read_text(encoding="utf-8")
    example = re.search(r"\n\n((?:(?:    .*)?\n)+)", guide[guide.index("A figure is an image"):])
    assert example and "::: figure" in example.group(1)
    mini.write("people/zhou-enlai.md", f"---\ntitle: 周恩来\n---\n{textwrap.dedent(example.group(1))}")
    mini.write("people/signing.jpg", photo())
    result = mini.build()
    assert result.returncode == 0, result.stderr
    figure = mini.page("zh-hant", "people/zhou-enlai").select_one(".body figure")
    assert figure.img["alt"] == "1950年2月14日，周恩來在簽字儀式上"
    assert [p.get_text() for p in figure.select("figcaption > p")][1:] == ["圖片來源：新華社", "許可：公有領域"]


@pytest.mark.parametrize(("body", "line"), [("文字\n\n![](photo.jpg)\n", "8:5"), ("![ ](photo.jpg \"标题\")\n", "6:6")])
def test_an_image_without_alt_text_is_an_error(mini: MiniSite, body: str, line: str) -> None:
    figure_page(mini, body)
    result = mini.build("check")
    assert result.returncode == 1
    assert f"content/people/zhou-enlai.md:{line}: error: this image has no alt text" in result.stderr, result.stderr
    assert "{.decorative}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_decorative_image_has_an_empty_alt(mini: MiniSite) -> None:
    figure_page(mini, "![](photo.jpg){.decorative}\n")
    result = mini.build()
    assert result.returncode == 0, result.stderr
    img = mini.page("zh-hans", "people/zhou-enlai").select_one(".body img")
    assert img["alt"] == ""
    assert not img.has_attr("class")


@pytest.mark.parametrize(("body", "message"), [
    ("::: figure\n周恩来签字。\n:::\n", "a figure starts with its image, on a line of its own"),
    ("::: figure\n文字![周恩来](photo.jpg)\n:::\n", "a figure starts with its image, on a line of its own"),
    ("::: figure\n![周恩来](photo.jpg)\n\n:author: 新华社\n:::\n", "a figure has no field 'author'"),
])
def test_a_figure_made_wrong_is_an_error_at_its_line(mini: MiniSite, body: str, message: str) -> None:
    figure_page(mini, "文字\n\n" + body)
    result = mini.build("check")
    assert result.returncode == 1
    assert f"content/people/zhou-enlai.md:8:1: error: {message}" in result.stderr, result.stderr
    assert ":credit:" in result.stderr  # the hint shows a figure as it is written


def test_an_image_that_cannot_be_read_is_an_error(mini: MiniSite) -> None:
    mini.write("people/zhou-enlai.md", "---\ntitle: 周恩来\n---\n![周恩来](photo.png)\n")
    mini.write("people/photo.png", b"not an image")
    result = mini.build("check")
    assert result.returncode == 1
    assert ("content/people/zhou-enlai.md:4:8: error: content/people/photo.png cannot be read as an image: "
            "its bytes are of no image format") in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_an_image_deleted_after_a_build_is_a_missing_file_as_from_nothing(mini: MiniSite) -> None:
    """The last build loaded the page with its image there: the next reads it again, says the image
    is missing as a build from nothing does, at the line that shows it, and leaves the site as it was."""
    mini.write("people/zhou-enlai.md", "---\ntitle: 周恩来\n---\n周恩来。\n\n![周恩来](照片.jpg)\n")
    mini.write("people/照片.jpg", photo())
    assert mini.build().returncode == 0
    before = (mini.root / "_site/zh-hans/people/zhou-enlai/index.html").read_bytes()
    (mini.root / "content/people/照片.jpg").unlink()
    after_build = mini.build()
    shutil.rmtree(mini.root / ".cache")
    from_nothing = mini.build()
    expected = ["content/people/zhou-enlai.md:6:8: error: no file content/people/照片.jpg (from '照片.jpg')",
                "  hint: the path is relative to this file, or starts with /static/ for static/",
                "build failed: 1 error, 0 warnings; nothing was written"]
    assert after_build.returncode == from_nothing.returncode == 1
    assert after_build.stderr.splitlines() == from_nothing.stderr.splitlines() == expected
    assert (mini.root / "_site/zh-hans/people/zhou-enlai/index.html").read_bytes() == before


def test_images_are_processed_once(mini: MiniSite) -> None:
    """A build after the first takes the images from .cache/images/ (opening none) and publishes the
    same files; an image changed is processed again, under a new name."""
    figure_page(mini)
    first = pipeline.build(mini.root, cache=BuildCache(stored=True))
    assert first.ok and first.work.images == ["content/people/photo.jpg"]
    again = pipeline.build(mini.root, cache=BuildCache(stored=True))
    assert again.ok and again.work.images == []
    assert dict(again.files) == dict(first.files)
    mini.write("people/photo.jpg", photo(seed=7))
    changed = pipeline.build(mini.root, cache=BuildCache(stored=True))
    assert changed.work.images == ["content/people/photo.jpg"]
    before = {path for path in first.files if path.startswith("static/figures/")}
    after = {path for path in changed.files if path.startswith("static/figures/")}
    assert before and after and not before & after


# -- in a browser ------------------------------------------------------------------------------


@pytest.fixture
def served(mini: MiniSite) -> Iterator[str]:
    """The figure's page built and served under PREFIX, with text above it so that it starts below the screen."""
    figure_page(mini, "".join(f"第{n}段，条约签订前后的经过。\n\n" for n in range(150)) + FIGURE)
    assert mini.build().returncode == 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SubpathHandler, directory=str(mini.root / "_site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}{PREFIX}zh-hans/people/zhou-enlai/"
    server.shutdown()
    server.server_close()


LOADED = "() => performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/figures/'))"
LAYOUT_SHIFT = """() => new Promise(done => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) total += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(total), 300);
})"""


@pytest.mark.parametrize(("viewport", "expected_width", "loads"), [
    ({"width": 390, "height": 844}, 390 - 32, 640),  # a phone: the text's width; the 640 px file serves
    ({"width": 1280, "height": 900}, 650, 960),  # a desktop: the column's
])
def test_the_figure_keeps_its_place_before_it_loads(browser: Browser, served: str, viewport: dict[str, int],
                                                    expected_width: int, loads: int) -> None:
    box = "() => { const r = document.querySelector('figure img').getBoundingClientRect(); " \
          "return [r.width, r.height]; }"
    page = open_page(browser, served, viewport=viewport)
    try:
        width, height = page.evaluate(box)
        assert abs(width - expected_width) <= 40, width
        assert abs(height - width * PHOTO[1] / PHOTO[0]) < 1  # its space, before a byte of it has loaded
        assert page.evaluate(LOADED) == []  # lazy: far below the screen, not asked for yet
        page.locator("figure img").scroll_into_view_if_needed()
        page.wait_for_function("() => { const i = document.querySelector('figure img'); "
                               "return i.complete && i.naturalWidth > 0; }")
        loaded = page.evaluate(box)  # the same box (a file's height is rounded to whole pixels)
        assert loaded[0] == width and abs(loaded[1] - height) < 0.5, (loaded, width, height)
        assert page.evaluate(LAYOUT_SHIFT) == 0
        current = page.evaluate("() => document.querySelector('figure img').currentSrc")
        assert re.search(rf"-{loads}\.(avif|webp)$", current), current
    finally:
        page.context.close()


def test_a_figure_holds_the_image_then_its_caption(mini: MiniSite) -> None:
    figure_page(mini)
    assert mini.build().returncode == 0
    page: BeautifulSoup = mini.page("zh-hans", "people/zhou-enlai")
    assert [child.name for child in page.select_one(".body figure").find_all(recursive=False)] == ["picture",
                                                                                                  "figcaption"]

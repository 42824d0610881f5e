"""The screenshots shown in the README, taken in Debian's Chromium from a fresh build.

    .venv/bin/python docs/screenshots/take.py

Builds the site into a temporary folder, opens its pages from disk, and writes PNGs beside this
script: a desktop and a phone, in each script, light and dark.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from docsite.pipeline import build
from docsite.stages.write import Staging

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _preview(page: Page) -> None:
    """Point at the first link to a person in the text, and wait for its preview."""
    page.hover(".body a[href*='people/']")
    page.wait_for_selector("#preview:not([hidden])")


def _focused_mark(page: Page) -> None:
    """Walk the overview's marks with the keyboard to the third one, whose label shows."""
    page.focus(".overview [tabindex='0']")
    for _ in range(2):
        page.keyboard.press("ArrowRight")


#: name -> (page, screen, colour scheme, what a reader does first)
SHOTS: dict[str, tuple[str, dict[str, Any], str, Callable[[Page], None] | None]] = {
    "desktop-zh-hans": ("zh-hans/treaty/", DESKTOP, "light", None),
    "desktop-zh-hant": ("zh-hant/timeline/", DESKTOP, "light", None),
    "desktop-zh-hant-dark": ("zh-hant/people/zhou-enlai/", DESKTOP, "dark", None),
    "desktop-zh-hant-named-timeline": ("zh-hant/timelines/treaty-life/", DESKTOP, "light", _focused_mark),
    "desktop-zh-hans-zoomed": ("zh-hans/timeline/?zoom=1950-1960", DESKTOP, "light", None),
    "desktop-zh-hans-preview": ("zh-hans/treaty/", DESKTOP, "light", _preview),
    "desktop-zh-hant-map": ("zh-hant/map/", DESKTOP, "light", None),
    "mobile-zh-hans": ("zh-hans/treaty/article-1/", PHONE, "light", None),
    "mobile-zh-hant": ("zh-hant/events/treaty-signed/", PHONE, "light", None),
    "mobile-zh-hans-dark": ("zh-hans/timeline/", PHONE, "dark", None),
    "mobile-zh-hant-place": ("zh-hant/places/harbin/", PHONE, "light", None),
    "mobile-zh-hans-named-timeline": ("zh-hans/timelines/relations/", PHONE, "light", None),
}


def main() -> None:
    chromium = shutil.which("chromium")
    assert chromium, "chromium is not installed (apt-get install chromium)"
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        with Staging(Path(folder)) as staging:
            assert build(ROOT, output=staging).ok, "the content has errors: run build.py check"
            staging.commit()
        browser = playwright.chromium.launch(executable_path=chromium)
        for name, (path, screen, scheme, action) in SHOTS.items():
            context = browser.new_context(color_scheme=scheme, **screen)
            page = context.new_page()
            folder_path, _, query = path.partition("?")
            page.goto((Path(folder) / folder_path / "index.html").as_uri() + (f"?{query}" if query else ""))
            page.wait_for_load_state("load")
            if action is not None:
                action(page)
            page.screenshot(path=HERE / f"{name}.png")
            context.close()
            print(f"docs/screenshots/{name}.png")
        browser.close()


if __name__ == "__main__":
    main()

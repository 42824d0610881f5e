"""The screenshots shown in the README, taken in Debian's Chromium from a fresh build.

    .venv/bin/python docs/screenshots/take.py

Builds the site into a temporary folder, opens its pages from disk, and writes PNGs beside this
script: a desktop and a phone, in each script, light and dark.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from docsite.pipeline import build
from docsite.stages.write import Staging

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
#: name -> (page, screen, colour scheme)
SHOTS = {
    "desktop-zh-hans": ("zh-hans/treaty/", DESKTOP, "light"),
    "desktop-zh-hant": ("zh-hant/timeline/", DESKTOP, "light"),
    "desktop-zh-hant-dark": ("zh-hant/people/zhou-enlai/", DESKTOP, "dark"),
    "mobile-zh-hans": ("zh-hans/treaty/article-1/", PHONE, "light"),
    "mobile-zh-hant": ("zh-hant/events/treaty-signed/", PHONE, "light"),
    "mobile-zh-hans-dark": ("zh-hans/timeline/", PHONE, "dark"),
}


def main() -> None:
    chromium = shutil.which("chromium")
    assert chromium, "chromium is not installed (apt-get install chromium)"
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        with Staging(Path(folder)) as staging:
            assert build(ROOT, output=staging).ok, "the content has errors: run build.py check"
            staging.commit()
        browser = playwright.chromium.launch(executable_path=chromium)
        for name, (path, screen, scheme) in SHOTS.items():
            context = browser.new_context(color_scheme=scheme, **screen)
            page = context.new_page()
            page.goto((Path(folder) / path / "index.html").as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=HERE / f"{name}.png")
            context.close()
            print(f"docs/screenshots/{name}.png")
        browser.close()


if __name__ == "__main__":
    main()

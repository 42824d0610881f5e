"""What a build imports: only what the site in hand needs. Pillow for images, shapely and numpy for
maps, tqdm for progress bars on a terminal, and the preview server's and the browser's libraries
cost a build's start (a tenth to a third of a second each) when nothing calls for them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import MiniSite

#: Libraries a build of a site without images or maps, its output captured, has no use for.
UNNEEDED = ("PIL", "shapely", "numpy", "tqdm", "livereload", "tornado", "watchdog", "playwright")

#: Runs the command line (what build.py runs, which then ends its process at once: see
#: cli.console) with the arguments given, then writes the names of the modules it imported.
BUILD = """
import json, sys
from docsite.cli import main
modules, *arguments = sys.argv[1:]
code = main(arguments)
with open(modules, "w", encoding="utf-8") as listing:
    json.dump(sorted(sys.modules), listing)
sys.exit(code)
"""


def _imported(site: MiniSite, tmp_path: Path) -> set[str]:
    """The top-level packages a build of ``site`` (in one process) imported."""
    listing = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", BUILD, str(listing),
                           "--root", str(site.root), "--jobs", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {name.partition(".")[0] for name in json.loads(listing.read_text(encoding="utf-8"))}


def test_a_build_imports_no_library_the_site_does_not_need(mini: MiniSite, tmp_path: Path) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\nsummary: 外交官\n---\n甲认识[[people/b]]。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙的生平。\n")
    mini.write("places/moscow.md", "---\ntitle: 莫斯科\n---\n莫斯科。\n")
    cold = _imported(mini, tmp_path)
    assert {"jinja2", "markdown_it", "docsite"} <= cold  # the listing is a build's
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙的生平，后来去了莫斯科。\n")
    edited = _imported(mini, tmp_path)
    assert (mini.root / "_site/zh-hans/people/b/index.html").read_text(encoding="utf-8").count("后来去了莫斯科")
    assert [name for name in UNNEEDED if name in cold | edited] == []


#: What a build imports to make pages, of which a site found up to date needs none.
BUILDING = ("jinja2", "markdown_it", "mdit_py_plugins", "opencc", "pypinyin", "edtf", "yaml", "sqlite3")


def test_a_site_found_up_to_date_loads_nothing_of_the_build(mini: MiniSite, tmp_path: Path) -> None:
    """A build that finds nothing changed compares signatures and prints: it costs that walk, not
    the build's start (half a second to a second of imports)."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平。\n")
    assert {"jinja2", "markdown_it"} <= _imported(mini, tmp_path)
    again = _imported(mini, tmp_path)
    assert [name for name in BUILDING + UNNEEDED if name in again] == []
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲的生平，后来去了莫斯科。\n")
    assert {"jinja2", "markdown_it"} <= _imported(mini, tmp_path)  # a change builds

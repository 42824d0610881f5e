"""Shared fixtures: the real site built once, and throwaway sites for bad-input tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from docsite.pipeline import build
from docsite.write import write_site

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run build.py as an editor would, from the site's folder."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped site, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("site") / "_site"
    result = build(ROOT)
    assert result.ok, "\n".join(d.format() for d in result.diagnostics.items)
    write_site(out, result.files)
    return out


class MiniSite:
    """A small site with the project's site.yaml and templates, and content written by a test."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copy(ROOT / "site.yaml", root / "site.yaml")
        shutil.copytree(ROOT / "templates", root / "templates")
        shutil.copytree(ROOT / "static", root / "static")
        self.write("index.md", "---\ntitle: 首页\n---\n欢迎。\n")
        self.write("sources.yaml", "shen1999:\n  type: book\n  author: 沈志华\n  title: 中苏同盟与朝鲜战争研究\n"
                   "  place: 桂林\n  publisher: 广西师范大学出版社\n  year: 1999\n")

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def build(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, cwd=self.root)

    def page(self, variant: str, pid: str) -> BeautifulSoup:
        folder = self.root / "_site" / variant
        return soup(folder / ("index.html" if pid == "index" else f"{pid}/index.html"))


@pytest.fixture
def mini(tmp_path: Path) -> MiniSite:
    return MiniSite(tmp_path)

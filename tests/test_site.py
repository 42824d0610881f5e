"""The shipped treaty site: every page in both scripts, linked, and converted correctly."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import opencc
import pytest
from conftest import ROOT, run_cli, soup

from docsite.diagnostics import Diagnostics
from docsite.pipeline import build, load_site

VARIANTS = ("zh-hans", "zh-hant")
REQUIRED = ["index", "treaty", *(f"treaty/article-{n}" for n in range(1, 7)), "documents/supplementary-agreement"]


def page_file(site_dir: Path, variant: str, pid: str) -> Path:
    return site_dir / variant / ("index.html" if pid == "index" else f"{pid}/index.html")


def shipped_ids() -> list[str]:
    site = load_site(ROOT, Diagnostics(ROOT))
    assert site is not None
    return list(site.pages)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("pid", REQUIRED)
def test_required_pages_exist_and_link_to_their_counterpart(site_dir: Path, variant: str, pid: str) -> None:
    path = page_file(site_dir, variant, pid)
    page = soup(path)
    other = next(v for v in VARIANTS if v != variant)
    switch = page.select_one(".switcher a[data-variant]")
    assert switch["data-variant"] == other
    target = (path.parent / switch["href"]).resolve() / "index.html"
    assert target == page_file(site_dir, other, pid).resolve()
    assert page.html["lang"] == {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}[variant]


def test_every_page_is_in_both_trees(site_dir: Path) -> None:
    trees = [{p.relative_to(site_dir / v) for p in (site_dir / v).rglob("*.html")} for v in VARIANTS]
    assert trees[0] == trees[1]
    for pid in shipped_ids():
        assert page_file(site_dir, "zh-hant", pid).is_file(), pid


def test_no_broken_internal_links(site_dir: Path) -> None:
    """Every href and src inside the output resolves to a file, and every #fragment to an id."""
    ids: dict[Path, set[str]] = {}
    broken = []
    for html in sorted(site_dir.rglob("*.html")):
        if html.name == "404.html":
            continue  # links there are absolute from base_url: checked in test_404_links
        page = soup(html)
        for tag in page.find_all(href=True) + page.find_all(src=True):
            url = tag.get("href") or tag.get("src")
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or tag.name == "link" and tag.get("rel") in (["canonical"], ["alternate"]):
                continue
            target = (html.parent / unquote(parts.path)).resolve() if parts.path else html.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or not target.is_relative_to(site_dir.resolve()):
                broken.append(f"{html.relative_to(site_dir)}: {url}")
                continue
            if parts.fragment:
                if target not in ids:
                    ids[target] = {t["id"] for t in soup(target).find_all(id=True)}
                if unquote(parts.fragment) not in ids[target]:
                    broken.append(f"{html.relative_to(site_dir)}: {url} (no such anchor)")
    assert broken == []


def test_404_links(site_dir: Path) -> None:
    page = soup(site_dir / "404.html")
    homes = [a["href"] for a in page.select("a[hreflang]")]
    assert homes == ["/zh-hans/", "/zh-hant/"]


def _foreign_characters(dictionary: str, config: str) -> set[str]:
    """Characters the variant's conversion always replaces: not among their own candidates in the
    dictionary, and changed by the whole OpenCC chain (峰 stays 峰 in Taiwan's standard)."""
    path = Path(opencc.__file__).parent / "dictionary" / dictionary
    chain = opencc.OpenCC(config)
    chars = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if len(key) == 1 and key not in values.split(" ") and chain.convert(key) != key:
            chars.add(key)
    return chars


def _deliberate_text() -> set[str]:
    """Text that editors keep as written with -{...}- or name in the glossary for a variant."""
    site = load_site(ROOT, Diagnostics(ROOT))
    assert site is not None
    kept = {b.verbatim for p in site.pages.values() for b in p.blocks if b.verbatim}
    kept |= {form for rule in site.content.glossary for _, form in rule.forms}
    kept |= {form for p in site.pages.values() for rule in p.rules for _, form in rule.forms}
    return kept


@pytest.mark.parametrize(("variant", "dictionary", "config"),
                         [("zh-hant", "STCharacters.txt", "s2tw"), ("zh-hans", "TSCharacters.txt", "t2s")])
def test_no_character_of_the_other_script(site_dir: Path, variant: str, dictionary: str, config: str) -> None:
    foreign = _foreign_characters(dictionary, config)
    kept = _deliberate_text()
    found = []
    for html in sorted((site_dir / variant).rglob("*.html")):
        page = soup(html)
        for tag in page.select("[lang]"):
            if tag["lang"] != page.html["lang"]:
                tag.decompose()  # marked as another script or language: the switcher, names in Russian
        for tag in page.select("code, pre, a[rel=external]"):
            tag.decompose()
        text = page.get_text()
        for form in sorted(kept, key=len, reverse=True):
            text = text.replace(form, "")
        bad = sorted({c for c in text if c in foreign})
        if bad:
            found.append(f"{html.relative_to(site_dir)}: {''.join(bad)}")
    assert found == []


def test_check_passes_on_the_shipped_content() -> None:
    result = run_cli("check", "--strict", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "check passed" in result.stderr


def test_builds_are_deterministic() -> None:
    first, second = build(ROOT), build(ROOT)
    assert first.ok and second.ok
    assert first.files.keys() == second.files.keys()
    assert [k for k in first.files if first.files[k] != second.files[k]] == []

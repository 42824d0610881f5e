"""The shipped treaty site: every page in both scripts, linked, and converted correctly."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

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
            continue  # links there are relative to its <base>, base_url's path: checked in test_404_links
        page = soup(html)
        for tag in page.find_all(href=True) + page.find_all(src=True):
            url = tag.get("href") or tag.get("src")
            parts = urlsplit(url)
            alternative = tag.name == "link" and tag.get("rel") in (["canonical"], ["alternate"])
            if parts.scheme or parts.netloc or alternative:
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
    homes = [urljoin(page.base["href"], a["href"]) for a in page.select("a[hreflang]")]
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
    kept |= {form for p in site.pages.values() for layer in p.layers for rule in layer for _, form in rule.forms}
    kept |= {form for p in site.pages.values() for b in p.blocks if b.rule for _, form in b.rule.forms}
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


#: Article 1 as printed in 何春超等编《国际关系史料选编》(法律出版社, 1988), which the page cites; the
#: other articles as the seed gives them.
ARTICLES_HANS = {
    1: "缔约国双方保证共同尽力采取一切必要的措施，以期制止日本或其他直接间接在侵略行为上"
       "与日本相勾结的任何国家之重新侵略与破坏和平。"
       "一旦缔约国任何一方受到日本或与日本同盟的国家之侵袭，因而处于战争状态时，缔约国另一方即尽其全力给予军事及其他援助。"
       "双方并宣布，愿以忠诚的合作精神，参加所有以确保世界和平与安全为目的之国际活动，并为此目的之迅速实现充分贡献其力量。",
    2: "缔约国双方保证经过彼此同意与第二次世界战争时期其他同盟国于尽可能的短期内共同取得对日和约的缔结。",
    3: "缔约国双方均不缔结反对对方的任何同盟，并不参加反对对方的任何集团及任何行动措施。",
    4: "缔约国双方根据巩固和平与普遍安全的利益，对有关中苏两国共同利益的一切重大国际问题，均将进行彼此协商。",
    5: "缔约国双方保证以友好合作的精神，并遵照平等、互利、互相尊重国家主权与领土完整及不干涉对方内政的原则，"
       "发展和巩固中苏两国之间的经济与文化关系，彼此给予一切可能的经济援助，并进行必要的经济合作。",
    6: "本条约经双方批准后立即生效，批准书在北京互换。",
}
ARTICLES_HANT = {  # proofread as a reader in Taipei reads them
    1: "締約國雙方保證共同盡力採取一切必要的措施，以期制止日本或其他直接間接在侵略行為上"
       "與日本相勾結的任何國家之重新侵略與破壞和平。"
       "一旦締約國任何一方受到日本或與日本同盟的國家之侵襲，因而處於戰爭狀態時，締約國另一方即盡其全力給予軍事及其他援助。"
       "雙方並宣布，願以忠誠的合作精神，參加所有以確保世界和平與安全為目的之國際活動，並為此目的之迅速實現充分貢獻其力量。",
    2: "締約國雙方保證經過彼此同意與第二次世界戰爭時期其他同盟國於儘可能的短期內共同取得對日和約的締結。",
    3: "締約國雙方均不締結反對對方的任何同盟，並不參加反對對方的任何集團及任何行動措施。",
    4: "締約國雙方根據鞏固和平與普遍安全的利益，對有關中蘇兩國共同利益的一切重大國際問題，均將進行彼此協商。",
    5: "締約國雙方保證以友好合作的精神，並遵照平等、互利、互相尊重國家主權與領土完整及不干涉對方內政的原則，"
       "發展和鞏固中蘇兩國之間的經濟與文化關係，彼此給予一切可能的經濟援助，並進行必要的經濟合作。",
    6: "本條約經雙方批准後立即生效，批准書在北京互換。",
}


@pytest.mark.parametrize(("variant", "texts"), [("zh-hans", ARTICLES_HANS), ("zh-hant", ARTICLES_HANT)])
def test_article_texts_character_by_character(site_dir: Path, variant: str, texts: dict[int, str]) -> None:
    for number, expected in texts.items():
        page = soup(page_file(site_dir, variant, f"treaty/article-{number}"))
        assert page.select_one(".body blockquote").get_text(strip=True) == expected


@pytest.mark.parametrize(("variant", "expected"), [
    ("zh-hans", ["中苏友好同盟互助条约", "王世杰", "签订", "克里姆林宫", "约瑟夫·斯大林", "沈志华"]),
    ("zh-hant", ["中蘇友好同盟互助條約", "王世杰", "簽訂", "克里姆林宮", "約瑟夫·史達林", "沈志華"]),
])
def test_names_and_terms_on_real_pages(site_dir: Path, variant: str, expected: list[str]) -> None:
    treaty = soup(page_file(site_dir, variant, "treaty"))
    assert treaty.select_one("h1").get_text() == expected[0]
    text = treaty.get_text()
    for word in expected[1:]:
        assert word in text, word
    assert "王世傑" not in text and "籤訂" not in text
    person = soup(page_file(site_dir, variant, "people/wang-shijie"))
    assert person.select_one("h1").get_text() == "王世杰"
    assert person.title.get_text().startswith("王世杰 · ")

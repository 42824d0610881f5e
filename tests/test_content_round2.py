"""Content, round 2: Taiwan's vocabulary in the traditional tree, citations a reader can find, the
treaty as one text, people with their dates, and the wording of the pages the build makes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, MiniSite, soup


def visible(page: BeautifulSoup) -> str:
    """What a reader reads: the text of <main> without scripts."""
    main = page.find("main")
    assert main is not None
    for tag in main(["script", "style"]):
        tag.decompose()
    return main.get_text(" ", strip=True)


def facts(page: BeautifulSoup) -> dict[str, str]:
    return {div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in page.select("dl.facts > div")}


def warnings(mini: MiniSite) -> list[str]:
    return [line for line in mini.build("check").stderr.splitlines() if ": warning: " in line]


# -- Taiwan's vocabulary ---------------------------------------------------------------------------

def test_the_traditional_tree_writes_taiwan_words_and_the_simplified_tree_keeps_its_own(site_dir: Path) -> None:
    hant = {path: visible(soup(path)) for path in (site_dir / "zh-hant").rglob("index.html")}
    everything = " ".join(hant.values())
    for mainland in ("計劃", "數據", "網上", "鏈接", "合同"):
        assert mainland not in everything, [str(p) for p, text in hant.items() if mainland in text][:3]
    assert "第一個五年計畫" in visible(soup(site_dir / "zh-hant/events/first-five-year-plan/index.html"))
    assert "下載全部事件的資料：" in visible(soup(site_dir / "zh-hant/timeline/index.html"))
    assert "網路上流傳" in visible(soup(site_dir / "zh-hant/documents/supplementary-agreement/index.html"))
    # one-way rules: the simplified tree keeps its words, and 资料 is never turned into 数据
    assert "第一个五年计划" in visible(soup(site_dir / "zh-hans/events/first-five-year-plan/index.html"))
    assert "下载全部事件的数据：" in visible(soup(site_dir / "zh-hans/timeline/index.html"))
    assert "技术资料" in visible(soup(site_dir / "zh-hans/events/h6-technical-agreement/index.html"))


def test_lint_warns_about_a_word_taiwan_writes_differently_until_an_editor_decides(mini: MiniSite) -> None:
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n\n下载全部数据。\n")
    found = warnings(mini)
    assert found == ["content/topics/a.md:5:5: warning: '数据' becomes '數據' in zh-hant (s2tw), but Taiwan "
                     "writes '資料': 「下载全部数据。」"]
    assert "add {from: 数据, zh-hant: 資料} to content/glossary.yaml" in mini.build("check").stderr
    mini.write("glossary.yaml", "- {from: 数据, zh-hant: 資料}\n")
    assert warnings(mini) == []
    assert mini.build().returncode == 0
    assert "下載全部資料。" in visible(mini.page("zh-hant", "topics/a"))
    assert "下载全部数据。" in visible(mini.page("zh-hans", "topics/a"))


def test_a_word_reviewed_and_accepted_is_not_reported(mini: MiniSite) -> None:
    site_yaml = mini.root / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n\n苏联援建的项目。\n")
    site_yaml.write_text(re.sub(r"accept: \[[^\]]*\]", "accept: []", text), encoding="utf-8")
    assert any("Taiwan writes '專案'" in w for w in warnings(mini))
    site_yaml.write_text(re.sub(r"accept: \[[^\]]*\]", "accept: [项目]", text), encoding="utf-8")
    assert warnings(mini) == []


def test_a_one_way_glossary_entry_leaves_the_other_script_alone(mini: MiniSite) -> None:
    mini.write("glossary.yaml", "- {from: 计划, zh-hant: 計畫}\n")
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n\n五年计划，计画。\n")
    assert mini.build().returncode == 0
    assert "五年計畫，計畫。" in visible(mini.page("zh-hant", "topics/a"))
    assert "五年计划，计画。" in visible(mini.page("zh-hans", "topics/a"))


# -- citations -------------------------------------------------------------------------------------

SOURCES = yaml.safe_load((ROOT / "content/sources.yaml").read_text(encoding="utf-8"))
#: What a reader needs to find a work of each kind (besides its title).
NEEDS = {
    "book": [("author",), ("publisher",), ("year",)],
    "chapter": [("author", "editor"), ("container",), ("publisher",)],
    "journal": [("author", "container"), ("container",), ("year",)],
    "newspaper": [("container",), ("date",)],
    "web": [("author", "container"), ("url",), ("accessed",)],
    "archive": [("author",), ("container",), ("date", "year")],
}


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_every_source_has_what_its_kind_needs(key: str) -> None:
    source = SOURCES[key]
    kind = source.get("type", "other")
    assert kind in NEEDS, f"{key}: type {kind}"
    assert isinstance(source.get("title"), str) and source["title"]
    for choices in NEEDS[kind]:
        assert any(source.get(field) for field in choices), f"{key} ({kind}) needs {' or '.join(choices)}"
    if "url" in source:
        assert isinstance(source["url"], str) and re.match(r"https?://[^\s/]+\.[^\s/]+/", source["url"]), key
        assert not re.search(r"\d\.\d+e\+\d+", source["url"]), f"{key}: a number in scientific notation"
    if kind == "web":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(source["accessed"])), key
    note = str(source.get("note", ""))
    assert "本站拟定" not in note and "本站据内容拟定" not in note, key
    if source["title"].startswith("［"):  # a title the site supplies, bracketed, says why
        assert source["title"].endswith("］") and "方括号内是本站的说明" in note, key


def test_made_up_titles_and_misattributions_are_gone() -> None:
    titles = {s["title"] for s in SOURCES.values()}
    for made_up in ("关于轰-6首飞的网络文章", "回忆文章", "关于“156项工程”的论文", "关于轰-6引进经过的网络文章",
                    "关于条约起草经过的网络文章", "关于轰-6研制的网络文章", "关于铁列克提事件的网络文章",
                    "关于周恩来与柯西金机场会谈的文章", "关于林彪“第一个号令”的论文", "武汉长江大桥简介",
                    "引述“一边倒”论述的期刊文章（录文）", "第一个五年计划", "武汉长江大桥通车五十周年报道（英文）",
                    "关于林彪“第一号令”与疏散中央领导人的文章", "Wuhan history"):
        assert made_up not in titles
    authors = " ".join(str(s.get("author", "")) for s in SOURCES.values())
    assert "扬基帧察站" not in authors
    shen_xia = [s for s in SOURCES.values() if s.get("author") == ["Shen Zhihua", "Xia Yafeng"]]
    assert [s["title"] for s in shen_xia] == ["Mao and the Sino-Soviet Partnership, 1945–1959: A New History"]
    assert shen_xia[0]["publisher"] == "Lexington Books" and shen_xia[0]["year"] == 2015


def test_the_loader_refuses_a_url_yaml_reads_as_a_number(mini: MiniSite) -> None:
    mini.write("sources.yaml", "a:\n  type: web\n  title: 甲\n  url: 1.70287459e+09\n")
    result = mini.build("check")
    assert result.returncode == 1
    assert ("content/sources.yaml:4: error: source 'a', 'url': '1.70287459e+09' is not an address "
            "(YAML read it as a number)") in result.stderr  # as written, not as Python prints the float
    assert "Traceback" not in result.stderr


# -- wording and structure -------------------------------------------------------------------------

def test_the_treaty_page_title_is_not_repeated(site_dir: Path) -> None:
    assert soup(site_dir / "zh-hans/treaty/index.html").title.string == "中苏友好同盟互助条约"
    assert soup(site_dir / "zh-hant/treaty/index.html").title.string == "中蘇友好同盟互助條約"
    assert soup(site_dir / "zh-hans/people/zhou-enlai/index.html").title.string == "周恩来 · 中苏友好同盟互助条约"


def test_the_site_timeline_and_the_list_of_timelines_have_distinct_titles(site_dir: Path) -> None:
    site_timeline = soup(site_dir / "zh-hans/timeline/index.html")
    listing = soup(site_dir / "zh-hans/timelines/index.html")
    assert site_timeline.h1.get_text(strip=True) != listing.h1.get_text(strip=True)
    named = soup(site_dir / "zh-hans/timelines/aid-projects/index.html")
    crumbs = [li.get_text(strip=True) for li in named.select("nav.breadcrumbs li")]
    assert crumbs == ["首页", listing.h1.get_text(strip=True), "援建项目年表"]
    assert len(set(crumbs)) == len(crumbs)


def test_chinese_places_show_their_foreign_names(site_dir: Path) -> None:
    harbin = facts(soup(site_dir / "zh-hans/places/harbin/index.html"))
    assert harbin["外文名称"].startswith("Харбин") or "Харбин" in harbin["外文名称"]
    assert "原文名称" not in harbin


def test_the_treaty_states_its_term_as_article_6_does(site_dir: Path) -> None:
    term = facts(soup(site_dir / "zh-hans/treaty/index.html"))["有效期"]
    assert term == "三十年（如期满前一年任何一方未表示愿予废除，则自动延长五年，并依此法顺延）"


def test_articles_have_one_name_in_the_filters_and_the_search_page(site_dir: Path) -> None:
    filters = [a.get_text(strip=True) for a in soup(site_dir / "zh-hans/timeline/index.html").select("nav.filters a")]
    assert "条文" in filters and "条约全文" not in filters
    assert "条约全文" not in visible(soup(site_dir / "zh-hans/search/index.html"))


def test_dates_have_no_nested_brackets_and_no_repeated_month(site_dir: Path) -> None:
    pages = list((site_dir / "zh-hans").rglob("index.html"))
    nested = re.compile(r"（[^（）]*（")
    for path in pages:
        titles = [t.get_text() for t in soup(path).find_all("title")]
        assert not any(nested.search(t) for t in titles), (path, [t for t in titles if nested.search(t)])
    zhenbao = soup(site_dir / "zh-hans/events/zhenbao-island-clashes/index.html")
    assert zhenbao.select_one("dl.facts dd").get_text("", strip=True) == "1969年3月2日—17日"


def test_decades_are_written_one_way(site_dir: Path) -> None:
    for path in (site_dir / "zh-hans").rglob("index.html"):
        page = soup(path)
        body = page.select_one("div.body")
        if body is not None:
            text = body.get_text()
            assert not re.search(r"(?<!世纪)(?<!\d)(?:19)?[5-9]0年代", text), path


def test_the_era_bands_say_what_the_text_says(site_dir: Path) -> None:
    config = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))
    eras = {era["label"]: era["period"] for era in config["timeline"]["eras"]}
    assert eras["分歧公开化至条约期满"].startswith("1960-07-16")
    assert "1960年苏联撤走专家后分歧公开化" in visible(soup(site_dir / "zh-hans/treaty/index.html"))


# -- people, places, events ------------------------------------------------------------------------

DATED = {"mao-zedong": ("1893年12月26日", "1976年9月9日"), "zhou-enlai": ("1898年3月5日", "1976年1月8日"),
         "joseph-stalin": ("1878年12月18日", "1953年3月5日"), "huang-hua": ("1913年1月25日", "2010年11月24日"),
         "wang-shijie": ("1891年3月10日", "1981年4月21日"), "andrey-vyshinsky": ("1883年12月10日", "1954年11月22日"),
         "vyacheslav-molotov": ("1890年3月9日", "1986年11月8日"), "alexei-kosygin": ("1904年2月21日", "1980年12月18日"),
         "alexander-panyushkin": ("1905年", "1974年")}


@pytest.mark.parametrize("person", sorted(DATED))
def test_people_have_their_dates_with_a_source(site_dir: Path, person: str) -> None:
    page = soup(site_dir / f"zh-hans/people/{person}/index.html")
    shown = facts(page)
    assert (shown["出生"], shown["逝世"]) == DATED[person]
    assert page.select("section.references li"), "the dates' source is listed"
    front = yaml.safe_load((ROOT / f"content/people/{person}.md").read_text(encoding="utf-8").split("---")[1])
    assert front["sources"] and all(key in SOURCES for key in front["sources"])


def test_the_1945_treaty_has_its_signing_place(site_dir: Path) -> None:
    assert facts(soup(site_dir / "zh-hans/documents/treaty-1945/index.html"))["签订地点"] == "莫斯科"


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_articles_link_to_the_events_of_the_treaty(site_dir: Path, number: int) -> None:
    page = soup(site_dir / f"zh-hans/treaty/article-{number}/index.html")
    body_links = {a["href"] for a in page.select("div.body a[href]")}
    for event in ("treaty-signed", "treaty-in-force", "nonrenewal-decision", "treaty-expires"):
        assert f"../../events/{event}/" in body_links


# -- the treaty as one text ------------------------------------------------------------------------

def test_the_treaty_reads_as_one_text_with_each_part_sourced(site_dir: Path) -> None:
    page = soup(site_dir / "zh-hans/treaty-text/index.html")
    body = page.select_one("div.body")
    headings = [h["id"] for h in body.find_all("h2")]
    assert headings == ["preamble", *(f"article-{n}" for n in range(1, 7)), "signature"]
    for heading in body.find_all("h2"):
        section = []
        for sibling in heading.parent.find_next_siblings():  # the heading sits with its self-link
            if sibling.find("h2"):
                break
            section.append(sibling)
        assert any(s.select("sup.citation") for s in section), heading["id"]
        if heading["id"].startswith("article-"):
            assert any(s.select(f'a[href="../treaty/{heading["id"]}/"]') for s in section), heading["id"]
            assert any(s.name == "blockquote" for s in section), heading["id"]
    for number in range(1, 7):
        article = soup(site_dir / f"zh-hans/treaty/article-{number}/index.html")
        assert article.select(f'div.body a[href="../../treaty-text/#article-{number}"]')
    article_6 = body.find("h2", id="article-6").parent
    quoted = article_6.find_next_sibling("blockquote").get_text(strip=True)
    assert quoted == "本条约经双方批准后立即生效，批准书在北京互换。"
    assert "三十年" in article_6.find_next_sibling("p").get_text()


@pytest.mark.parametrize(("variant", "words"), [("zh-hans", ("第六条", "参考文献", "国际关系史料选编")),
                                                ("zh-hant", ("第六條", "參考文獻", "國際關係史料選編"))])
def test_the_treaty_text_downloads_as_plain_text_per_script(site_dir: Path, variant: str,
                                                            words: tuple[str, ...]) -> None:
    page = soup(site_dir / f"{variant}/treaty-text/index.html")
    link = page.select_one("p.plain-text a[download]")
    assert link is not None and link["href"] == "treaty-text.txt"
    text = (site_dir / variant / "treaty-text" / link["href"]).read_text(encoding="utf-8")
    assert "<" not in text and "&lt;" not in text
    assert all(word in text for word in words)
    assert text.splitlines()[0] == page.h1.get_text(strip=True)
    assert re.search(r"\[\d+\]", text), "citation marks are kept"

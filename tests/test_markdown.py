"""Markdown features as a reader sees them in the generated HTML of both variants."""

from __future__ import annotations

import PIL.Image
import pytest
from conftest import MiniSite

BODY = """\
## 条约内容

第一段提到[[people/zhou-enlai]]，又称[[people/zhou-enlai|周总理]]，见[[treaty#article-1]]。[@shen1999, 第12页]

再次引用[@shen1999]，以及[@frus]与[@wang]。脚注在此[^n]。

### 條約內容

| 项目 | 内容 |
|---|---|
| 签订 | 1950年 |

`代码里的汉字 -{不}- 转换`

```
后面的发展
```

<script>alert("x")</script>

[^n]: 注释里的[[people/zhou-enlai]]。
"""


@pytest.fixture
def built(mini: MiniSite) -> MiniSite:
    mini.write("sources.yaml", """\
shen1999:
  type: book
  author: 沈志华
  title: 中苏同盟与朝鲜战争研究
  place: 桂林
  publisher: 广西师范大学出版社
  year: 1999
wang:
  type: journal
  author: 王世-{杰}-
  title: 测试文章
  container: 某刊
frus:
  type: web
  author: Office of the Historian
  title: Foreign Relations of the United States, 1950, Volume VI, Document 157
  url: https://history.state.gov/historicaldocuments/frus1950v06/d157
""")
    mini.write("people/zhou-enlai.md", "---\ntitle: 周恩来\n---\n")
    mini.write("treaty/index.md", "---\ntitle: 中苏友好同盟互助条约\n---\n## 第一条 {#article-1}\n")
    mini.write("topics/test.md", f"---\ntitle: 测试\n---\n{BODY}")
    result = mini.build()
    assert result.returncode == 0, result.stderr
    return mini


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
def test_heading_anchors_are_the_same_in_every_variant(built: MiniSite, variant: str) -> None:
    page = built.page(variant, "topics/test")
    assert [h["id"] for h in page.select(".body h2, .body h3")] == ["tiao-yue-nei-rong", "tiao-yue-nei-rong-2"]
    # the fragments they had before (their text as written) still lead to them
    assert [h.parent["id"] for h in page.select(".body h2, .body h3")] == ["条约内容", "條約內容"]


def test_explicit_anchor(built: MiniSite) -> None:
    heading = built.page("zh-hant", "treaty").select_one(".body h2")
    assert heading["id"] == "article-1"
    assert heading.get_text() == "第一條"


def test_wikilinks(built: MiniSite) -> None:
    links = built.page("zh-hant", "topics/test").select(".body p a")
    assert [(a["href"], a.get_text()) for a in links[:3]] == [
        ("../../people/zhou-enlai/", "周恩來"),
        ("../../people/zhou-enlai/", "周總理"),
        ("../../treaty/#article-1", "中蘇友好同盟互助條約"),
    ]


def test_citations_are_numbered_in_order_with_gbt7714_references(built: MiniSite) -> None:
    page = built.page("zh-hans", "topics/test")
    cites = [(sup.get_text()) for sup in page.select("sup.citation")]
    assert cites == ["[1]第12页", "[1]", "[2]", "[3]"]
    refs = [li.get_text(" ", strip=True) for li in page.select(".references li")]
    assert refs[0].startswith("[1] 沈志华. 中苏同盟与朝鲜战争研究[M]. 桂林: 广西师范大学出版社, 1999.")
    assert refs[1].startswith("[2] Office of the Historian. Foreign Relations of the United States, 1950, "
                              "Volume VI, Document 157[EB/OL]. https://history.state.gov/")
    backrefs = [a["href"] for a in page.select("#ref-1 a.backref")]
    assert backrefs == ["#cite-1-1", "#cite-1-2"]
    assert page.select_one("#cite-1-2")["href"] == "#ref-1"


def test_references_are_converted_but_urls_are_not(built: MiniSite) -> None:
    page = built.page("zh-hant", "topics/test")
    assert page.select_one("#ref-3").get_text(" ", strip=True).startswith("[3] 王世杰. 測試文章[J]. 某刊. ↩︎")
    ref = page.select_one("#ref-1").get_text(" ", strip=True)
    assert "沈志華. 中蘇同盟與朝鮮戰爭研究[M]. 桂林: 廣西師範大學出版社, 1999." in ref
    assert page.select_one("#ref-2 a[rel=external]")["href"] == "https://history.state.gov/historicaldocuments/frus1950v06/d157"
    assert page.select_one(".references h2").get_text() == "參考文獻"


def test_table_and_footnote(built: MiniSite) -> None:
    page = built.page("zh-hant", "topics/test")
    assert [td.get_text() for td in page.select(".body table td")] == ["簽訂", "1950年"]
    ref = page.select_one("sup.footnote-ref a")
    assert ref.get_text() == "①"
    note = page.select_one(ref["href"])
    assert note.get_text(strip=True).startswith("註釋裡的周恩來。")
    assert note.select_one("a")["href"] == "../../people/zhou-enlai/"


def test_code_is_not_converted(built: MiniSite) -> None:
    page = built.page("zh-hant", "topics/test")
    assert page.select_one(".body p code").get_text() == "代码里的汉字 -{不}- 转换"
    assert page.select_one(".body pre code").get_text() == "后面的发展\n"


def test_raw_html_is_escaped(built: MiniSite) -> None:
    page = built.page("zh-hans", "topics/test")
    assert page.select(".body script") == []
    assert '<script>alert("x")</script>' in page.select_one(".body").get_text()


def test_backlinks_and_counterpart(built: MiniSite) -> None:
    person = built.page("zh-hant", "people/zhou-enlai")
    assert [a.get_text() for a in person.select(".connections a")] == ["測試"]
    switch = person.select_one('.switcher a[hreflang="zh-Hans"]')
    assert switch["href"] == "../../../zh-hans/people/zhou-enlai/"
    assert person.html["lang"] == "zh-Hant"
    assert built.page("zh-hans", "people/zhou-enlai").html["lang"] == "zh-Hans"


@pytest.mark.parametrize(("variant", "text"), [("zh-hans", "外蒙古独立"), ("zh-hant", "外蒙古獨立")])
def test_wikipedia_link_in_the_readers_script(mini: MiniSite, variant: str, text: str) -> None:
    mini.write("topics/outer-mongolia.md", "---\ntitle: 外蒙古独立\nwikipedia: 外蒙古独立\n---\n")
    assert mini.build().returncode == 0
    link = mini.page(variant, "topics/outer-mongolia").select_one(".facts a[rel=external]")
    assert link["href"] == f"https://zh.wikipedia.org/{variant}/%E5%A4%96%E8%92%99%E5%8F%A4%E7%8B%AC%E7%AB%8B"
    assert link.get_text() == text


def test_links_by_title_in_either_script(mini: MiniSite) -> None:
    mini.write("places/soviet-union.md", "---\ntitle: 苏联\n---\n")
    mini.write("topics/a.md", "---\ntitle: 甲\nrelated: [蘇聯]\n---\n[[蘇聯]]、[[苏联]]、[[蘇聯|苏维埃联盟]]\n")
    assert mini.build().returncode == 0
    page = mini.page("zh-hant", "topics/a")
    links = [(a["href"], a.get_text()) for a in page.select(".body a")]
    assert links == [("../../places/soviet-union/", "蘇聯")] * 2 + [("../../places/soviet-union/", "蘇維埃聯盟")]
    assert page.select_one(".connections a")["href"] == "../../places/soviet-union/"
    backlinks = mini.page("zh-hans", "places/soviet-union").select(".connections a")
    assert [a.get_text() for a in backlinks] == ["甲"]


def test_ambiguous_title_is_an_error(mini: MiniSite) -> None:
    mini.write("places/a.md", "---\ntitle: 苏联\n---\n")
    mini.write("topics/b.md", "---\ntitle: 蘇聯\n---\n")
    mini.write("topics/c.md", "---\ntitle: 丙\n---\n\n[[苏联]]\n")
    result = mini.build()
    assert result.returncode == 1
    assert "content/topics/c.md:5:1: error: the title '苏联' is shared by places/a, topics/b" in result.stderr


def test_markdown_inside_markup(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\n---\n")
    mini.write("topics/b.md", "---\ntitle: 乙\n---\n"
               "前文-{**王世杰**}-与-{zh-hans:[[people/a|简称]];zh-hant:*繁稱*;}-后\n")
    assert mini.build().returncode == 0
    hans = mini.page("zh-hans", "topics/b").select_one(".body p")
    hant = mini.page("zh-hant", "topics/b").select_one(".body p")
    assert hans.select_one("strong").get_text() == "王世杰"
    assert hant.select_one("strong").get_text() == "王世杰"
    assert hans.select_one("a")["href"] == "../../people/a/" and hans.select_one("a").get_text() == "简称"
    assert hant.select_one("em").get_text() == "繁稱"
    assert hant.get_text() == "前文王世杰與繁稱後"


def test_unknown_link_inside_markup_is_an_error(mini: MiniSite) -> None:
    mini.write("topics/b.md", "---\ntitle: 乙\n---\n-{zh-hans:[[people/x]];zh-hant:乙;}-\n")
    result = mini.build()
    assert result.returncode == 1
    assert "no page has the id or title 'people/x'" in result.stderr


def test_rule_applies_to_the_rest_of_the_page(mini: MiniSite) -> None:
    mini.write("topics/b.md",
               "---\ntitle: 旅顺口\n---\n旅顺口在前。-{H|zh-hans:旅顺口;zh-hant:旅順港;}-\n\n旅顺口在后。\n")
    assert mini.build().returncode == 0
    page = mini.page("zh-hant", "topics/b")
    assert [p.get_text() for p in page.select(".body p")] == ["旅順口在前。", "旅順港在後。"]
    assert page.select_one("h1").get_text() == "旅順口"


def test_title_markup_sets_the_displayed_title(mini: MiniSite) -> None:
    mini.write("topics/b.md", "---\ntitle: 苏联\n---\n-{T|zh-hans:苏联;zh-hant:蘇維埃聯邦;}-正文\n")
    assert mini.build().returncode == 0
    assert mini.page("zh-hant", "topics/b").select_one("h1").get_text() == "蘇維埃聯邦"
    assert mini.page("zh-hans", "topics/b").select_one("h1").get_text() == "苏联"
    assert mini.page("zh-hant", "topics/b").select_one(".body p").get_text() == "正文"


@pytest.mark.parametrize("markup", ["**-{王世杰}-**", "*王世-{杰}-*", "[王世-{杰}-](https://example.org/)",
                                    "# 王世-{杰}-"])
def test_markup_at_the_edges_of_markdown_syntax(mini: MiniSite, markup: str) -> None:
    mini.write("topics/b.md", f"---\ntitle: 乙\n---\n{markup}\n")
    assert mini.build().returncode == 0
    assert mini.page("zh-hant", "topics/b").select_one(".body").get_text(strip=True) == "王世杰"


def test_alt_text_title_and_meta_description_are_converted(mini: MiniSite) -> None:
    PIL.Image.new("RGB", (40, 30)).save(mini.root / "static" / "x.png")
    mini.write("topics/b.md", "---\ntitle: 条约\nsummary: 条约的签订\n---\n![条约文本](/static/x.png \"条约\")\n")
    assert mini.build().returncode == 0
    page = mini.page("zh-hant", "topics/b")
    img = page.select_one(".body img")
    assert (img["alt"], img["title"]) == ("條約文本", "條約")
    assert (mini.root / "_site/zh-hant/topics/b" / img["src"]).is_file()
    assert page.title.get_text().startswith("條約 · ")
    assert page.select_one('meta[name="description"]')["content"] == "條約的簽訂"


def _add_variants(mini: MiniSite, extra: str) -> None:
    site_yaml = mini.root / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    marker = "  - {code: zh-hant, label: 繁體中文, opencc: s2tw}\n"
    site_yaml.write_text(text.replace(marker, marker + extra), encoding="utf-8")


def test_a_variant_added_in_site_yaml_gets_a_complete_tree(mini: MiniSite) -> None:
    _add_variants(mini, "  - {code: zh-tw, label: 臺灣正體, opencc: s2twp}\n"
                        "  - {code: zh-hk, label: 香港繁體, opencc: s2hk}\n")
    mini.write("topics/a.md", "---\ntitle: 网络与软件\n---\n这里的鼠标-{zh-hans:软件;zh-hant:軟體;}-。\n")
    assert mini.build().returncode == 0, mini.build().stderr
    trees = {v: {p.relative_to(mini.root / "_site" / v) for p in (mini.root / "_site" / v).rglob("*.html")}
             for v in ("zh-hans", "zh-hant", "zh-tw", "zh-hk")}
    assert trees["zh-tw"] == trees["zh-hans"] == trees["zh-hk"]
    tw, hk = mini.page("zh-tw", "topics/a"), mini.page("zh-hk", "topics/a")
    assert (tw.html["lang"], hk.html["lang"]) == ("zh-TW", "zh-HK")
    assert tw.select_one("h1").get_text() == "網路與軟體"  # s2twp: Taiwan words too
    assert tw.select_one(".body p").get_text() == "這裡的滑鼠軟體。"
    assert hk.select_one(".body p").get_text() == "這裏的鼠標軟體。"  # zh-hk falls back to the zh-hant form
    switch = {a["hreflang"]: a["href"] for a in hk.select(".switcher a")}
    assert switch == {"zh-Hans": "../../../zh-hans/topics/a/", "zh-Hant": "../../../zh-hant/topics/a/",
                      "zh-TW": "../../../zh-tw/topics/a/"}
    alternates = {link["hreflang"] for link in hk.select('link[rel="alternate"][hreflang]')}
    assert {"zh-Hans", "zh-Hant", "zh-TW", "zh-HK"} <= alternates


def test_unknown_opencc_configuration_is_a_clear_error(mini: MiniSite) -> None:
    _add_variants(mini, "  - {code: zh-tw, label: 臺灣正體, opencc: s2taiwan}\n")
    result = mini.build()
    assert result.returncode == 1
    assert "site.yaml:" in result.stderr and "unknown OpenCC configuration 's2taiwan'" in result.stderr
    assert "s2twp" in result.stderr and "Traceback" not in result.stderr

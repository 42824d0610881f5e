"""The Atom feed of each variant (RFC 4287) of the pages new and changed most lately, dated by the
sources' history or their `changed:` field, linked from every page; and the sitemap's lastmod."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET

from conftest import MiniSite
from test_cite import commit

BASE = "https://example.org/treaty-1950/"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")  # RFC 3339, as Atom's dates are


def pages(mini: MiniSite) -> None:
    mini.write("events/signing.md", "---\ntitle: 条约签订\ndate: 1950-02-14\nsummary: 周恩来与维辛斯基签字。\n"
               "changed: 2026-03-02\n---\n签字。\n")
    mini.write("people/wang-shijie.md", "---\ntitle: 王世-{杰}-\nchanged: 2026-01-15\n---\n外交部长。\n")
    mini.write("people/undated.md", "---\ntitle: 无日期\n---\n没有提交，也没有 changed。\n")


def feed(mini: MiniSite, variant: str) -> ET.Element:
    return ET.parse(mini.root / "_site" / variant / "feed.xml").getroot()


def test_each_variant_has_a_valid_atom_feed_of_its_dated_pages(mini: MiniSite) -> None:
    pages(mini)
    result = mini.build("--base-url", BASE)
    assert result.returncode == 0, result.stderr
    titles = {"zh-hans": ["条约签订", "王世杰"], "zh-hant": ["條約簽訂", "王世杰"]}
    for variant, expected in titles.items():
        root = feed(mini, variant)
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}[
            variant]
        # The feed's required elements (RFC 4287, 4.1.1): id, title, updated; an author, as entries have none.
        assert root.findtext("a:id", namespaces=ATOM) == f"{BASE}{variant}/feed.xml"
        assert root.findtext("a:title", namespaces=ATOM) == {"zh-hans": "中苏友好同盟互助条约",
                                                              "zh-hant": "中蘇友好同盟互助條約"}[variant]
        assert root.findtext("a:author/a:name", namespaces=ATOM)
        assert root.find("a:link[@rel='self']", ATOM).get("href") == f"{BASE}{variant}/feed.xml"
        entries = root.findall("a:entry", ATOM)
        # Each entry's required elements (4.1.2): id, title, updated, and a link to the page.
        assert [e.findtext("a:title", namespaces=ATOM) for e in entries] == expected  # newest first
        assert [e.findtext("a:updated", namespaces=ATOM) for e in entries] == ["2026-03-02T00:00:00Z",
                                                                              "2026-01-15T00:00:00Z"]
        assert root.findtext("a:updated", namespaces=ATOM) == "2026-03-02T00:00:00Z"
        assert all(MOMENT.match(e.findtext("a:updated", namespaces=ATOM) or "") for e in entries)
        for entry, pid in zip(entries, ["events/signing", "people/wang-shijie"], strict=True):
            url = f"{BASE}{variant}/{pid}/"
            assert entry.findtext("a:id", namespaces=ATOM) == url
            assert entry.find("a:link[@rel='alternate']", ATOM).get("href") == url
            assert (mini.root / "_site" / variant / pid / "index.html").is_file()
        summary = entries[0].findtext("a:summary", namespaces=ATOM)
        assert summary == {"zh-hans": "周恩来与维辛斯基签字。", "zh-hant": "周恩來與維辛斯基簽字。"}[variant]


def test_every_page_links_to_its_variants_feed(mini: MiniSite) -> None:
    pages(mini)
    assert mini.build("--base-url", BASE).returncode == 0
    for variant in ("zh-hans", "zh-hant"):
        for pid in ("index", "people/undated", "people"):
            link = mini.page(variant, pid).select_one('head link[rel="alternate"][type="application/atom+xml"]')
            assert link is not None and link["href"] == f"{BASE}{variant}/feed.xml"
            assert link["title"]


def test_without_a_host_there_is_no_feed(mini: MiniSite) -> None:
    pages(mini)
    assert mini.build().returncode == 0
    assert not (mini.root / "_site/zh-hans/feed.xml").exists()
    assert mini.page("zh-hans", "index").select_one('link[type="application/atom+xml"]') is None


def test_dates_come_from_git_unless_a_page_says_changed_and_the_sitemap_has_them(mini: MiniSite) -> None:
    pages(mini)
    subprocess.run(["git", "init", "-q"], cwd=mini.root, check=True)
    commit(mini.root, "2024-05-01", "content")
    mini.write("people/undated.md", "---\ntitle: 无日期\n---\n后来提交了。\n")
    commit(mini.root, "2026-04-20", "content/people/undated.md")
    assert mini.build("--base-url", BASE).returncode == 0
    entries = feed(mini, "zh-hant").findall("a:entry", ATOM)
    dated = [(e.findtext("a:id", namespaces=ATOM), e.findtext("a:updated", namespaces=ATOM)) for e in entries]
    assert dated[:3] == [(f"{BASE}zh-hant/people/undated/", "2026-04-20T00:00:00Z"),
                         (f"{BASE}zh-hant/events/signing/", "2026-03-02T00:00:00Z"),  # `changed:` wins over git
                         (f"{BASE}zh-hant/people/wang-shijie/", "2026-01-15T00:00:00Z")]
    assert (f"{BASE}zh-hant/", "2024-05-01T00:00:00Z") in dated  # the home page, as committed
    sitemap = ET.parse(mini.root / "_site/sitemap.xml").getroot()
    lastmod = {u.findtext("sm:loc", namespaces=SITEMAP): u.findtext("sm:lastmod", namespaces=SITEMAP)
               for u in sitemap.findall("sm:url", SITEMAP)}
    for address in (f"{BASE}zh-hans/people/undated/", f"{BASE}zh-hant/people/undated/", f"{BASE}people/undated/"):
        assert lastmod[address] == "2026-04-20"
    assert lastmod[f"{BASE}zh-hans/events/signing/"] == "2026-03-02"
    assert lastmod[f"{BASE}zh-hans/people/"] is None  # a list the build makes: no source, no day

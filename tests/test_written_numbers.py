"""A number YAML reads in a text field or setting is the text the editor wrote: ``title: 1.0e+3`` is
1.0e+3 on the page, never 1000.0, ``pages: 010`` is 010, never 8. YAML's true and false (yes, no,
on, off) there are errors at their line with a hint to quote them; a key is always a name as written
(``no:`` is Norwegian, not false)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import MiniSite
from test_errors import assert_fails

from docsite.diagnostics import Diagnostics
from docsite.text.sourcetext import parse_yaml

#: Ways of writing the number i that YAML 1.1 reads as a number Python writes otherwise.
FORMS: dict[str, Callable[[int], str]] = {
    "exponent": lambda i: f"{i}.0e+3",  # 1000.0
    "octal": lambda i: f"0{i + 8:o}",  # 011 is 9
    "hexadecimal": lambda i: f"0x{i + 9:X}",
    "underscores": lambda i: f"{i}_000",
    "base 60": lambda i: f"{i}:30",  # 1:30 is 90
    "trailing zero": lambda i: f"{i}.50",
    "plus sign": lambda i: f"+{i}",
    "binary": lambda i: f"0b1{i:b}",
}

#: site.yaml settings of text: the line with {} for the value, the value shipped, where a reader sees it.
SETTINGS = {
    "site title": ("title: {}", "中苏友好同盟互助条约", "index", "a.site-title"),
    "tagline": ("tagline: {}", "一九五〇年条约的文本、人物、地点与来龙去脉", "index", "footer p"),
    "variant label": ("{{code: zh-hans, label: {}, opencc: t2s}}", "简体中文", "index", "nav.switcher span"),
    "type label": ("pattern: people/*\n    label: {}", "人物", "people/a", "p.kind"),
    "type plural": ("plural: {}\n    list: people", "人物", "people", "h1"),
    "field label": ("names: {{kind: names, label: {}, schema: alternateName}}", "原文姓名", "people/a", "dl.facts dt"),
    "navigation label": ("{{id: timeline, label: {}}}", "时间线", "index", 'nav.site-nav a[href$="timeline/"]'),
    "era label": ("{{label: {}, period: 1950-02-14/1960-07-16}}", "中苏同盟", "timeline", "svg.era text"),
}
#: Content: where a reader sees each value written with {name}.
CONTENT = {"page title": ("people/a", "h1"), "summary": ("people/a", "p.summary"),
           "name in another language": ("people/a", "dl.facts span[lang=ru]"), "tag": ("people/a", "ul.tags a"),
           "Wikipedia title": ("topics/b", "dl.facts a[rel=external]"), "source": ("people/a", "section.references li")}
SOURCE_FIELDS = ("title", "author", "container", "year", "volume", "issue", "pages")
PLACES = [*SETTINGS, *CONTENT, *(f"source {f}" for f in SOURCE_FIELDS)]


def _page(mini: MiniSite, pid: str) -> BeautifulSoup:
    return mini.page("zh-hans", pid)


@pytest.mark.parametrize("form", FORMS)
def test_a_number_in_any_text_is_shown_as_written(mini: MiniSite, form: str) -> None:
    written = {name: FORMS[form](i) for i, name in enumerate(PLACES, 1)}
    assert all(not isinstance(yaml.safe_load(f"a: {value}")["a"], str) for value in written.values())  # numbers to YAML
    config = mini.root / "site.yaml"
    text = config.read_text(encoding="utf-8")
    for name, (line, shipped, _, _) in SETTINGS.items():
        assert line.format(shipped) in text, line
        text = text.replace(line.format(shipped), line.format(written[name]), 1)
    config.write_text(text, encoding="utf-8")
    source = {f: written[f"source {f}"] for f in SOURCE_FIELDS}
    mini.write("sources.yaml", "a:\n  type: journal\n" + "".join(f"  {f}: {v}\n" for f, v in source.items()))
    mini.write("tags.yaml", f"x: {written['tag']}\n")
    mini.write("people/a.md", f"---\ntitle: {written['page title']}\nsummary: {written['summary']}\nsources: [a]\n"
                              f"tags: [x]\nnames: {{ru: {written['name in another language']}}}\n---\n正文[@a]\n")
    mini.write("topics/b.md", f"---\ntitle: 乙\nwikipedia: {written['Wikipedia title']}\n"
                              f"related: [{written['page title']}]\n---\n正文\n")
    mini.write("events/c.md", "---\ntitle: 丙\ndate: 1950-03-01\n---\n正文\n")
    result = mini.build()
    assert result.returncode == 0, result.stderr
    seen = {name: _page(mini, pid).select_one(selector) for name, (_, _, pid, selector) in SETTINGS.items()}
    seen |= {name: _page(mini, pid).select_one(selector) for name, (pid, selector) in CONTENT.items()}
    shown = {name: element.get_text(strip=True) if element else None for name, element in seen.items()}
    expected = {name: written[name] for name in [*SETTINGS, *CONTENT]}
    expected["tagline"] = f"{written['site title']} · {written['tagline']}"
    expected["source"] = (f"[1]{source['author']}. {source['title']}[J]. {source['container']}, {source['year']}, "
                          f"{source['volume']}({source['issue']}): {source['pages']}.↩︎")
    assert shown == expected
    wikipedia = seen["Wikipedia title"]
    assert wikipedia is not None and wikipedia["href"].endswith("/" + quote(written["Wikipedia title"]))
    related = _page(mini, "topics/b").select("aside.connections a")
    assert [a.get_text(strip=True) for a in related] == [written["page title"]]  # named by its title


#: Each text where YAML's true or false may be written by mistake: (file, its text or, in site.yaml,
#: the text replaced and its replacement, the line and column of the error in a page or data file).
BOOLEANS: dict[str, tuple[str, str | tuple[str, str], str]] = {
    "page title": ("content/people/a.md", "---\ntitle: yes\n---\n正文\n", "2:8"),
    "summary": ("content/people/a.md", "---\ntitle: 甲\nsummary: off\n---\n正文\n", "3:10"),
    "declared text field": ("content/treaty.md", "---\ntitle: 条约\nterm: No\n---\n正文\n", "3:7"),
    "source field": ("content/sources.yaml", "a:\n  title: 甲书\n  pages: on\n", "3"),
    "tag": ("content/tags.yaml", "x: true\n", "1"),
    "site title": ("site.yaml", ("title: 中苏友好同盟互助条约", "title: true"), ""),
    "type label": ("site.yaml", ("label: 人物\n    plural: 人物", "label: yes\n    plural: 人物"), ""),
    "navigation label": ("site.yaml", ("{id: timeline, label: 时间线}", "{id: timeline, label: off}"), ""),
    "era label": ("site.yaml", ("{label: 中苏同盟,", "{label: no,"), ""),
}


@pytest.mark.parametrize("case", BOOLEANS)
def test_true_or_false_in_a_text_is_an_error_at_its_line_with_a_hint_to_quote(mini: MiniSite, case: str) -> None:
    relative, text, where = BOOLEANS[case]
    path = mini.root / relative
    if isinstance(text, tuple):  # site.yaml: the error is on the line of the setting
        config = path.read_text(encoding="utf-8")
        assert text[0] in config
        where = str(config[:config.index(text[0])].count("\n") + 1)
        path.write_text(config.replace(text[0], text[1]), encoding="utf-8")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if relative == "content/sources.yaml":  # its source cited
        mini.write("people/b.md", "---\ntitle: 乙\n---\n正文[@a]\n")
    stderr = assert_fails(mini, rf"{re.escape(relative)}:{where}(:\d+)?: error: .*expected text, not true or false")
    assert "put the text in quotes" in stderr
    assert stderr.count(": error: ") == 1, stderr


@pytest.mark.parametrize(("written", "problem"), [("010", True), ("0x7", True), ("7.0", True), ("+7", True),
                                                  ("'7'", True), ("7", False)])
def test_a_whole_number_is_written_in_digits(mini: MiniSite, written: str, problem: bool) -> None:
    """``number: 010`` is 8 to YAML, and would be article 8 where the editor sees 10: an error."""
    mini.write("treaty.md", "---\ntitle: 条约\n---\n正文\n")
    mini.write("treaty/article-1.md", f"---\ntitle: 第一条\nnumber: {written}\n---\n正文\n")
    if problem:
        assert_fails(mini, r"content/treaty/article-1\.md:3:9: error: 'number': expected a whole number")
    else:
        assert mini.build().returncode == 0


def test_a_count_in_site_yaml_is_written_in_digits(mini: MiniSite) -> None:
    config = mini.root / "site.yaml"
    text, replaced = re.subn(r"min_length: \d+", "min_length: 0x7D0", config.read_text(encoding="utf-8"))
    assert replaced == 1
    config.write_text(text, encoding="utf-8")
    assert_fails(mini, r"site\.yaml:\d+: error: contents\.min_length must be a whole number, 0 or more")


def test_a_key_is_a_name_as_written(mini: MiniSite) -> None:
    """``no:`` (Norwegian) and ``on:`` are true and false to YAML, ``1950:`` a number: as keys, each is
    the name written."""
    mini.write("tags.yaml", "1950: 一九五〇年\n")
    mini.write("people/a.md", "---\ntitle: 甲\ntags: [1950]\nnames: {no: Nordmann, on: Ón}\n---\n正文\n")
    assert mini.build().returncode == 0
    page = _page(mini, "people/a")
    assert [(span["lang"], span.get_text()) for span in page.select("dl.facts span[lang]")] == [
        ("no", "Nordmann"), ("on", "Ón")]
    assert [a.get_text() for a in page.select("ul.tags a")] == ["一九五〇年"]


@pytest.mark.parametrize("form", FORMS)
def test_the_loader_keeps_the_text_of_a_number_beside_the_number(form: str, tmp_path: Path) -> None:
    written = FORMS[form](1)
    parsed = parse_yaml(f"a: {written}\n{written}: b\n", tmp_path / "x.yaml", Diagnostics(tmp_path))
    assert parsed is not None
    value, _ = parsed
    assert isinstance(value["a"], str) and value["a"] == written
    assert getattr(value["a"], "number", None) == yaml.safe_load(f"a: {written}")["a"]  # for the fields of numbers
    assert list(value) == ["a", written] and type(list(value)[1]) is str

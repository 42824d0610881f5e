"""Every value of front matter, data files and site.yaml checked against what it must be: a value of
the wrong kind is an error at its own line, never shown on a page as Python writes it (``['x']``,
``None``), never silently dropped or replaced."""

from __future__ import annotations

import pytest
from conftest import MiniSite
from test_errors import assert_fails

SOURCE = "a:\n  type: book\n  title: 甲书\n"

#: Each case: files to write (under content/, or site.yaml: a replacement in it), the error expected (a regex).
CASES = {
    "a list as a title": ({"people/a.md": "---\ntitle: [x]\n---\n正文\n"},
                          r"content/people/a\.md:2:8: error: 'title': expected text"),
    "one name for a list, not a page": ({"people/a.md": "---\ntitle: 甲\nsummary: 乙\n\nrelated: \"x\"\n---\n正文\n"},
                                        r"content/people/a\.md:5:10: error: no page has the id or title 'x'"),
    "one tag for a list, not a tag": ({"people/a.md": "---\ntitle: 甲\n\ntags: x\n---\n正文\n"},
                                      r"content/people/a\.md:4:7: error: unknown tag 'x'"),
    "a list as a source's title": ({"sources.yaml": SOURCE.replace("甲书", "[x]")},
                                   r"content/sources\.yaml:3: error: source 'a', 'title': expected text"),
    "an empty source title": ({"sources.yaml": SOURCE.replace(" 甲书", "")},
                              r"content/sources\.yaml:3: error: source 'a', 'title': expected text"),
    "a mapping as a source's author": ({"sources.yaml": SOURCE + "  author: {name: 沈志华}\n"},
                                       r"content/sources\.yaml:4: error: source 'a', 'author': expected a text or a "
                                       r"list of texts"),
    "a list in a list of authors": ({"sources.yaml": SOURCE + "  author: [沈志华, [李丹慧]]\n"},
                                    r"content/sources\.yaml:4: error: source 'a', 'author': expected a text or a "
                                    r"list of texts"),
    "true as a source's year": ({"sources.yaml": SOURCE + "  year: true\n"},
                                r"content/sources\.yaml:4: error: source 'a', 'year': expected text"),
    "tags.yaml written as a list": ({"tags.yaml": "- 中苏关系\n- 条约\n"},
                                    r"content/tags\.yaml:1: error: tags\.yaml maps each tag's slug to its name"),
    "a list as a source's type": ({"sources.yaml": SOURCE.replace("book", "[book]")},
                                  r"content/sources\.yaml:2: error: unknown source type"),
    "a quoted false": ({"site.yaml": ("allow_html: false", "allow_html: \"false\"")},
                       r"site\.yaml:\d+: error: expected true or false, not 'false'"),
    "an unknown navigation entry": ({"site.yaml": ("places, topics,", "places, topics, peple,")},
                                    r"site\.yaml:\d+: error: the navigation entry 'peple' names no page"),
    "a missing template": ({"site.yaml": ("template: home.html", "template: hom.html")},
                           r"site\.yaml:\d+: error: type 'home': there is no template 'hom\.html' in templates/"),
    "a template outside templates/": ({"site.yaml": ("template: home.html", "template: ../site.yaml")},
                                      r"site\.yaml:\d+: error: type 'home': there is no template '\.\./site\.yaml'"),
}


def _write(mini: MiniSite, files: dict[str, object]) -> None:
    for name, text in files.items():
        if name == "site.yaml":
            assert isinstance(text, tuple)
            path = mini.root / "site.yaml"
            config = path.read_text(encoding="utf-8")
            if text[0] not in config:  # a setting site.yaml leaves to its default
                config += "\n" + text[0] + "\n"
            path.write_text(config.replace(text[0], text[1]), encoding="utf-8")
        else:
            assert isinstance(text, str)
            mini.write(name, text)


@pytest.mark.parametrize("case", CASES)
def test_a_value_of_the_wrong_kind_is_an_error_at_its_line(mini: MiniSite, case: str) -> None:
    files, expected = CASES[case]
    _write(mini, files)
    if "sources.yaml" in files:  # cited, so that its entry is shown
        mini.write("people/b.md", "---\ntitle: 乙\nsources: [a]\n---\n正文[@a]\n")
    stderr = assert_fails(mini, expected)
    assert stderr.count(": error: ") == 1, stderr


def test_a_type_without_a_template_of_its_own_has_page_html(mini: MiniSite) -> None:
    """Only a template written in site.yaml must exist: a type's own (person.html) may not."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n正文\n")
    assert not (mini.root / "templates" / "person.html").exists()
    assert mini.build().returncode == 0
    assert mini.page("zh-hans", "people/a").select_one("h1").get_text(strip=True) == "甲"


def test_a_navigation_entry_whose_page_is_not_written_yet_is_left_out(mini: MiniSite) -> None:
    """``treaty`` is a page the type pattern allows: until it is written, the navigation leaves it out."""
    assert mini.build().returncode == 0
    nav = [a.get_text(strip=True) for a in mini.page("zh-hans", "index").select("nav a")]
    assert "条约" not in nav


def test_values_are_shown_as_written_never_as_python_writes_them(mini: MiniSite) -> None:
    """Numbers, lists of one and several names: every value a reader sees is text as the editor wrote it."""
    mini.write("sources.yaml", "a:\n  type: journal\n  title: 甲文\n  author: [沈志华, 李丹慧]\n  container: 乙刊\n"
                               "  year: 1999\n  volume: 3\n  issue: 2\n  pages: 12-15\n")
    mini.write("people/a.md", "---\ntitle: 1950\nsummary: 42\nrelated: index\nsources: [a]\n---\n正文[@a]\n")
    assert mini.build().returncode == 0
    text = mini.page("zh-hans", "people/a").get_text(" ")
    assert "沈志华, 李丹慧. 甲文[J]. 乙刊, 1999, 3(2): 12-15." in text
    assert "1950" in text and "42" in text
    for leak in ("['", "{'", "None", "True", "False", "<class", "Text("):
        assert leak not in text

"""Fragments of templates kept from build to build (``{% cached %}``, docsite/stages/fragments.py):
the preview remakes the timeline entries an edit changed, not every entry of every timeline."""

from __future__ import annotations

from typing import Any

import jinja2
from conftest import MiniSite
from markupsafe import Markup

from docsite.incremental.buildcache import BuildCache
from docsite.pipeline import build
from docsite.stages.fragments import CONTEXT_NAME, CachedExtension, Fragments

TEMPLATE = "{% for v in values %}{% cached v, flag %}[{{ v }}{{ flag }}{{ count() }}]{% endcached %}{% endfor %}"


class _Renders:
    """A template with a cached fragment, and how many times its body was rendered."""

    def __init__(self) -> None:
        env = jinja2.Environment(extensions=[CachedExtension], autoescape=True)
        self.template = env.from_string(TEMPLATE)
        self.count = 0

    def __call__(self, values: list[Any], fragments: Fragments | None, flag: bool = False, page: str = "p") -> str:
        def count() -> str:
            self.count += 1
            return ""
        taken = fragments.page(page) if fragments is not None else None
        html = self.template.render(values=values, flag=flag, count=count, **{CONTEXT_NAME: taken})
        if taken is not None:
            taken.done()
        return html


def test_a_fragment_is_rendered_once_for_equal_values_and_again_for_others() -> None:
    renders, fragments = _Renders(), Fragments()
    assert renders(["甲", "乙", "甲"], fragments) == "[甲False][乙False][甲False]"
    assert renders.count == 2
    assert renders(["甲"], fragments, flag=True) == "[甲True]" and renders.count == 3  # every value named counts
    # A string and markup that compare equal are not the same fragment: one is escaped, the other not.
    assert renders(["<b>", Markup("<b>")], fragments) == "[&lt;b&gt;False][<b>False]" and renders.count == 5


def test_a_value_that_cannot_be_hashed_is_the_same_only_as_itself() -> None:
    renders, fragments = _Renders(), Fragments()
    concerns = ["甲"]
    renders([concerns, concerns], fragments)
    assert renders.count == 1
    renders([["甲"]], fragments)  # equal, but another object: it may have been changed since
    assert renders.count == 2


def test_a_page_keeps_the_fragments_it_took_until_it_is_rendered_again_or_gone() -> None:
    renders, fragments = _Renders(), Fragments()
    renders(["甲", "乙"], fragments, page="a")
    renders(["丙"], fragments, page="b")
    fragments.keep_only(["a", "b"])
    fragments.begin()
    renders(["丙", "丁"], fragments, page="b")  # b rendered again: 甲 and 乙 are a's still
    fragments.keep_only(["a", "b"])
    renders(["甲", "乙", "丙"], fragments, page="c")
    assert renders.count == 4 and fragments.made == [("丁", False)]
    fragments.keep_only(["b"])  # a and c gone: what b took is all that is kept
    renders(["甲", "丙", "丁"], fragments, page="b")
    assert renders.count == 5 and fragments.made == [("丁", False), ("甲", False)]


def test_without_fragments_the_block_is_rendered_every_time() -> None:
    renders = _Renders()
    assert renders(["甲", "甲"], None) == "[甲False][甲False]"
    assert renders.count == 2
    # A template rendered without the name at all (not a page's: the 404 page, the feed).
    assert renders.template.render(values=["甲", "甲"], flag=True, count=lambda: "") == "[甲True][甲True]"


def _timelines(mini: MiniSite) -> MiniSite:
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙。\n")
    for n, (date, related) in enumerate([("1950-02-14", "people/a"), ("1950-04-11", "people/b"),
                                         ("1951-01-01", "people/b")], 1):
        mini.write(f"events/e{n}.md", f"---\ntitle: 事件{n}\ndate: {date}\nrelated: [{related}]\n---\n经过。\n")
    return mini


def test_a_title_edit_in_the_preview_remakes_only_the_timeline_entries_that_show_the_title(mini: MiniSite) -> None:
    site = _timelines(mini)
    kept = BuildCache(stored=True, memory=True)
    assert build(site.root, cache=kept).ok
    first = {code: list(fragments.made) for code, fragments in kept.rendered.fragments.items()}
    # Every timeline's entries and the site timeline's overview, in each script.
    assert sorted(first) == ["zh-hans", "zh-hant"]
    assert all({value[0].event.id for value in made if not isinstance(value[0], dict)} == {"events/e1", "events/e2",
                                                                                          "events/e3"}
               for made in first.values())
    assert all(any(isinstance(value[0], dict) for value in made) for made in first.values())
    page = site.root / "content/people/a.md"
    page.write_text(page.read_text(encoding="utf-8").replace("title: 甲", "title: 甲先生"), encoding="utf-8")
    again = build(site.root, cache=kept)
    assert again.ok
    for code, fragments in kept.rendered.fragments.items():
        # The entries of the one event related to the person, wherever they are listed; not the
        # others, nor the overview, which shows the events' titles only.
        assert _remade(fragments) == {"events/e1"}, code
        assert all("甲先生" in [concern.title for concern in value[0].concerns] for value in fragments.made)
    fresh = build(site.root)
    assert again.files == fresh.files
    # An edit to a body renders its page only: the timelines' fragments stay for the next title edit.
    body = site.root / "content/people/b.md"
    body.write_text(body.read_text(encoding="utf-8").replace("乙。", "乙，补记。"), encoding="utf-8")
    assert build(site.root, cache=kept).ok
    page.write_text(page.read_text(encoding="utf-8").replace("title: 甲先生", "title: 甲老"), encoding="utf-8")
    assert build(site.root, cache=kept).ok
    assert [_remade(fragments) for fragments in kept.rendered.fragments.values()] == 2 * [{"events/e1"}]


def _remade(fragments: Fragments) -> set[str]:
    """The events whose entries the last build rendered again ("overview" for a timeline's overview)."""
    return {"overview" if isinstance(value[0], dict) else value[0].event.id for value in fragments.made}

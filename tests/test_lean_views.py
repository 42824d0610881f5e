"""The page views' shared work done once: every page's title converted once per build and variant,
however many processes make the pages that show it; links relative to each page by the shortest way."""

from __future__ import annotations

import json
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import ROOT
from hypothesis import example, given
from hypothesis import strategies as st

from docsite import pipeline
from docsite.diagnostics import Diagnostics
from docsite.incremental.buildcache import BuildCache
from docsite.model.urls import relative
from docsite.model.view import PageView
from docsite.pipeline import build, load_site
from docsite.stages import search
from docsite.text import searchtext
from docsite.text.variants import Converter, Matcher, Text


def test_each_title_is_converted_once_per_build_and_variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages made in two processes each show titles and summaries of many others (links, previews,
    lists), and the 404 page lists every title: each is converted once per variant, not once in
    each process that shows it."""
    calls = tmp_path / "converted"
    plan = Converter._plan

    def counted(self: Converter, texts: list[Text], matchers: tuple[Matcher, ...]) -> list[str]:
        rules = repr([matcher.forms for matcher in matchers])  # a text is converted once with each set of rules
        with calls.open("a", encoding="utf-8") as out:  # from every process of the build
            out.writelines(f"{self.code}\t{rules}\t{text.source}\x00" for text in texts)
        return plan(self, texts, matchers)

    monkeypatch.setattr(Converter, "_plan", counted)
    result = build(ROOT, jobs=2)
    assert result.ok and len(result.work.makers) > 1
    converted = Counter(calls.read_text(encoding="utf-8").split("\x00"))
    site = load_site(ROOT, Diagnostics(ROOT))
    assert site is not None
    titles = {page.title.source for page in site.pages.values() if not page.title.blocks}  # without markup
    shown = {key: times for key, times in converted.items() if key.rpartition("\t")[2] in titles}
    assert {key.split("\t")[0] for key in shown} == {variant.code for variant in site.config.variants}
    assert {key: times for key, times in shown.items() if times > 1} == {}


_SEGMENT = st.sampled_from(["zh-hans", "zh-hant", "people", "zhou-enlai", "a", "b", "static", "timeline"])
_FOLDER = st.lists(_SEGMENT, max_size=4).map(lambda segments: "".join(s + "/" for s in segments))
_FILE = st.tuples(_FOLDER, st.sampled_from(["style.css", "events.json", "a"])).map("".join)


@given(here=_FOLDER, to=st.one_of(_FOLDER, _FILE), anchor=st.sampled_from(["", "ref-1"]))
def test_a_relative_link_leads_to_its_target_by_the_shortest_way(here: str, to: str, anchor: str) -> None:
    """Read as a browser reads it (urljoin), a link leads to its target, going up no further than
    the nearest folder that holds both."""
    link = relative(here, to, anchor)
    assert urljoin("https://h/" + here, link) == "https://h/" + to + (f"#{anchor}" if anchor else ""), link
    shared = 0
    for mine, theirs in zip(here.split("/")[:-1], to.split("/")[:-1], strict=False):
        if mine != theirs:
            break
        shared += 1
    assert link.count("../") == here.count("/") - shared


def test_a_process_keeps_the_shown_texts_and_forgets_each_parts_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a process making pages keeps of its conversions is bounded by a part, not by every page
    it made: the titles, summaries and labels converted before the processes fork stay, a part's
    paragraphs go when it is done. Seen from the process's converter after each part."""
    held: list[set[str]] = []
    converted: list[int] = []
    render_part = pipeline._render_part

    def watched(stage: pipeline._Stage, part: tuple[pipeline.Unit, ...]) -> object:
        made = render_part(stage, part)
        held.append({key[0] for loc in stage.localizers for key in loc.convert._cache})
        converted.append(sum(loc.convert.stats.texts for loc in stage.localizers))
        return made

    monkeypatch.setattr(pipeline, "_render_part", watched)
    monkeypatch.setattr(pipeline, "UNITS_PER_PART", 20)
    result = build(ROOT, jobs=1)
    assert result.ok and len(held) > 5
    site = load_site(ROOT, Diagnostics(ROOT))
    assert site is not None
    titles = {page.title.source for page in site.pages.values() if not page.title.blocks}
    assert all(titles <= texts for texts in held)  # each title converted once, and kept
    assert all(texts == held[0] for texts in held)  # the same texts after every part
    assert converted[-1] > 3 * len(held[0])  # the parts' own texts, many more, each forgotten


def test_a_process_keeps_the_values_that_come_again_and_only_those(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a memory kept from build to build, a process making pages keeps a page's description
    (every link to it shows it) and not what one part alone shows: a timeline's entries, its overview,
    an event's record in the timeline's data. The preview keeps those too, for its next build."""
    memos: list[dict[str, int]] = []
    render_part = pipeline._render_part

    def watched(stage: pipeline._Stage, part: tuple[pipeline.Unit, ...]) -> object:
        made = render_part(stage, part)
        memos.append({name: len(memo) for loc in stage.localizers for name, memo in loc.memos.items() if memo})
        return made

    monkeypatch.setattr(pipeline, "_render_part", watched)
    assert build(ROOT, jobs=1).ok
    assert memos and {name for kept in memos for name in kept} == {"descriptions"}
    kept = BuildCache(stored=False, memory=True)
    assert build(ROOT, jobs=1, cache=kept).ok
    # what the build kept, for the next to take over
    assert [{name for name, memo in by_name.items() if memo.earlier} for by_name in kept.remembered.values()] \
        == 2 * [{"descriptions", "entries", "charts", "records"}]


# Characters of every kind a token or a stretch may hold: Chinese (some folding together), numerals,
# letters, digits, and what separates them (spaces, commas); and what ends a stretch.
_INSIDE = st.lists(st.sampled_from(list("苏联中国斯大林史達第条條五一二十百万〇零abé12 ,，")), max_size=12).map("".join)
_END = st.sampled_from(list("。!?;\n"))


@st.composite
def _variants(draw: st.DrawFn) -> tuple[str, str]:
    """A text and another that differs from it in at most half its stretches, each changed as a
    phrase said otherwise may be: characters replaced, put in or taken out."""
    stretches = draw(st.lists(_INSIDE, min_size=1, max_size=8))
    ends = draw(st.lists(_END, min_size=len(stretches) - 1, max_size=len(stretches) - 1))
    changed = list(stretches)
    for at in draw(st.sets(st.integers(0, len(stretches) - 1), max_size=len(stretches) // 2)):
        start = draw(st.integers(0, len(changed[at])))
        cut = draw(st.integers(0, 3))
        changed[at] = changed[at][:start] + draw(_INSIDE.map(lambda t: t[:4])) + changed[at][start + cut:]

    def text(parts: list[str]) -> str:
        return parts[0] + "".join(end + part for end, part in zip(ends, parts[1:], strict=True))
    return text(stretches), text(changed)


@given(_variants())
@example(("苏。。联。中", "史。。達。中"))  # both tokens that meet across an empty stretch changed
def test_a_text_counted_from_another_has_the_counts_of_its_own(texts: tuple[str, str]) -> None:
    """The search keys of a page's second variant are counted from its first's where the two differ
    in at most half their stretches: the counts are those of its own tokens, key for key, none left
    at zero, whatever the change (phrases said otherwise, longer or shorter, numerals, words)."""
    first, second = map(searchtext.fold, texts)
    like = searchtext.counted(first)
    made = searchtext.counted(second, like)
    own = searchtext.key_counts(searchtext.tokens(second))
    assert made.changed is not None  # counted from ``like``
    assert dict(made.counts) == dict(own)
    assert made.changed >= {key for key in like.counts.keys() | own.keys() if like.counts[key] != own[key]}


def test_a_pages_second_variant_is_indexed_from_its_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Making the real site, the search keys of a page's traditional text, where it does not fold
    to the simplified one (a phrase said otherwise), are counted from the simplified text's keys
    at the few stretches where the two differ, for nearly every such page."""
    made: list[tuple[str, str]] = []  # each page's id and folded text, as indexed
    recounted: list[str] = []  # the id of each page whose text was counted from another's
    indexed, recount = search.indexed, searchtext._recounted

    def watched_indexed(view: PageView) -> search.IndexedPage:
        made.append((view.id, ""))
        entry = indexed(view)
        text = json.loads(f"[{zlib.decompress(entry.record).decode()}]")[1]
        made[-1] = (view.id, searchtext.fold(text))
        return entry

    def watched_recount(like: searchtext.Counted, stretches: list[str], differ: list[int]) -> searchtext.Counted:
        recounted.append(made[-1][0])
        return recount(like, stretches, differ)

    monkeypatch.setattr(search, "indexed", watched_indexed)
    monkeypatch.setattr(searchtext, "_recounted", watched_recount)
    assert build(ROOT, jobs=1).ok
    texts: dict[str, list[str]] = {}
    for pid, text in made:
        texts.setdefault(pid, []).append(text)
    differing = {pid for pid, (first, second) in texts.items() if first != second}
    assert len(differing) > 10
    assert len(differing & set(recounted)) > 0.75 * len(differing)

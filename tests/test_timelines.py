"""Timelines: EDTF dates at their precision, events, page and named timelines, the overview, exports."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import edtf
import pytest
from conftest import ROOT, run_cli, soup

from docsite.diagnostics import Diagnostics
from docsite.pipeline import load_site
from docsite.text import dates
from docsite.text.variants import Converter


@pytest.mark.parametrize(("text", "hans", "hant", "iso"), [
    ("1950-02-14", "1950年2月14日", "1950年2月14日", ["1950-02-14"]),
    ("1950-02", "1950年2月", "1950年2月", ["1950-02"]),
    ("1950", "1950年", "1950年", ["1950"]),
    ("196X", "20世纪60年代", "20世紀60年代", []),
    ("1950~", "约1950年", "約1950年", []),
    ("1957-09?", "1957年9月（存疑）", "1957年9月（存疑）", []),
    ("1955-09/1957-10", "1955年9月—1957年10月", "1955年9月—1957年10月", ["1955-09", "1957-10"]),
    ("1960~/..", "约1960年起", "約1960年起", []),
    ("[1955-09-01,1955-10-25]", "1955年9月1日或1955年10月25日", "1955年9月1日或1955年10月25日",
     ["1955-09-01", "1955-10-25"]),
])
def test_dates_display_in_each_script_at_their_precision(text: str, hans: str, hant: str, iso: list[str]) -> None:
    date = dates.parse(text)
    assert Converter("zh-hans", "t2s")(date.display()) == hans
    assert Converter("zh-hant", "s2tw")(date.display()) == hant
    assert [p.exact_iso for p in date.points if p.exact_iso] == iso


def test_mixed_precisions_sort_by_earliest_day_then_coarser_first() -> None:
    texts = ["1950-02-14", "1950-02", "195X", "1950", "1949-12-31", "1950-01-02", "[1950-01-05,1951]"]
    ordered = sorted(texts, key=lambda t: dates.parse(t).sort_key)
    assert ordered == ["1949-12-31", "195X", "1950", "1950-01-02", "[1950-01-05,1951]", "1950-02", "1950-02-14"]


@pytest.mark.parametrize("text", ["1950-13", "1950-02-30", "1957/1950", "soon", "1950-2-14", "../.."])
def test_invalid_dates_are_rejected(text: str) -> None:
    with pytest.raises(dates.DateError):
        dates.parse(text)


@pytest.mark.parametrize("text", ["1950", "1950-02~", "1950-02-14?", "1957-09%", "1955-09/1957-10",
                                  "1956/1968-12-24", "1950~/1953?", "1950-02-14/1950-02-14", "1950-03/1950-02",
                                  "1950-02-30/1951", "1949/1950-13"])
def test_the_quick_path_for_common_forms_agrees_with_the_grammar(text: str) -> None:
    """Plain dates and spans between them skip the edtf grammar (tens of milliseconds a date): the
    same value, or an error both ways (the quick path's may be more precise: 'there is no month 13')."""
    def outcome(parse: object) -> object:
        try:
            return parse(text)  # type: ignore[operator]
        except dates.DateError:
            return dates.DateError
    assert outcome(dates._grammar) == outcome(dates.parse.__wrapped__)


def test_every_date_of_the_content_agrees_with_the_edtf_package() -> None:
    """The edtf package has known parser bugs: every date the site shows is parsed and its bounds compared."""
    site = load_site(ROOT, Diagnostics(ROOT))
    assert site is not None
    checked = 0
    for page in site.pages.values():
        for value in page.fields.values():
            if isinstance(value, dates.EDTF):
                parsed = edtf.parse_edtf(value.text)
                if value.start is not None and not value.members:
                    assert tuple(parsed.lower_strict()[:3]) == value.earliest.timetuple()[:3], value.text
                checked += 1
    assert checked >= 40


@pytest.fixture(scope="module")
def tl(site_dir: Path) -> Path:
    return site_dir


def test_site_timeline_lists_every_event_by_year_with_stable_anchors(tl: Path) -> None:
    site = load_site(ROOT, Diagnostics(ROOT))
    events = site.chronology.events
    for variant in ("zh-hans", "zh-hant"):
        page = soup(tl / variant / "timeline" / "index.html")
        anchors = [li["id"] for li in page.select("section.year ol.timeline > li")]
        assert anchors == [e.removeprefix("events/") for e in events]
        years = [int(h["id"][1:]) for h in page.select("section.year h2")]
        assert years == sorted(set(years))
    signed = soup(tl / "zh-hant" / "timeline" / "index.html").select_one("#treaty-signed")
    assert signed.select_one("time")["datetime"] == "1950-02-14"
    assert signed.select_one(".what a")["href"] == "../events/treaty-signed/"
    assert signed.find_parent("section").h2.get_text() == "1950年"


def test_month_precision_is_never_shown_as_a_day(tl: Path) -> None:
    entry = soup(tl / "zh-hant" / "timeline" / "index.html").select_one("#port-arthur-withdrawal")
    assert entry.select_one(".when").get_text() == "1955年5月"
    assert entry.select_one("time")["datetime"] == "1955-05"


def test_filters_work_without_javascript(tl: Path) -> None:
    page = soup(tl / "zh-hans" / "timeline" / "person" / "index.html")
    assert page.select_one('.filters [aria-current="page"]').get_text() == "人物"
    for li in page.select("ol.timeline > li"):
        concerned = [a["href"] for a in li.select(".concerns a")]
        assert any("/people/" in href for href in concerned), li["id"]
    everything = soup(tl / "zh-hans" / "timeline" / "index.html")
    assert len(page.select("ol.timeline > li")) < len(everything.select("ol.timeline > li"))


def test_overview_marks_are_links(tl: Path) -> None:
    svg = soup(tl / "zh-hant" / "timeline" / "index.html").select_one(".overview svg")
    bars = {a.title.get_text(): a["href"] for a in svg.select("a.bar")}
    assert bars["中蘇友好同盟互助條約（1950年4月11日—1980年4月11日）"] == "../treaty/"
    # an event's mark leads to its entry below (a group's, to each of its events)
    lists = svg.find_parent("figure").select(".overview-group a")
    ticks = [a["href"] for a in svg.select("a.point")] + [a["href"] for a in lists]
    assert "#treaty-signed" in ticks
    assert [t.get_text() for t in svg.select(".era text")] == ["中蘇同盟", "分歧公開化至條約期滿"]


def test_page_timeline_links_to_events_and_site_timeline(tl: Path) -> None:
    page = soup(tl / "zh-hant" / "people" / "zhou-enlai" / "index.html")
    entries = page.select(".page-timeline ol.timeline > li")
    assert entries
    first = entries[0]
    assert first.select_one(".what a")["href"].startswith("../../events/")
    assert first.select_one("a.on-timeline")["href"].startswith("../../timeline/#")


def test_event_page_shows_date_concerns_sources_and_its_timelines(tl: Path) -> None:
    page = soup(tl / "zh-hant" / "events" / "treaty-signed" / "index.html")
    assert page.select_one(".facts time")["datetime"] == "1950-02-14"
    assert page.select(".connections a[href='../../treaty/']")
    assert page.select(".references li")
    rows = {li.a.get_text(): li for li in page.select(".in-timelines li")}
    assert set(rows) == {"時間線", "條約的一生", "從同盟到交惡"}
    site_row = rows["時間線"]
    assert site_row.a["href"] == "../../timeline/#treaty-signed"
    assert site_row.select_one("a[rel=prev]")["href"] == "../zhou-arrives-moscow/"
    assert site_row.select_one("a[rel=next]")["href"] == "../treaty-published/"


def test_named_timelines_select_by_id_and_by_page(tl: Path) -> None:
    site = load_site(ROOT, Diagnostics(ROOT))
    aid = site.chronology.named["timelines/aid-projects"]
    assert "events/wuhan-bridge-opens" in aid
    page = soup(tl / "zh-hans" / "timelines" / "aid-projects" / "index.html")
    assert [li["id"] for li in page.select("ol.timeline > li")] == [e.removeprefix("events/") for e in aid]


def test_exports(tl: Path) -> None:
    data = json.loads((tl / "zh-hant" / "timeline" / "events.json").read_text(encoding="utf-8"))["events"]
    first = next(e for e in data if e["id"] == "events/port-arthur-withdrawal")
    assert (first["date"], first["date_display"], first["earliest"], first["latest"]) == (
        "1955-05", "1955年5月", "1955-05-01", "1955-05-31")
    rows = list(csv.DictReader(io.StringIO((tl / "zh-hans" / "timeline" / "events.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == [e["id"] for e in data]
    assert rows[0].keys() == {"id", "anchor", "title", "date", "date_display", "earliest", "latest", "summary", "url",
                              "related", "related_titles", "timelines", "sources"}
    tljs = json.loads((tl / "zh-hant" / "timeline" / "timelinejs.json").read_text(encoding="utf-8"))
    port = next(e for e in tljs["events"] if e["unique_id"] == "port-arthur-withdrawal")
    assert port["start_date"] == {"year": "1955", "month": "5", "display_date": "1955年5月"}
    assert len(tljs["events"]) == len(data) and len(tljs["eras"]) == 2
    for name in ("events.json", "timelinejs.json"):  # as a reader opening them reads them: indented, in any script
        text = (tl / "zh-hant" / "timeline" / name).read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_an_editor_adds_one_event_file_and_it_appears_everywhere(tmp_path: Path) -> None:
    for name in ("site.yaml", "content", "templates", "static"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    (tmp_path / "content" / "events" / "test-bridge-inspection.md").write_text(
        "---\ntitle: 大桥验收\ndate: 1957-09-25\nsummary: 武汉长江大桥建成。\n"
        "related: [projects/wuhan-yangtze-bridge, places/wuhan]\n---\n大桥建成。\n", encoding="utf-8")
    result = run_cli("--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "zh-hant"
    anchors = [li["id"] for li in soup(out / "timeline" / "index.html").select("section.year ol.timeline > li")]
    i = anchors.index("test-bridge-inspection")
    assert anchors.index("wuhan-bridge-construction-begins") < i < anchors.index("wuhan-bridge-opens")
    for page in ("projects/wuhan-yangtze-bridge", "places/wuhan"):
        timeline = soup(out / page / "index.html").select(".page-timeline .what a")
        assert "../../events/test-bridge-inspection/" in [a["href"] for a in timeline], page
    named = soup(out / "timelines" / "aid-projects" / "index.html")
    assert named.select_one("#test-bridge-inspection") is not None
    data = json.loads((out / "timeline" / "events.json").read_text(encoding="utf-8"))["events"]
    assert "events/test-bridge-inspection" in [e["id"] for e in data]

"""The key facts of the documentary, pinned on the rendered pages of both scripts: an edit that
changes a date, a signatory, a place or a figure fails here first."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import soup

VARIANTS = ("zh-hans", "zh-hant")


def facts(site_dir: Path, variant: str, pid: str) -> dict[str, object]:
    page = soup(site_dir / variant / pid / "index.html")
    return {div.dt.get_text(): div.dd for div in page.select(".facts > div")}


def body(site_dir: Path, variant: str, pid: str) -> str:
    return soup(site_dir / variant / pid / "index.html").select_one(".body").get_text()


def dates_of(dd) -> list[str]:
    return [t["datetime"] for t in dd.select("time")]


def links_of(dd) -> list[str]:
    return [a["href"] for a in dd.select("a")]


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_treaty(site_dir: Path, variant: str) -> None:
    label = {"zh-hans": ("签订日期", "生效日期", "失效日期", "签字人", "签订地点"),
             "zh-hant": ("簽訂日期", "生效日期", "失效日期", "簽字人", "簽訂地點")}[variant]
    f = facts(site_dir, variant, "treaty")
    assert dates_of(f[label[0]]) == ["1950-02-14"]
    assert dates_of(f[label[1]]) == ["1950-04-11"]
    assert dates_of(f[label[2]]) == ["1980-04-11"]
    assert links_of(f[label[3]]) == ["../people/zhou-enlai/", "../people/andrey-vyshinsky/"]
    assert links_of(f[label[4]]) == ["../places/moscow-kremlin/"]
    text = body(site_dir, variant, "treaty")
    for fact in ("1979年4月3日", "1980年4月11日", "1950年9月30日", "1979年2月"):  # the seed's date, shown as disputed
        assert fact in text, fact


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_1945_treaty(site_dir: Path, variant: str) -> None:
    f = facts(site_dir, variant, "documents/treaty-1945")
    signed, in_force = ("签订日期", "生效日期") if variant == "zh-hans" else ("簽訂日期", "生效日期")
    assert dates_of(f[signed]) == ["1945-08-14"]
    assert dates_of(f[in_force]) == ["1945-08-24"]
    signatories = f["签字人" if variant == "zh-hans" else "簽字人"]
    assert links_of(signatories) == ["../../people/wang-shijie/", "../../people/vyacheslav-molotov/"]
    assert signatories.a.get_text() == "王世杰"
    assert "1953年2月24日" in body(site_dir, variant, "documents/treaty-1945")


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_agreements_of_the_same_day(site_dir: Path, variant: str) -> None:
    signed = "签订日期" if variant == "zh-hans" else "簽訂日期"
    for pid in ("documents/supplementary-agreement", "documents/changchun-railway-agreement",
                "documents/loan-agreement"):
        assert dates_of(facts(site_dir, variant, pid)[signed]) == ["1950-02-14"], pid
    loan = body(site_dir, variant, "documents/loan-agreement")
    assert "3億美元" in loan if variant == "zh-hant" else "3亿美元" in loan
    assert "1%" in loan
    assert "1952年" in body(site_dir, variant, "documents/changchun-railway-agreement")


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_projects(site_dir: Path, variant: str) -> None:
    period = "时期" if variant == "zh-hans" else "時期"
    bridge = facts(site_dir, variant, "projects/wuhan-yangtze-bridge")[period]
    assert dates_of(bridge) == ["1955-09-01", "1957-10-15"]
    projects = body(site_dir, variant, "projects/156-projects")
    for figure in ("174項" if variant == "zh-hant" else "174项", "154", "150"):
        assert figure in projects, figure
    h6 = body(site_dir, variant, "projects/h-6")
    assert "1968年12月24日" in h6 and "1959年" in h6


@pytest.mark.parametrize(("pid", "day"), [
    ("events/treaty-signed", "1950-02-14"), ("events/treaty-published", "1950-02-15"),
    ("events/treaty-in-force", "1950-04-11"), ("events/ratifications-exchanged", "1950-09-30"),
    ("events/ccr-handover", "1952-12-31"), ("events/experts-withdrawn", "1960-07-16"),
    ("events/nonrenewal-decision", "1979-04-03"), ("events/treaty-expires", "1980-04-11"),
    ("events/mao-arrives-moscow", "1949-12-16"), ("events/kosygin-zhou-airport-talks", "1969-09-11"),
])
@pytest.mark.parametrize("variant", VARIANTS)
def test_event_dates(site_dir: Path, variant: str, pid: str, day: str) -> None:
    label = "日期"
    assert dates_of(facts(site_dir, variant, pid)[label]) == [day]


@pytest.mark.parametrize("variant", VARIANTS)
def test_figures_of_the_withdrawal_of_experts(site_dir: Path, variant: str) -> None:
    text = body(site_dir, variant, "events/experts-withdrawn")
    assert "1390" in text and "343" in text and "257" in text

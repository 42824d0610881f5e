"""The geometry of a timeline's overview: its entries and periods on a broken time axis, the whole
of it and each era of site.yaml (the zoomed views), computed at build time.

Positions are axis units, percent of the chart's width: the chart stretches to its box while marks
and text keep their size in CSS px. The chart is never drawn narrower than ``MIN_WIDTH_PX`` (a
phone scrolls it), so distances given in px there become axis units: marks closer than a hit area
(``HIT_PX``, WCAG 2.5.8's 24 px) merge into a group, and bars with their labels never overlap.

The axis is broken: each year holding something is drawn at scale, and a run of more than
``EMPTY_YEARS`` years holding nothing is cut down to ``CUT_YEARS`` of width, so that empty decades
never take most of the axis. Pure functions of the dates, the labels' lengths and the eras.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MIN_WIDTH_PX = 600  # the narrowest the chart is drawn (CSS: .overview-chart's min-width)
HIT_PX = 24  # the side of every mark's hit area
FONT_PX = 12  # the size of the chart's text
YEAR_PX = 32  # a year's label: "1950" in 12 px digits, a little after its tick
YEAR_GAP_PX = 44  # from one year's label to the next
LANES = 2  # marks alternate between this many lanes, so neighbours may stand closer
EMPTY_YEARS = 2  # more empty years than this in a row are cut out of the axis...
CUT_YEARS = 0.6  # ... down to this width, in years of the axis


def units(px: float) -> float:
    """A distance in CSS px on the narrowest chart, in axis units."""
    return px / MIN_WIDTH_PX * 100


HIT = units(HIT_PX)
PAD = HIT / 2  # the axis starts and ends half a hit area in, so marks at its ends stay whole


@dataclass(frozen=True)
class Item:
    """What an overview draws: an entry of the timeline (an event: a mark, or a bar if it spans
    time) or a page's period (a bar)."""

    id: str
    earliest: dt.date
    latest: dt.date | None  # None: a point in time, or a period still open
    span: bool  # drawn as a bar
    entry: bool  # links to its entry in the timeline's list (else to its page)
    label_em: float  # the width of its label, in ems (bars only)


@dataclass(frozen=True)
class Piece:
    """A stretch of the axis: drawn at scale, or a cut (empty years squeezed)."""

    start: dt.date
    end: dt.date
    x0: float
    x1: float
    cut: bool


@dataclass(frozen=True)
class Axis:
    pieces: tuple[Piece, ...]

    def x(self, day: dt.date) -> float:
        """Where ``day`` falls (days outside the axis fall on its ends)."""
        first, last = self.pieces[0], self.pieces[-1]
        if day <= first.start:
            return first.x0
        if day >= last.end:
            return last.x1
        piece = next(p for p in self.pieces if p.start <= day < p.end)
        share = (day - piece.start).days / (piece.end - piece.start).days
        return round(piece.x0 + share * (piece.x1 - piece.x0), 2)


@dataclass(frozen=True)
class Mark:
    """One entry, or a group of entries too close to tell apart, at the middle of their extent."""

    ids: tuple[str, ...]
    x: float
    lane: int


@dataclass(frozen=True)
class Bar:
    id: str
    entry: bool
    start: float
    end: float
    row: int
    place: str  # where its label goes: "inside", "after" or "before" the bar


@dataclass(frozen=True)
class Band:
    """An era, drawn behind everything; ``index`` is its place in site.yaml."""

    index: int
    start: float
    end: float


@dataclass(frozen=True)
class View:
    key: str  # its name in the address (?zoom=), "" for the whole
    era: int | None  # the era it zooms into (its place in site.yaml)
    first: int  # the first and last years shown
    last: int
    bands: tuple[Band, ...]
    cuts: tuple[Piece, ...]
    scaled: tuple[Piece, ...]
    years: tuple[tuple[int, float], ...]  # axis labels
    bars: tuple[Bar, ...]
    marks: tuple[Mark, ...]

    @property
    def rows(self) -> int:
        return max((b.row for b in self.bars), default=-1) + 1


def label_em(text: str) -> float:
    """The width of a label in ems: a Han character is one, a Latin letter or digit about 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def axis(held: Iterable[dt.date], start: dt.date, end: dt.date) -> Axis:
    """The axis from ``start`` to ``end`` (exclusive): years holding a ``held`` day at scale, runs
    of more than EMPTY_YEARS empty years cut."""
    end = max(end, start + dt.timedelta(days=1))
    years = {d.year for d in held}
    runs: list[tuple[int, int, bool]] = []  # (first year, last year + 1, empty)
    for year in range(start.year, end.year + 1):
        empty = year not in years
        if runs and runs[-1][2] == empty:
            runs[-1] = (runs[-1][0], year + 1, empty)
        else:
            runs.append((year, year + 1, empty))
    stretches = [(max(start, dt.date(a, 1, 1)), min(end, dt.date(b, 1, 1)), empty and b - a > EMPTY_YEARS)
                 for a, b, empty in runs]
    stretches = [(a, b, cut) for a, b, cut in stretches if a < b]
    widths = [CUT_YEARS if cut else (b - a).days / 365.25 for a, b, cut in stretches]
    scale = (100 - 2 * PAD) / sum(widths)
    pieces, x = [], PAD
    for (a, b, cut), width in zip(stretches, widths, strict=True):
        pieces.append(Piece(a, b, round(x, 2), round(x + width * scale, 2), cut))
        x += width * scale
    return Axis(tuple(_merged(pieces)))


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring pieces drawn alike made one."""
    out: list[Piece] = []
    for piece in pieces:
        if out and out[-1].cut == piece.cut:
            out[-1] = Piece(out[-1].start, piece.end, out[-1].x0, piece.x1, piece.cut)
        else:
            out.append(piece)
    return out


def year_labels(ax: Axis) -> tuple[tuple[int, float], ...]:
    """The first day of each year at scale, as far apart as a label needs (the 5s and 10s first
    where years are narrow)."""
    gap, width = units(YEAR_GAP_PX), units(YEAR_PX)
    labels: list[tuple[int, float]] = []
    for piece in (p for p in ax.pieces if not p.cut):
        per_year = (piece.x1 - piece.x0) / max((piece.end - piece.start).days / 365.25, 1 / 365.25)
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if s * per_year >= gap)
        first = piece.start.year + (piece.start != dt.date(piece.start.year, 1, 1))
        for year in range(first, piece.end.year + 1):
            x = ax.x(dt.date(year, 1, 1))
            if (year % step == 0 or year == first) and dt.date(year, 1, 1) < piece.end and x + width <= 100 \
                    and (not labels or x - labels[-1][1] >= gap):
                labels.append((year, x))
    return tuple(labels)


def grouped(points: list[tuple[float, str]], gap: float = HIT / LANES) -> tuple[Mark, ...]:
    """Marks for ``points`` (x, id), in order, taking the lanes in turn: points closer than ``gap``
    merge into a group, and groups closer than ``gap`` again, until every two marks are ``gap``
    apart (and two in the same lane a hit area)."""
    clusters = [[p] for p in sorted(points)]
    merging = True
    while merging:
        merging = False
        out: list[list[tuple[float, str]]] = []
        for cluster in clusters:
            if out and _middle(cluster) - _middle(out[-1]) < gap:
                out[-1] = out[-1] + cluster
                merging = True
            else:
                out.append(cluster)
        clusters = out
    return tuple(Mark(tuple(pid for _, pid in c), round(_middle(c), 2), n % LANES) for n, c in enumerate(clusters))


def _middle(cluster: list[tuple[float, str]]) -> float:
    return (cluster[0][0] + cluster[-1][0]) / 2


def stacked(spans: list[tuple[Item, float, float]]) -> tuple[Bar, ...]:
    """Bars in rows: each with its label inside if it fits, else after it (or before, at the right
    edge), in the first row where neither bar, hit area nor label meets another."""
    air = units(6)
    rows: list[float] = []  # the right edge of what each row holds
    bars = []
    for item, start, end in spans:
        text = units(item.label_em * FONT_PX + 8)
        middle = (start + end) / 2
        left, right = min(start, middle - HIT / 2), max(end, middle + HIT / 2)
        if end - start >= text:
            place = "inside"
        elif right + text <= 100:
            place, right = "after", right + text
        else:
            place, left = "before", left - text
        row = next((i for i, edge in enumerate(rows) if edge + air <= left), len(rows))
        rows[row:row + 1] = [right]
        bars.append(Bar(item.id, item.entry, start, end, row, place))
    return tuple(bars)


def view(items: list[Item], eras: list[tuple[dt.date, dt.date]], start: dt.date, end: dt.date,
         key: str = "", era: int | None = None) -> View:
    """The overview from ``start`` to ``end`` (exclusive): the entries that start then, the bars that
    overlap it (cut at its ends)."""
    shown = [i for i in items
             if start <= i.earliest < end or (i.span and i.earliest < end and (i.latest or end) >= start)]
    held = [d for i in shown for d in (i.earliest, i.latest) if d and start <= d <= end]
    ax = axis(held, start, end)
    spans = sorted(((i, ax.x(i.earliest), ax.x(min(i.latest or end, end))) for i in shown if i.span),
                   key=lambda span: (span[1], span[0].id))
    bands = tuple(Band(n, ax.x(max(a, start)), ax.x(min(b, end))) for n, (a, b) in enumerate(eras)
                  if a < end and b > start)
    return View(key, era, start.year, (end - dt.timedelta(days=1)).year, bands,
                tuple(p for p in ax.pieces if p.cut), tuple(p for p in ax.pieces if not p.cut), year_labels(ax),
                stacked(spans), grouped([(ax.x(i.earliest), i.id) for i in shown if not i.span]))


def views(items: list[Item], open_eras: list[tuple[dt.date, dt.date | None]]) -> list[View]:
    """The whole overview, then one zoomed into each era holding two entries or more (an era
    without an end lasts to the end of the axis)."""
    if not items:
        return []
    first = min(i.earliest for i in items)
    last = max(max(i.earliest, i.latest or i.earliest) for i in items)
    start, end = dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1)
    eras = [(a, b or end) for a, b in open_eras]
    out = [view(items, eras, start, end)]
    keys = {""}
    for n, (a, b) in enumerate(eras):
        if sum(1 for i in items if i.entry and a <= i.earliest <= b) >= 2:
            key = f"{a.year}-{b.year}"
            key = key if key not in keys else f"{key}-{n + 1}"
            keys.add(key)
            out.append(view(items, eras, a, b + dt.timedelta(days=1), key, n))
    return out

"""Dates in EDTF (Library of Congress), shown in Chinese at the precision they were written.

The grammar is the ``edtf`` package's (it validates every form of EDTF levels 0-2); this module
turns what it parsed into the few shapes a documentary needs and says them in Chinese:
``1950``, ``1950-02``, ``1950-02-14``, unspecified digits ``196X`` / ``19XX``, qualifiers ``~``
(approximate), ``?`` (uncertain) and ``%`` (both), intervals ``1955-09/1957-10-15`` with open ends
(``1960~/..``), one-of sets ``[1955-09-01,1955-10-25]`` for disputed dates and all-of sets
``{1969-03-02,1969-03-15}``. Sorting uses the earliest possible day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

_SHAPE = re.compile(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?")
_PLAIN = re.compile(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?([~?%])?$")
HINT = ("write a date as 1950-02-14, 1950-02 or 1950; a span as 1955-09-01/1957-10-15; a decade as 196X; "
        "approximate 1950~, uncertain 1950?; disputed [1955-09-01,1955-10-25]")


class DateError(ValueError):
    pass


@dataclass(frozen=True)
class Point:
    year: int  # first year the point can be
    span: int  # 1 for a year, 10 for 196X, 100 for 19XX
    month: int | None = None
    day: int | None = None
    approximate: bool = False
    uncertain: bool = False

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        year = self.year + self.span - 1
        month = self.month or 12
        return dt.date(year, month, self.day or calendar.monthrange(year, month)[1])

    @property
    def exact_iso(self) -> str | None:
        """ISO form for <time datetime> and schema.org, only when the point is exact."""
        if self.span != 1 or self.approximate or self.uncertain:
            return None
        return "-".join([f"{self.year:04d}"] + [f"{n:02d}" for n in (self.month, self.day) if n])

    def display(self, after: Point | None = None) -> str:
        """Chinese, in simplified script; the variant's converter turns it into its own. As the end of an
        interval from ``after``, without the year and month they share: 1969年3月2日—17日."""
        same_year = (after is not None and self.span == after.span == 1 and self.year == after.year
                     and bool(self.month and after.month))
        same_month = same_year and after is not None and self.month == after.month and bool(self.day and after.day)
        if self.span == 100:
            text = f"{self.year // 100 + 1}世纪"
        elif self.span == 10:
            text = f"{self.year // 100 + 1}世纪{self.year % 100:02d}年代"
        else:
            text = "" if same_year else f"{self.year}年"
            text += (f"{self.month}月" if self.month and not same_month else "") + (f"{self.day}日" if self.day else "")
        if self.approximate:
            text = "约" + text
        if self.uncertain:
            text += "（存疑）"
        return text


@dataclass(frozen=True)
class EDTF:
    text: str
    start: Point | None  # a single point, or an interval's start (None: open)
    end: Point | None = None  # an interval's end (None: open)
    is_interval: bool = False
    members: tuple[Point, ...] = ()  # a set's dates
    one_of: bool = False  # [a,b]: one of them (disputed); {a,b}: all of them

    @property
    def points(self) -> tuple[Point, ...]:
        return self.members or tuple(p for p in (self.start, self.end) if p)

    @property
    def earliest(self) -> dt.date:
        return min(p.earliest for p in self.points)

    @property
    def latest(self) -> dt.date:
        return max(p.latest for p in self.points)

    @property
    def sort_key(self) -> tuple[str, int, str]:
        """Earliest possible day; then the less precise first (195X, 1950, 1950-02, 1950-02-14); then the text."""
        first = min(self.points, key=lambda p: p.earliest)
        precision = 4 if first.day else 3 if first.month else {1: 2, 10: 1}.get(first.span, 0)
        return (self.earliest.isoformat(), precision, self.text)

    def parts(self) -> list[Point | str]:
        """The points and the words between them, in reading order: 1955年9月 — 1957年10月."""
        if self.members:
            joiner = "或" if self.one_of else "、"
            return [part for i, p in enumerate(self.members) for part in ([joiner] if i else []) + [p]]
        start, end = self.start, self.end
        if not self.is_interval and start is not None:
            return [start]
        if self.is_interval and start is None and end is not None:
            return ["至", end]
        if self.is_interval and start is not None:
            return [start, "起"] if end is None else [start, "—", end]
        raise ValueError(f"'{self.text}' holds no date")  # ``parse`` makes none such

    def shown(self) -> list[tuple[Point | str, str]]:
        """Each part with the text it shows: an interval's end without what it shares with the start."""
        parts = self.parts()
        start = self.start if self.is_interval and not self.members else None
        return [(p, p if isinstance(p, str) else p.display(start if i == len(parts) - 1 and i else None))
                for i, p in enumerate(parts)]

    def display(self) -> str:
        return "".join(text for _, text in self.shown())


@lru_cache(maxsize=1 << 14)  # more than the dates of a 10,000-page site; bounded for a preview left running
def parse(text: str) -> EDTF:
    """Parse an EDTF date; raises DateError saying what is wrong. (Cached: the grammar is slow.)"""
    text = str(text).strip()
    point = _plain(text, text)
    if point:  # the common forms, without the grammar (which costs tens of milliseconds a date)
        return EDTF(text, point)
    first, slash, last = text.partition("/")
    start, end = (_plain(first, text), _plain(last, text)) if slash else (None, None)
    if start and end:  # a span between two of them
        return _interval(text, start, end)
    return _grammar(text)


def _plain(part: str, text: str) -> Point | None:
    """A year, month or day, maybe approximate or uncertain (1950, 1950-02~, 1950-02-14?), or None."""
    match = _PLAIN.match(part)
    if not match:
        return None
    year, month, day, q = match.groups()
    point = Point(int(year), 1, int(month) if month else None, int(day) if day else None,
                  approximate=q in ("~", "%"), uncertain=q in ("?", "%"))
    _check(point, text)
    return point


def _grammar(text: str) -> EDTF:
    """Every other form, by the edtf package's grammar: imported here, since building it is a
    quarter of what a build from the command line spends importing (60 ms), and plain dates, most
    of a site's, and the pages an edit build takes from .cache/ need none."""
    import edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        parsed = edtf.parse_edtf(text)
    except EDTFParseException:
        raise DateError(_why(text)) from None
    if hasattr(parsed, "objects"):  # OneOfASet [a,b] or MultipleDates {a,b}
        return EDTF(text, None, members=tuple(_point(o, text) for o in parsed.objects), one_of=text.startswith("["))
    if hasattr(parsed, "lower"):
        return _interval(text, _end(parsed.lower, text), _end(parsed.upper, text))
    return EDTF(text, _point(parsed, text))


def _interval(text: str, start: Point | None, end: Point | None) -> EDTF:
    if start is None and end is None:
        raise DateError(f"'{text}': an interval needs at least one known end")
    if start and end and end.latest < start.earliest:
        raise DateError(f"'{text}': the interval ends before it starts")
    return EDTF(text, start, end, is_interval=True)


def _end(obj: object, text: str) -> Point | None:
    return None if type(obj).__name__ == "UnspecifiedIntervalSection" else _point(obj, text)


def _point(obj: object, text: str) -> Point:
    """A Point from the edtf package's Date, Unspecified or UncertainOrApproximate."""
    ua = getattr(obj, "ua", None)
    date = getattr(obj, "date", obj)
    year, month, day = (getattr(date, f"_{part}", None) for part in ("year", "month", "day"))
    if not isinstance(year, str) or not re.fullmatch(r"\d{2}(?:\d\d|\dX|XX)", year) or "X" in f"{month}{day}":
        raise DateError(f"'{text}': this form of EDTF is valid but not supported here")
    span = 10 ** year.count("X")
    if span > 1 and month:
        raise DateError(f"'{text}': a decade or century cannot have a month")
    approximate = bool(ua and (ua._is_approximate or ua._uncertain_and_approximate))
    uncertain = bool(ua and (ua._is_uncertain or ua._uncertain_and_approximate))
    point = Point(int(year.replace("X", "0")), span, int(month) if month else None, int(day) if day else None,
                  approximate, uncertain)
    _check(point, text)
    return point


#: The last year a date may reach: a timeline's axis runs to the end of the year after its last
#: date, and Python's calendar ends with 9999.
LAST_YEAR = dt.MAXYEAR - 2


def _check(point: Point, text: str) -> None:
    """Reject what the calendar does not have: month 13, 30 February, the year 0."""
    if point.year < 1:
        raise DateError(f"'{text}': years before 1 CE are not supported")
    if point.year + point.span > LAST_YEAR + 1:
        raise DateError(f"'{text}': years after {LAST_YEAR} are not supported")
    if point.month is not None and not 1 <= point.month <= 12:
        raise DateError(f"'{text}': there is no month {point.month}")
    if point.day is not None and not 1 <= point.day <= calendar.monthrange(point.year, point.month or 1)[1]:
        raise DateError(f"'{text}': month {point.month} of {point.year} has no day {point.day}")


def _why(text: str) -> str:
    """A reason an editor understands, for the commonest mistakes; else EDTF's own verdict."""
    match = _SHAPE.match(text)
    if match:
        month, day = (int(g) if g else None for g in match.groups()[1:])
        try:
            _check(Point(int(match.group(1)), 1, month, day), text)  # the year is always there
        except DateError as exc:
            return str(exc)
    return f"'{text}' is not an EDTF date"

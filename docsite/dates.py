"""Dates in the EDTF subset historians need, shown in Chinese at the precision they were written.

Supported: ``1950``, ``1950-02``, ``1950-02-14``, unspecified digits ``196X`` / ``19XX``, qualifiers
``~`` (approximate), ``?`` (uncertain), ``%`` (both), and intervals ``1955-09/1957-10-15`` with open
ends (``1960/..``). Sorting uses the earliest possible day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_POINT = re.compile(r"^(?P<year>\d{2}(?:\d\d|\dX|XX))(?:-(?P<month>\d\d)(?:-(?P<day>\d\d))?)?(?P<q>[~?%])?$")


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
    def exact_iso(self) -> str | None:
        """ISO form for <time datetime>, only when the point is exact."""
        if self.span != 1 or self.approximate or self.uncertain:
            return None
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    def display(self) -> str:
        """Chinese form in simplified script; the variant's converter turns it into its own."""
        if self.span == 100:
            text = f"{self.year // 100 + 1}世纪"
        elif self.span == 10:
            text = f"{self.year // 100 + 1}世纪{self.year % 100:02d}年代"
        else:
            text = f"{self.year}年"
            if self.month:
                text += f"{self.month}月"
            if self.day:
                text += f"{self.day}日"
        if self.approximate:
            text = "约" + text
        if self.uncertain:
            text += "（存疑）"
        return text


@dataclass(frozen=True)
class EDTF:
    text: str
    start: Point | None  # None: open start (..)
    end: Point | None = None  # set for intervals; None with is_interval means open end
    is_interval: bool = False

    @property
    def sort_key(self) -> dt.date:
        return (self.start or self.end).earliest  # type: ignore[union-attr]

    def display(self) -> str:
        if not self.is_interval:
            return self.start.display()  # type: ignore[union-attr]
        left = self.start.display() if self.start else "？"
        right = self.end.display() if self.end else ""
        return f"{left}—{right}"


def _point(text: str) -> Point:
    match = _POINT.match(text)
    if not match:
        raise DateError(f"'{text}' is not a date")
    year_text, month, day, q = match.group("year", "month", "day", "q")
    span = 10 ** year_text.count("X")
    if span > 1 and month:
        raise DateError(f"'{text}': a decade or century cannot have a month")
    year = int(year_text.replace("X", "0"))
    m = int(month) if month else None
    d = int(day) if day else None
    if m is not None and not 1 <= m <= 12:
        raise DateError(f"'{text}': there is no month {m}")
    if d is not None and not 1 <= d <= calendar.monthrange(year, m or 1)[1]:
        raise DateError(f"'{text}': month {m} of {year} has no day {d}")
    return Point(year, span, m, d, approximate=q in ("~", "%"), uncertain=q in ("?", "%"))


def parse(text: str) -> EDTF:
    """Parse an EDTF date; raises DateError saying what is wrong."""
    text = str(text).strip()
    if "/" in text:
        left, _, right = text.partition("/")
        start = None if left in ("..", "") else _point(left)
        end = None if right in ("..", "") else _point(right)
        if start is None and end is None:
            raise DateError(f"'{text}': an interval needs at least one end")
        if start and end and end.earliest < start.earliest:
            raise DateError(f"'{text}': the interval ends before it starts")
        return EDTF(text, start, end, is_interval=True)
    return EDTF(text, _point(text))


HINT = "write a date as 1950-02-14, 1950-02 or 1950; a span as 1955-09-01/1957-10-15; a decade as 196X"

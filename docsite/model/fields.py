"""The kinds of front-matter field, one class each: how a value is written (and its mistakes
reported), which pages it names, how a variant shows it, and what it states in JSON-LD.

Every stage asks the field's kind instead of switching on its name, so a new kind is one class: a
subclass of ``FieldKind`` with a ``name`` is in ``KINDS`` by being defined, and site.yaml names the
``declarable`` kinds by that name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from urllib.parse import quote

from markupsafe import Markup

from docsite.diagnostics import Diagnostics
from docsite.model import geo
from docsite.model.view import Link
from docsite.text import dates
from docsite.text.dates import EDTF
from docsite.text.sourcetext import LocMap, not_text, whole
from docsite.text.variants import KNOWN_CODES, MarkupError, Rule, Text, protect

if TYPE_CHECKING:
    from docsite.model.config import Variant

#: Conversion rules as a page holds them: layers of rules, the first layer first (see Page.layers).
Layers = tuple[tuple[Rule, ...], ...]

DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
GLOSSARY_ENTRY = "a glossary entry maps variant codes to forms"
GLOSSARY_HINT = (f"for example {{zh-hans: 维辛斯基, zh-hant: 維辛斯基}} or, one-way, {{from: 数据, zh-hant: 資料}}; "
                 f"codes: {', '.join(sorted(KNOWN_CODES))}")


class FieldError(ValueError):
    """A value a kind cannot take: ``offset`` points into a one-line value, ``part`` names the
    part at fault (a key of a mapping value)."""

    def __init__(self, message: str, hint: str = "", offset: int = 0, part: str | None = None):
        super().__init__(message)
        self.message, self.hint, self.offset, self.part = message, hint, offset, part


@dataclass(frozen=True)
class Written:
    """A front-matter value where the editor wrote it: its problems are reported at its line."""

    name: str
    path: Path
    locs: LocMap
    diags: Diagnostics

    def fail(self, problem: FieldError) -> None:
        """Report ``problem`` at the value, or at the key of the part at fault."""
        line, col = self.locs.get((self.name,), (1, 0))
        if problem.part is not None:
            line, col = self.locs.get((self.name, problem.part, "__key__"), (line, col))
        elif col:
            col += problem.offset
        self.diags.error(self.path, line, f"'{self.name}': {problem.message}", problem.hint, col=col)

    def fail_item(self, index: int, message: str, hint: str = "") -> None:
        """Report ``message`` about one item of a list value, at the item's line."""
        line = self.locs.get((self.name, index), self.locs.get((self.name,), (1, 0)))[0]
        self.diags.error(self.path, line, message, hint)


class Shows(Protocol):
    """What showing a value needs of a variant's views (docsite/stages/views.py's Localizer)."""

    @property
    def variant(self) -> Variant: ...

    def text(self, text: Text | str, layers: Layers = ()) -> str: ...

    def date(self, date: EDTF) -> Markup: ...

    def link(self, from_dir: str, name: str) -> Link: ...


class States(Protocol):
    """What stating a value in JSON-LD needs (docsite/stages/jsonld.py)."""

    def text(self, text: Text | str, layers: Layers = ()) -> str: ...

    def thing(self, name: str) -> dict[str, str] | None: ...


#: Every kind, by its name: each subclass of ``FieldKind`` that names itself.
KINDS: dict[str, FieldKind] = {}


class FieldKind:
    """A kind of field. Subclasses say what differs from this: a value kept as written."""

    name: ClassVar[str]
    #: Whether site.yaml may give a type's field this kind; the others serve fields every page has.
    declarable: ClassVar[bool] = True
    #: Whether a type may be ordered by a field of this kind (see ``sort_key``).
    orderable: ClassVar[bool] = False
    #: Whether the pages of a type ordered by a field of this kind are read in sequence (previous, next).
    sequence: ClassVar[bool] = False

    def parse(self, value: Any, written: Written) -> Any:
        """The value as the stages use it; raises ``FieldError`` about a value it cannot be."""
        return value

    def references(self, value: Any) -> list[tuple[str, tuple[int, ...]]]:
        """The pages the value names (an id or a title), each with where in the value it is written."""
        return []

    def show(self, value: Any, shows: Shows, layers: Layers, here: str) -> Markup:
        """The value as readers of a variant see it, on the page in folder ``here``."""
        return Markup.escape(str(value))

    def state(self, value: Any, states: States, layers: Layers) -> Any:
        """The value of the schema.org property the field fills, or None to state nothing."""
        return value

    def sort_key(self, value: Any) -> Any:
        """What pages of a type ordered by the field are sorted by (for ``orderable`` kinds)."""
        return value

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "name" in cls.__dict__:  # a kind, not a base of kinds (PagesKind)
            KINDS[cls.name] = cls()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class TextKind(FieldKind):
    """Text in either script, with conversion markup; converted for each variant."""

    name = "text"

    def parse(self, value: Any, written: Written) -> Text:
        if not isinstance(value, str) or value == "":  # a number is text as written (see sourcetext.Unquoted)
            raise FieldError(*not_text(value))
        try:
            return protect(value)
        except MarkupError as exc:
            raise FieldError(str(exc), exc.hint, 0 if "\n" in value else exc.offset) from exc

    def show(self, value: Any, shows: Shows, layers: Layers, here: str) -> Markup:
        return Markup.escape(shows.text(value, layers))

    def state(self, value: Any, states: States, layers: Layers) -> Any:
        return states.text(value, layers)


class IntKind(FieldKind):
    """A whole number; a type ordered by one (articles by their number) is read in sequence."""

    name = "int"
    orderable = sequence = True

    def parse(self, value: Any, written: Written) -> int:
        number = whole(value)
        if number is None:
            raise FieldError("expected a whole number", "write it in digits, without quotes, e.g. 7")
        return number


class BoolKind(FieldKind):
    name = "bool"

    def parse(self, value: Any, written: Written) -> bool:
        if not isinstance(value, bool):
            raise FieldError("expected true or false")
        return value


class DateKind(FieldKind):
    """An EDTF date or interval; shown as <time> where exact, stated only at the precision written."""

    name = "date"
    orderable = True

    def parse(self, value: Any, written: Written) -> EDTF:
        if not isinstance(value, str):
            raise FieldError("expected a date", dates.HINT)
        try:
            return dates.parse(value)
        except dates.DateError as exc:
            raise FieldError(str(exc), dates.HINT) from exc

    def show(self, value: Any, shows: Shows, layers: Layers, here: str) -> Markup:
        return shows.date(value)

    def state(self, value: Any, states: States, layers: Layers) -> Any:
        return value.start.exact_iso if value.start else None

    def sort_key(self, value: Any) -> Any:
        return value.sort_key


class PagesKind(FieldKind):
    """A kind whose value names pages (by id or title): shown as links, stated as the things they describe."""

    def show(self, value: Any, shows: Shows, layers: Layers, here: str) -> Markup:
        # one per line: titles such as 关于中国长春铁路、旅顺口及大连的协定 contain the list comma
        links = [shows.link(here, name) for name, _ in self.references(value)]
        return Markup("<br>").join(Markup('<a href="{}">{}</a>').format(link.url, link.title) for link in links)

    def state(self, value: Any, states: States, layers: Layers) -> Any:
        things = [thing for name, _ in self.references(value) if (thing := states.thing(name))]
        return (things[0] if len(things) == 1 else things) or None


class RefKind(PagesKind):
    """A page."""

    name = "ref"

    def parse(self, value: Any, written: Written) -> str:
        if not isinstance(value, str):
            raise FieldError("expected a page id such as people/zhou-enlai")
        return value

    def references(self, value: Any) -> list[tuple[str, tuple[int, ...]]]:
        return [(value, ())]


def _names(value: Any) -> list[str]:
    """A list of names (a single one may be written without brackets)."""
    return _names_list(value, "expected a list, e.g. [people/zhou-enlai, places/moscow]")


def _names_list(value: Any, problem: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FieldError(problem)
    return value


class RefsKind(PagesKind):
    """Pages."""

    name = "refs"

    def parse(self, value: Any, written: Written) -> list[str]:
        return _names(value)

    def references(self, value: Any) -> list[tuple[str, tuple[int, ...]]]:
        return [(name, (i,)) for i, name in enumerate(value)]


class NamesKind(FieldKind):
    """Names in other languages, by language tag: shown as written, never converted."""

    name = "names"

    def parse(self, value: Any, written: Written) -> dict[str, str]:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise FieldError("expected language: name lines, e.g. ru: Андрей Вышинский")
        return value

    def show(self, value: Any, shows: Shows, layers: Layers, here: str) -> Markup:
        return Markup("<br>").join(Markup('<span lang="{}">{}</span>').format(lang, name)
                                   for lang, name in value.items())

    def state(self, value: Any, states: States, layers: Layers) -> Any:
        return [{"@value": name, "@language": lang} for lang, name in value.items()]


class AliasesKind(FieldKind):
    """Other names of what a page is about (short names, former names, spellings in Latin letters), in
    either script: search finds the page by them as by its title, and never shows them."""

    name = "aliases"
    declarable = False

    def parse(self, value: Any, written: Written) -> tuple[Text, ...]:
        names = _names_list(value, "expected a list of names, e.g. [中长铁路, Chinese Changchun Railway]")
        try:
            return tuple(protect(str(name)) for name in names)
        except MarkupError as exc:
            raise FieldError(str(exc), exc.hint) from exc


class WikipediaKind(FieldKind):
    """The title of a Chinese Wikipedia article."""

    name = "wikipedia"

    def parse(self, value: Any, written: Written) -> str:
        if not isinstance(value, str) or not value.strip():
            raise FieldError("expected the title of a Chinese Wikipedia article, e.g. 外蒙古独立")
        return value.strip()

    def show(self, value: Any, shows: Shows, layers: Layers, here: str) -> Markup:
        # zh.wikipedia.org serves every script variant under its own path: send readers to theirs.
        url = f"https://zh.wikipedia.org/{shows.variant.code}/{quote(value)}"
        return Markup('<a href="{}" rel="external">{}</a>').format(url, shows.text(value))

    def state(self, value: Any, states: States, layers: Layers) -> Any:
        return f"https://zh.wikipedia.org/wiki/{quote(value)}"


class GeoKind(FieldKind):
    """A point on the earth, {lat: ..., lon: ...} in decimal degrees (see docsite/model/geo.py)."""

    name = "geo"

    def parse(self, value: Any, written: Written) -> geo.Point:
        try:
            return geo.parse(value)
        except geo.GeoError as exc:
            raise FieldError(str(exc), geo.HINT, part=exc.key) from exc

    def show(self, value: Any, shows: Shows, layers: Layers, here: str) -> Markup:
        return Markup.escape(shows.text(geo.display(value)))

    def state(self, value: Any, states: States, layers: Layers) -> Any:
        return {"@type": "GeoCoordinates", "latitude": value.lat, "longitude": value.lon}


class DayKind(FieldKind):
    """A day of the calendar, written 2026-11-30 (a page's ``changed``: when it was last changed)."""

    name = "day"
    declarable = False

    def parse(self, value: Any, written: Written) -> str:
        try:
            if isinstance(value, str) and DAY.match(value):
                return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
        raise FieldError("expected a day such as 2026-11-30")


class TagsKind(FieldKind):
    """Tags of content/tags.yaml, by slug."""

    name = "tags"
    declarable = False

    def parse(self, value: Any, written: Written) -> list[str]:
        return _names(value)


class SourcesKind(TagsKind):
    """Sources of content/sources.yaml, by key."""

    name = "sources"


class GlossaryKind(FieldKind):
    """The page's own glossary: conversion rules for its words, as glossary.yaml's entries."""

    name = "glossary"
    declarable = False

    def parse(self, value: Any, written: Written) -> list[Rule]:
        if not isinstance(value, list):
            raise FieldError(GLOSSARY_ENTRY, GLOSSARY_HINT)
        rules = []
        for i, entry in enumerate(value):
            found = rule(entry)
            if found is None:
                written.fail_item(i, GLOSSARY_ENTRY, GLOSSARY_HINT)
            else:
                rules.append(found)
        return rules


def rule(entry: Any) -> Rule | None:
    """The conversion rule of a glossary entry ({zh-hans: ..., zh-hant: ..., note: ...}), if it is one.

    With ``from`` it is one-way, as ``-{H|数据=>zh-hant:資料;}-``: that word becomes the forms given in
    their variants only (a two-way rule would also turn 资料 into 数据 in zh-hans)."""
    if not isinstance(entry, dict):
        return None
    source = entry.get("from")
    forms = {k: v for k, v in entry.items() if k not in ("note", "from")}
    if not forms or not all(k in KNOWN_CODES and isinstance(v, str) and v for k, v in forms.items()):
        return None
    if source is None:
        return Rule(tuple(forms.items()))
    if not isinstance(source, str) or not source:
        return None
    return Rule(tuple(forms.items()), (source,) * len(forms))

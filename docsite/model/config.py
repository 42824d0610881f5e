"""The site's configuration as the stages receive it: variants, page types and their fields,
navigation, lint and chronology settings (read from site.yaml by ``docsite.config.settings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from docsite.model.fields import KINDS, FieldKind
from docsite.text.dates import EDTF
from docsite.text.variants import Text


@dataclass(frozen=True)
class Variant:
    code: str  # path segment and markup code, e.g. zh-hant
    label: str  # shown in the switcher exactly as written
    lang: str  # BCP 47 tag for <html lang>, e.g. zh-Hant
    opencc: str  # OpenCC configuration, e.g. s2tw


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    label: str  # none for the fields every page has: their labels are interface strings (templates/interface.html)
    required: bool = False
    schema: str = ""  # the schema.org property it fills in the page's JSON-LD, e.g. birthDate


#: Fields every page may have; types add their own in site.yaml.
COMMON = {name: FieldSpec(name, KINDS[kind], "") for name, kind in (
    ("title", "text"), ("summary", "text"), ("date", "date"), ("period", "date"), ("related", "refs"),
    ("tags", "tags"), ("sources", "sources"), ("draft", "bool"), ("glossary", "glossary"),
    ("changed", "day"),  # the day of the last change worth citing, when git's is not the one
    ("aliases", "aliases"),  # other names search finds the page by
)}


@dataclass(frozen=True)
class PageType:
    name: str
    pattern: str  # glob over page ids, e.g. "people/*"
    label: str
    plural: str
    list_id: str | None  # id of the generated list page, if any
    template: str
    order: str  # "id", "date" (the page's date or period) or one of its fields (an int or a date)
    fields: tuple[FieldSpec, ...]
    schema: str = ""  # the schema.org type of what its pages describe, e.g. Person; none: a plain WebPage
    plain_text: bool = False  # whether each page is also published as a plain-text file, per variant

    @cached_property
    def every_field(self) -> dict[str, FieldSpec]:
        """The fields its pages may have, by name: those of every page, then its own (asked for by
        every field of every page)."""
        return COMMON | {spec.name: spec for spec in self.fields}

    @property
    def sequence(self) -> bool:
        """Whether its pages are read one after the other (articles, by their number)."""
        spec = self.every_field.get(self.order)
        return spec is not None and spec.kind.sequence


@dataclass(frozen=True)
class NavItem:
    id: str  # a page, a type's list page, or "tags"
    label: str | None  # shown instead of the target's title, for long titles


@dataclass(frozen=True)
class LintConfig:
    """Settings of the conversion lint (see docsite/text/lint.py)."""

    characters: dict[str, dict[str, list[str]]]  # added to docsite/text/risky.yaml: character -> form -> words
    accept: tuple[str, ...] = ()  # words reviewed and found right as OpenCC converts them
    names_from: tuple[str, ...] = ()  # types whose page titles are names of people


@dataclass(frozen=True)
class TimelineConfig:
    """Which pages make the chronology (see docsite/stages/timelines.py)."""

    entries: tuple[str, ...] = ()  # types whose dated pages are timeline entries (events)
    named: str = ""  # the type of named timelines (pages that select entries)
    events_field: str = ""  # the field of a named timeline that lists its entries
    concerning_field: str = ""  # the field of a named timeline that names pages whose entries it shows
    timelines_field: str = ""  # the field of an entry that names the named timelines it is on
    eras: tuple[tuple[Text, EDTF], ...] = ()  # bands on the overview


@dataclass(frozen=True)
class ContentsConfig:
    """Which pages get a table of contents: those long enough to need one."""

    min_length: int = 2000  # characters of the body's text, spaces not counted
    min_headings: int = 3  # the body's headings of levels 2 and 3 (## and ###)


@dataclass(frozen=True)
class MapsConfig:
    """Maps (see docsite/stages/maps.py): pages with a geo field have one each, and a map page shows them all."""

    places_of: tuple[str, ...] = ()  # types whose pages show the located pages they name on a map of their own


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str
    tagline: str
    base_url: str
    variants: tuple[Variant, ...]
    types: tuple[PageType, ...]
    nav: tuple[NavItem, ...]
    allow_html: bool
    lint: LintConfig
    timeline: TimelineConfig
    contents: ContentsConfig = ContentsConfig()
    maps: MapsConfig = MapsConfig()

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    def variant(self, code: str) -> Variant | None:
        return next((v for v in self.variants if v.code == code), None)

"""The settings site.yaml may hold, declared with their defaults and what may be written for each
(as MkDocs' config/defaults.py declares mkdocs.yml's); ``docsite.config.settings`` reads a site.yaml
with them.
"""

from __future__ import annotations

from typing import Any

from docsite.config.options import (
    Address,
    At,
    Bool,
    Choice,
    Count,
    Date,
    Invalid,
    ListOf,
    MapOf,
    Option,
    Section,
    Str,
    TextOption,
)
from docsite.model.config import (
    ContentsConfig,
    FieldSpec,
    LintConfig,
    MapsConfig,
    NavItem,
    PageType,
    TimelineConfig,
    Variant,
)
from docsite.model.fields import KINDS, FieldKind
from docsite.text.variants import opencc_configs


def bcp47(code: str) -> str:
    """zh-hans -> zh-Hans, zh-tw -> zh-TW: the tag browsers use to pick glyphs."""
    parts = code.split("-")
    return "-".join([parts[0]] + [p.title() if len(p) == 4 else p.upper() for p in parts[1:]])


VARIANT = Section(
    {"code": Str(pattern=r"^zh(-[a-z]{2,4})?$", message="'{value}' is not a Chinese variant code",
                 hint="use a code such as zh-hans, zh-hant, zh-tw or zh-hk"),
     "label": Str(),
     "opencc": Choice(lambda: {name: name for name in opencc_configs()}, "OpenCC configuration"),
     "lang": Str(default=None)},
    lambda code, label, opencc, lang: Variant(code, label, lang or bcp47(code), opencc),
    incomplete=("a variant needs code, label and opencc", "for example {code: zh-hant, label: 繁體中文, opencc: s2tw}"),
)


def _kinds() -> dict[str, FieldKind]:
    """The kinds a type's fields may have."""
    return {name: kind for name, kind in KINDS.items() if kind.declarable}


FIELD = Section(
    {"kind": Choice(_kinds, "field kind", default=KINDS["text"]), "label": Str(default=None),
     "required": Bool(default=False), "schema": Str(default="")},
    lambda name, kind, label, required, schema: FieldSpec(name, kind, name if label is None else label, required,
                                                          schema),
    unknown="unknown setting '{key}' of the field '{name}'", named=True,
)


def _page_type(name: str, pattern: str | None, label: str | None, plural: str | None, list: str | None,
               template: str | None, order: str, fields: dict[str, FieldSpec], schema: str,
               plain_text: bool) -> PageType:
    label = name if label is None else label
    ptype = PageType(name, f"{name}/*" if pattern is None else pattern, label, label if plural is None else plural,
                     list, f"{name}.html" if template is None else template, order, tuple(fields.values()), schema,
                     plain_text)
    spec = ptype.every_field.get(order)
    if order not in ("id", "date") and (spec is None or not spec.kind.orderable):
        orderable = sorted(f.name for f in ptype.fields if f.kind.orderable)
        raise Invalid(f"type '{name}' cannot be ordered by '{order}'",
                      f"order: id, date or a number or date field of the type ({', '.join(orderable) or 'none'})",
                      key="order")
    return ptype


PAGE_TYPE = Section(
    {"pattern": Str(default=None), "label": Str(default=None), "plural": Str(default=None),
     "list": Str(default=None), "template": Str(default=None), "order": Str(default="date"),
     "fields": MapOf(FIELD), "schema": Str(default=""), "plain_text": Bool(default=False)},
    _page_type, unknown="unknown setting '{key}' in type '{name}'", named=True,
)


class NavEntry(Option[NavItem]):
    """A page id, or {id: ..., label: ...} to show a label instead of a long title."""

    def check(self, value: Any, at: At) -> NavItem:
        if isinstance(value, str):
            return NavItem(value, None)
        if isinstance(value, dict) and isinstance(value.get("id"), str) and value.keys() <= {"id", "label"}:
            return NavItem(value["id"], Str().check(value["label"], at) if "label" in value else None)
        raise Invalid("a navigation entry is a page id or {id: ..., label: ...}",
                      "for example: nav: [{id: treaty, label: 条约}, people, places]")


class Characters(Option[dict[str, dict[str, list[str]]]]):
    """lint.characters: a character -> its forms -> the words each form is right in."""

    def check(self, value: Any, at: At) -> dict[str, dict[str, list[str]]]:
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(forms, dict) for forms in value.values()):
            raise Invalid("lint.characters maps a character to its forms and their words",
                          "for example: 并: {並: [并且], 併: [合并]}")
        return {str(k): {str(f): [str(w) for w in (ws or [])] for f, ws in v.items()} for k, v in value.items()}


LINT = Section(
    {"characters": Characters(default={}), "accept": ListOf(Str()), "names_from": ListOf(Str())},
    LintConfig, default=LintConfig({}), unknown="unknown lint setting '{key}'",
)

ERA = Section(
    {"label": TextOption(), "period": Date()}, lambda label, period: (label, period),
    incomplete=("an era needs a label and a period", "for example {label: 中苏同盟, period: 1950-02-14/1960-07-16}"),
)

TIMELINE = Section(
    {"entries": ListOf(Str()), "named": Str(default=""), "events_field": Str(default=""),
     "concerning_field": Str(default=""), "timelines_field": Str(default=""), "eras": ListOf(ERA)},
    TimelineConfig, default=TimelineConfig(), unknown="unknown timeline setting '{key}'",
)

_CONTENTS_HINT = "for example contents: {min_length: 2000, min_headings: 3}"
CONTENTS = Section(
    {"min_length": Count(default=ContentsConfig.min_length, hint=_CONTENTS_HINT),
     "min_headings": Count(default=ContentsConfig.min_headings, hint=_CONTENTS_HINT)},
    ContentsConfig, default=ContentsConfig(), unknown="unknown contents setting '{key}'",
)

MAPS = Section({"places_of": ListOf(Str())}, MapsConfig, default=MapsConfig(), unknown="unknown maps setting '{key}'")

#: The settings of site.yaml.
SITE: dict[str, Option[Any]] = {
    "title": Str(default=""),
    "tagline": Str(default=""),
    "base_url": Address(default="/"),
    "variants": ListOf(VARIANT, key=lambda variant: variant.code, twice="a variant code is listed twice"),
    "types": MapOf(PAGE_TYPE),
    "nav": ListOf(NavEntry()),
    "allow_html": Bool(default=False),
    "lint": LINT,
    "timeline": TIMELINE,
    "contents": CONTENTS,
    "maps": MAPS,
}

"""schema.org JSON-LD for every page: the web page, its breadcrumbs, and the thing it describes.

The thing a page describes (a treaty, a person, an event) has one ``@id`` shared by every script
variant, its script-neutral address + ``#entity``, so machines see one thing with a page in each
script. A type's schema.org type and the properties its fields fill come from site.yaml; the parts
of a thing are its child pages (a treaty's articles). Names and descriptions are in the page's
script; URLs and ids never are. Dates are stated only where EDTF says they are exact, and at the
precision written: an approximate or uncertain date is left out rather than stated as certain.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from docsite.model import urls
from docsite.model.config import FieldSpec
from docsite.model.fields import Layers
from docsite.model.page import Page
from docsite.model.view import PageView
from docsite.stages.views import Localizer
from docsite.text.dates import EDTF
from docsite.text.variants import Text

#: The properties an Event's own date or period fills; other types state dates through their fields.
_OWN_DATES = {"Event": ("startDate", "endDate")}

Url = Callable[[str], str]  # output path -> URL for machines, from the page being rendered


def script(graph: list[dict[str, Any]]) -> Markup:
    """The graph as the text of a <script type="application/ld+json">; '<' is escaped so nothing ends it early."""
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c"))


def page_graph(loc: Localizer, view: PageView, url: Url) -> list[dict[str, Any]]:
    site = loc.site
    page_url = url(view.dir)
    home = url(urls.neutral_dir(urls.HOME))
    webpage: dict[str, Any] = {
        "@type": "WebPage" if view.id in site.pages else "CollectionPage",
        "@id": page_url, "url": page_url, "name": view.title, "inLanguage": loc.variant.lang,
        "isPartOf": {"@id": home + "#website"},
    }
    if view.summary:
        webpage["description"] = view.summary
    graph = [webpage, {"@type": "WebSite", "@id": home + "#website", "url": home, "name": loc.text(site.config.title)}]
    if view.breadcrumbs:
        trail = [(crumb.title, url(loc.dir_of(crumb.id))) for crumb in view.breadcrumbs] + [(view.title, page_url)]
        webpage["breadcrumb"] = {"@id": page_url + "#breadcrumb"}
        graph.append({"@type": "BreadcrumbList", "@id": page_url + "#breadcrumb", "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": item} for i, (name, item) in enumerate(trail, 1)
        ]})
    if _described(loc, view.id):
        webpage["mainEntity"] = _ref(view.id, url)
        graph.append(_entity(loc, site.pages[view.id], page_url, url))
    return graph


def _ref(pid: str, url: Url) -> dict[str, str]:
    return {"@id": url(urls.neutral_dir(pid)) + "#entity"}


def _thing(loc: Localizer, pid: str, url: Url) -> dict[str, str]:
    """The thing a page describes, named, so that a reader of this page alone knows what it is."""
    page = loc.site.pages[pid]
    return {"@type": page.type.schema, **_ref(pid, url), "name": loc.text(page.title, page.layers)}


def _described(loc: Localizer, pid: str) -> bool:
    """Whether ``pid`` names a page that describes a thing (its type has a schema.org type)."""
    return pid in loc.site.pages and bool(loc.site.pages[pid].type.schema)


def _entity(loc: Localizer, page: Page, page_url: str, url: Url) -> dict[str, Any]:
    site = loc.site
    node: dict[str, Any] = {**_thing(loc, page.id, url), "mainEntityOfPage": {"@id": page_url}}
    if "summary" in page.fields:
        node["description"] = loc.text(page.fields["summary"], page.layers)
    own_dates = _OWN_DATES.get(page.type.schema)
    for key in ("date", "period"):
        if own_dates and key in page.fields:
            node.update(_dates(page.fields[key], own_dates))
    for spec in page.type.fields:
        if spec.schema and spec.name in page.fields:
            node.update(_property(loc, page, spec, url))
    parent = site.parent(page.id)
    if parent is not None and _described(loc, parent):
        node["isPartOf"] = _thing(loc, parent, url)
    parts = [_thing(loc, c, url) for c in site.children.get(page.id, []) if _described(loc, c)]
    if parts:
        node["hasPart"] = parts
    return node


def _dates(date: EDTF, properties: tuple[str, ...]) -> dict[str, str]:
    """ISO dates for the exact ends of an EDTF date: {'startDate': '1950-02'} for 1950-02/1951~."""
    points = (date.start, date.end) if date.is_interval else (date.start,)
    exact = ((prop, point.exact_iso if point else None) for prop, point in zip(properties, points, strict=False))
    return {prop: iso for prop, iso in exact if iso}


def _property(loc: Localizer, page: Page, spec: FieldSpec, url: Url) -> dict[str, Any]:
    value = spec.kind.state(page.fields[spec.name], _Stating(loc, url), page.layers)
    return {} if value is None else {spec.schema: value}


@dataclass(frozen=True)
class _Stating:
    """What a field's kind needs to state its value (see fields.States): text in the page's
    script, and the thing another page describes."""

    loc: Localizer
    url: Url

    def text(self, text: Text | str, layers: Layers = ()) -> str:
        return self.loc.text(text, layers)

    def thing(self, name: str) -> dict[str, str] | None:
        target = self.loc.site.target(name)
        return _thing(self.loc, target, self.url) if target is not None and _described(self.loc, target) else None

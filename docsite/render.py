"""Render stage: page views -> HTML files, through the Jinja templates in templates/.

Interface strings are written in the templates in simplified Chinese and converted with the
``t`` filter, by the same converter as the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from . import urls
from .config import SiteConfig
from .convert import Localizer, PageView
from .variants import Text, protect


@dataclass(frozen=True)
class Switch:
    code: str
    label: str
    lang: str
    url: str
    current: bool


def environment(config: SiteConfig) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(config.root / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["t"] = jinja2.pass_context(lambda ctx, s: ctx["convert"](_interface_text(str(s))))
    return env


@cache
def _interface_text(source: str) -> Text:
    """Template strings may use conversion markup too, for words the scripts say differently."""
    return protect(source)


def render_variant(env: jinja2.Environment, loc: Localizer, views: list[PageView]) -> dict[str, bytes]:
    """Every page of one variant, keyed by output path."""
    config = loc.site.config
    site_title = loc.text(config.title)
    files = {}
    for view in views:
        template = env.select_template([view.template, "page.html"])
        html = template.render(page=view, site=_site_context(loc, view, site_title), convert=loc.text)
        files[view.dir + "index.html"] = html.encode("utf-8")
    return files


def _site_context(loc: Localizer, view: PageView, site_title: str) -> dict:
    config = loc.site.config
    here = view.dir
    switches = [
        Switch(v.code, v.label, v.lang, urls.relative(here, urls.page_dir(v.code, view.id)), v is loc.variant)
        for v in config.variants
    ]
    alternates = [(v.lang, urls.absolute(config.base_url, urls.page_dir(v.code, view.id))) for v in config.variants]
    nav = [(loc.link(here, item.id, title=loc.text(item.label) if item.label else None),
            view.id == item.id or view.id.startswith(item.id + "/"))
           for item in config.nav if loc.site.has(item.id)]
    return {
        "title": site_title,
        "tagline": loc.text(config.tagline),
        "lang": loc.variant.lang,
        "code": loc.variant.code,
        "home": urls.relative(here, urls.page_dir(loc.variant.code, urls.HOME)),
        "static": urls.relative(here, "static/"),
        "canonical": urls.absolute(config.base_url, here),
        "alternates": alternates,
        "switches": switches,
        "nav": nav,
    }


def render_root(env: jinja2.Environment, config: SiteConfig, localizers: list[Localizer]) -> dict[str, bytes]:
    """The variant chooser at the root and the 404 page, both in every script at once."""
    choices = [
        {"variant": loc.variant, "title": loc.text(config.title), "tagline": loc.text(config.tagline),
         "home": urls.page_dir(loc.variant.code, urls.HOME), "convert": loc.text}
        for loc in localizers
    ]
    files = {}
    # The chooser sits at the root, so its links are relative; 404.html is served at any depth.
    for name, template, prefix in (("index.html", "chooser.html", ""), ("404.html", "404.html", config.base_url)):
        html = env.get_template(template).render(choices=choices, base_url=config.base_url, prefix=prefix,
                                                 static=prefix + "static/")
        files[name] = html.encode("utf-8")
    return files


def static_files(root: Path) -> dict[str, bytes]:
    folder = root / "static"
    if not folder.is_dir():
        return {}
    return {"static/" + p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


"""Render stage: page views -> HTML files, through the Jinja templates in templates/.

Interface strings are written in the templates in simplified Chinese and converted with the
``t`` filter, by the same converter as the content.

Besides a tree per variant there is a script-neutral address for every page (the root
``index.html`` for the home page, ``people/zhou-enlai/`` ...): a chooser that sends readers to
their script and is the x-default of hreflang. ``404.html`` is served by hosts at any depth, so it
works out the site's base path from the address it was served under.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import re
import weakref
from collections.abc import Callable, Collection, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from docsite.model import urls
from docsite.model.config import SiteConfig
from docsite.model.view import PageView
from docsite.stages import policy, publish
from docsite.stages.fragments import CONTEXT_NAME, CachedExtension, Fragments, PageFragments
from docsite.stages.publish import Assets, AssetURLs, named_by_content
from docsite.stages.views import Localizer
from docsite.stages.write import Targets, UnsafePath
from docsite.text.linebreaks import keep_separators
from docsite.text.variants import Text, protect


@dataclass(frozen=True)
class Switch:
    code: str
    label: str
    lang: str
    url: str
    current: bool


@dataclass(frozen=True)
class Choice:
    """One script on a chooser page (the neutral address of a page, or 404.html)."""

    code: str
    label: str
    lang: str
    url: str
    title: str
    subtitle: str


class CompactLoader(jinja2.FileSystemLoader):
    """Templates without their lines' indentation, the one whitespace in the pages worth removing:
    once per build, where a minifier over every page cost a tenth of a large build's time for 2 % of
    the bytes after gzip and none after brotli (benchmarks/compaction.py). Line breaks stay, so
    text and scripts read as written; a template's own <pre> must not span lines."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        return INDENT.sub("\n", source), filename, uptodate


INDENT = re.compile(r"\n[ \t]+")


class _Environment(jinja2.Environment):
    """Jinja's environment, its templates' globals one mapping: Jinja chains each template's with
    the environment's, and every include lists the chain's names again: a tenth of the time of
    rendering a page with its dozen partials (4.3 s against 3.8 for the 4,056 pages of
    ``benchmarks/corpus.py 2000``). So a template sees the environment's globals as
    they were when it was loaded: ``environment`` sets them all first."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def environment(config: SiteConfig, compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The templates' environment; ``compiled``: where compiled templates are kept between processes."""
    env = _Environment(
        loader=CompactLoader(config.root / "templates"),
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[CachedExtension],
        # Templates are read once per build: the preview server makes a new environment when one changes.
        auto_reload=False,
    )
    env.filters["t"] = jinja2.pass_context(lambda ctx, s: ctx["convert"](_interface_text(str(s))))
    env.globals["content_security_policy"] = policy.meta_policy(env)
    if env.cache is not None:  # the templates the policy read, loaded before its global was set
        env.cache.clear()
    return env


#: The template that names what the build itself shows, and the names it must set.
INTERFACE = "interface.html"
INTERFACE_NAMES = ("home", "tags", "search", "timeline", "timeline_of", "map", "all_events", "other_pages", "date",
                   "period", "credit", "licence")


def interface(env: jinja2.Environment, convert: Callable[[Text], str]) -> dict[str, str]:
    """The words of ``INTERFACE`` in the script ``convert`` converts into. A name it does not set
    is reported at the template, as a mistake in it is."""
    template = env.get_template(INTERFACE)
    module = template.make_module({"convert": convert})
    for name in INTERFACE_NAMES:
        if not hasattr(module, name):
            raise jinja2.TemplateAssertionError(f"{INTERFACE} sets no '{name}'", 1, INTERFACE, template.filename)
    return {name: str(getattr(module, name)) for name in INTERFACE_NAMES}


@lru_cache(maxsize=1 << 12)  # the templates' strings; bounded, for templates edited while the preview runs
def _interface_text(source: str) -> Text:
    """Template strings may use conversion markup too, for words the scripts say differently."""
    return protect(source)


@dataclass
class RenderMemo:
    """Kept by the preview server: a digest of what each page was made from (its view, its head and
    what every page shows of the site: the navigation, the script switcher) and of the HTML it gave,
    so that a page whose inputs did not change is not rendered again. Its HTML
    is read back from ``folder``, where good builds write the pages, when this build's ``held`` is
    (the folder holds the last good build's pages) and the page is as it was made; the memo keeps
    the HTML itself only when there is no such folder: a large site's is hundreds of megabytes.
    ``rendered`` lists the pages rendered; ``fragments``, each variant's fragments of templates
    (see fragments.py), by its code."""

    made: MutableMapping[str, tuple[bytes, bytes, bytes | None]] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)
    folder: Path | None = None
    held: bool = False
    fragments: dict[str, Fragments] = field(default_factory=dict)

    def earlier(self, path: str, inputs: bytes) -> bytes | None:
        """The HTML of ``path`` rendered from ``inputs`` (a digest) before, if at hand."""
        kept = self.made.get(path)
        if kept is None or kept[0] != inputs:
            return None
        if kept[2] is not None or self.folder is None or not self.held:
            return kept[2]
        try:
            with open(Targets(self.folder)(path), "rb") as file:
                data = file.read()
        except (OSError, UnsafePath):
            return None
        return data if _digest(data) == kept[1] else None

    def keep(self, path: str, inputs: bytes, data: bytes) -> None:
        self.made[path] = (inputs, _digest(data), data if self.folder is None else None)
        self.rendered.append(path)

    def begin(self) -> None:
        """A build starts: no page rendered, no fragment yet."""
        self.rendered.clear()
        for fragments in self.fragments.values():
            fragments.begin()

    def keep_only(self, paths: Collection[str]) -> None:
        """A build of the whole site is done, whose output is ``paths``: what its files were made
        from is kept, the rest forgotten."""
        output = set(paths)
        for gone in self.made.keys() - output:
            del self.made[gone]
        for fragments in self.fragments.values():
            fragments.keep_only(output)


def render_variant(env: jinja2.Environment, loc: Localizer, views: Iterable[PageView], assets: Assets,
                   memo: RenderMemo | None = None) -> dict[str, bytes]:
    """Every page of one variant, keyed by output path."""
    config = loc.site.config
    site_title = loc.text(config.title)
    fragments = memo.fragments.setdefault(loc.variant.code, Fragments()) if memo is not None else None
    files = {}
    for view in views:
        path = view.dir + "index.html"
        meta = publish.head(loc, view)
        site = _site_context(loc, view, site_title, assets)
        taken = fragments.page(path) if fragments is not None else None
        make = partial(_page_html, _template(env, view.template), loc, view, meta, site, taken)
        files[path] = _made(memo, path, (view, meta, site), make)
    return files


def _template(env: jinja2.Environment, name: str) -> jinja2.Template:
    """The template a view names, else page.html. The choice is kept with the environment: Jinja
    keeps the templates it loaded, not those it did not find, and looked for a type's missing
    template on disk again for every page (2 % of a build)."""
    chosen = _CHOSEN.setdefault(env, {})
    if name not in chosen:
        chosen[name] = env.select_template([name, "page.html"])
    return chosen[name]


#: Each environment's choice of template by name (see ``_template``).
_CHOSEN: weakref.WeakKeyDictionary[jinja2.Environment, dict[str, jinja2.Template]] = weakref.WeakKeyDictionary()


def _page_html(template: jinja2.Template, loc: Localizer, view: PageView, meta: publish.Head,
               site: dict[str, Any], taken: PageFragments | None) -> str:
    html = _html(template, page=view, site=site, meta=meta, convert=loc.text, cite=loc.citation(view),
                 **{CONTEXT_NAME: taken})
    if taken is not None:
        taken.done()
    return html


def _html(template: jinja2.Template, **context: Any) -> str:
    """A page's HTML, each separator dot of its text kept on one line with its neighbours."""
    return keep_separators(template.render(**context))


def _made(memo: RenderMemo | None, path: str, inputs: object, render: Callable[[], str]) -> bytes:
    """``render()`` as bytes, or what it gave before from equal ``inputs`` (in ``memo``, the preview
    server's, which keeps what each page was made from)."""
    if memo is None:
        return render().encode("utf-8")
    made_from = _digest(_pickled(inputs))
    data = memo.earlier(path, made_from)
    if data is None:
        data = render().encode("utf-8")
        memo.keep(path, made_from, data)
    return data


def _pickled(inputs: object) -> bytes:
    """``inputs`` pickled: equal pickles, equal inputs. Without the pickler's memo, equal inputs
    pickle alike whether or not they share objects (a text converted once or twice)."""
    data = io.BytesIO()
    pickler = pickle.Pickler(data, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(inputs)
    return data.getvalue()


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _site_context(loc: Localizer, view: PageView, site_title: str, assets: Assets) -> dict[str, Any]:
    config = loc.site.config
    here = view.dir
    switches = [
        Switch(v.code, v.label, v.lang, urls.relative(here, urls.page_dir(v.code, view.id)), v is loc.variant)
        for v in config.variants
    ]
    nav = [(loc.link(here, item.id, title=loc.text(item.label) if item.label else None),
            view.id == item.id or view.id.startswith(item.id + "/"))
           for item in config.nav if loc.site.has(item.id)]
    return {
        "title": site_title,
        "tagline": loc.text(config.tagline),
        "lang": loc.variant.lang,
        "code": loc.variant.code,
        "home": urls.relative(here, urls.page_dir(loc.variant.code, urls.HOME)),
        "assets": AssetURLs(assets, loc.site.assets, here),
        "switches": switches,
        "nav": nav,
    }


def render_neutral(env: jinja2.Environment, localizers: list[Localizer], ids: list[str],
                   assets: Assets, memo: RenderMemo | None = None) -> dict[str, bytes]:
    """The script-neutral address of every page: links to it in each script, and a script that picks one."""
    config = localizers[0].site.config
    template = env.get_template("chooser.html")
    files = {}
    for pid in ids:
        here = urls.neutral_dir(pid)
        context = {"choices": [_choice(loc, pid, here) for loc in localizers],
                   "assets": AssetURLs(assets, localizers[0].site.assets, here),
                   "canonical": urls.public(config.base_url, here, here),
                   "alternates": publish.alternates(config, pid, here)}
        files[here + "index.html"] = _made(memo, here + "index.html", context,
                                           partial(_html, template, **context))
    return files


def _choice(loc: Localizer, pid: str, here: str) -> Choice:
    config = loc.site.config
    site_title = loc.text(config.title)
    title, subtitle = (site_title, loc.text(config.tagline)) if pid == urls.HOME else (loc.title_of(pid), site_title)
    return Choice(loc.variant.code, loc.variant.label, loc.variant.lang, urls.relative(here, loc.dir_of(pid)),
                  title, subtitle)


class Missing(NamedTuple):
    """The 404 page's files, and the name of the one named by its content (which hosts may keep for good)."""

    files: dict[str, bytes]
    addresses: str


def render_404(env: jinja2.Environment, localizers: list[Localizer], assets: Assets, ids: list[str]) -> Missing:
    """404.html: its links are relative to a <base> that its script corrects to the path it was served under.
    The addresses of every page (``ids``) with their titles in each script are a file of their own,
    named by its content, which static/site.js fetches only when a page is missing, to offer the pages
    whose addresses are closest to the one asked for: the page stays small however large the site."""
    config = localizers[0].site.config
    sections = [(_choice(loc, urls.HOME, ""), partial(_interface, loc)) for loc in localizers]
    addresses = json.dumps({"paths": [urls.neutral_dir(pid) for pid in ids],
                            "titles": {loc.variant.code: [loc.title_of(pid) for pid in ids] for loc in localizers}},
                           ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    listing = named_by_content("addresses", ".json", addresses)
    html = _html(env.get_template("404.html"), sections=sections,
                 assets=AssetURLs(assets, localizers[0].site.assets, ""),
                 base=urls.base_path(config.base_url), codes=[v.code for v in config.variants], addresses=listing,
                 search=urls.neutral_dir(urls.SEARCH))
    return Missing({"404.html": html.encode("utf-8"), listing: addresses}, listing)


def _interface(loc: Localizer, source: str) -> str:
    """An interface string in ``loc``'s script, as the ``t`` filter converts it."""
    return loc.text(_interface_text(source))


def render_sitemap(env: jinja2.Environment, config: SiteConfig, ids: list[str],
                   days: Mapping[str, str | None]) -> dict[str, bytes]:
    """sitemap.xml: every address of every page, each with all its alternates and the day its source
    last changed (``days``, by id: the content pages' that have one); only with an absolute base_url."""
    if not urls.is_absolute(config.base_url):
        return {}
    entries = [(publish.alternates(config, pid, ""), days.get(pid)) for pid in ids]
    return {"sitemap.xml": env.get_template("sitemap.xml").render(entries=entries).encode("utf-8")}

"""Publish stage: what static hosts, search engines and link previews need besides the pages.

Stylesheets and scripts get names that change with their content (``style.css`` ->
``static/style.1a2b3c4d5e.css``), so hosts may cache them for a year; stylesheets are minified
(pages are compact from their templates: see render.py); each page's <head> says where it lives
(canonical, hreflang alternates, Open Graph, JSON-LD); robots.txt, a sitemap and a ``_headers``
file (read by Netlify and Cloudflare Pages) complete the folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

import rcssmin
from markupsafe import Markup

from docsite.diagnostics import Diagnostics
from docsite.model import urls
from docsite.model.config import SiteConfig
from docsite.model.site import Site
from docsite.model.view import PageView
from docsite.stages import feed, jsonld, policy
from docsite.stages.views import Localizer

#: Open Graph wants language_TERRITORY; a tag without a region takes the one its script is read in most.
_SCRIPT_REGIONS = {"hans": "CN", "hant": "TW"}
IMMUTABLE = "public, max-age=31536000, immutable"
#: Loaded by the templates only, so they can be renamed; other files of static/ (images, fonts,
#: downloads) keep their names, for content and stylesheets to link to.
FINGERPRINTED = (".css", ".js")


@dataclass(frozen=True)
class Assets:
    """The files of static/, as written (fingerprinted, minified) and as templates name them."""

    files: dict[str, bytes]  # output path -> content
    paths: dict[str, str]  # name in static/ (style.css) -> output path (static/style.1a2b3c4d5e.css)
    fingerprinted: tuple[str, ...]  # output paths that never change content


class AssetURLs(Mapping[str, str]):
    """Each file of static/ by name, as its URL from the folder ``here``, for the templates
    (``assets['style.css']``). A name is looked up in ``named``: the site's ``assets`` as the part
    being made reads them, so that its key holds the files its page names, not all of static/ (a
    file added there makes no page again). For the preview's ``RenderMemo``, which compares what a
    page is made from, it pickles as ``here`` and every file's path."""

    def __init__(self, assets: Assets, named: Mapping[str, str], here: str):
        self._paths, self._named, self._here = assets.paths, named, here

    def __getitem__(self, name: str) -> str:
        return urls.relative(self._here, self._named[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._named)

    def __len__(self) -> int:
        return len(self._named)

    def __reduce__(self) -> tuple[type[tuple[str, ...]], tuple[tuple[str, ...]]]:
        return tuple, ((self._here, *(f"{name}\0{path}" for name, path in self._paths.items())),)


def named_by_content(stem: str, suffix: str, data: bytes) -> str:
    """A file name that changes with the file's content (style.1a2b3c4d5e.css), so hosts may keep
    the file for good (``headers``)."""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{suffix}"


def assets(root: Path) -> Assets:
    folder = root / "static"
    files, paths = {}, {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.is_file() and not path.name.startswith("."):
            data = path.read_bytes()
            if path.suffix == ".css":
                data = rcssmin.cssmin(data)
            source = path.relative_to(folder).as_posix()
            name = PurePosixPath(source)
            if path.suffix in FINGERPRINTED:
                name = name.with_name(named_by_content(name.stem, name.suffix, data))
            paths[source] = f"static/{name}"
            files[paths[source]] = data
    fingerprinted = tuple(out for out in files if out.endswith(FINGERPRINTED))
    return Assets(files, paths, fingerprinted)


@dataclass(frozen=True)
class Alternate:
    hreflang: str  # a BCP 47 tag, or x-default for the script-neutral address
    url: str


def alternates(config: SiteConfig, pid: str, here: str) -> tuple[Alternate, ...]:
    """The page in every variant, and its script-neutral address as x-default."""
    url = partial(urls.public, config.base_url, here)
    return (*(Alternate(v.lang, url(urls.page_dir(v.code, pid))) for v in config.variants),
            Alternate("x-default", url(urls.neutral_dir(pid))))


@dataclass(frozen=True)
class Head:
    """What a page's <head> tells search engines and link previews, in the page's script."""

    description: str
    canonical: str
    alternates: tuple[Alternate, ...]
    og_type: str
    og_url: str  # empty unless base_url names a host: Open Graph needs an absolute URL
    locale: str
    other_locales: tuple[str, ...]
    structured_data: Markup
    feed: str  # the variant's Atom feed, empty when there is none (base_url names no host)


def head(loc: Localizer, view: PageView) -> Head:
    config = loc.site.config
    url = partial(urls.public, config.base_url, view.dir)
    return Head(
        description=view.summary or loc.text(config.tagline),
        canonical=url(view.dir),
        alternates=alternates(config, view.id, view.dir),
        og_type="website" if view.id == urls.HOME else "article",
        og_url=url(view.dir) if urls.is_absolute(config.base_url) else "",
        locale=og_locale(loc.variant.lang),
        other_locales=tuple(og_locale(v.lang) for v in config.variants if v is not loc.variant),
        structured_data=jsonld.script(jsonld.page_graph(loc, view, url)),
        feed=feed.address(config, loc.variant.code),
    )


def og_locale(lang: str) -> str:
    """zh-TW -> zh_TW, zh-Hant -> zh_TW, zh-Hans -> zh_CN."""
    language, *rest = lang.split("-")
    region = next((p for p in rest if len(p) == 2), None)
    script = next((p for p in rest if len(p) == 4), "hans")
    return f"{language}_{(region or _SCRIPT_REGIONS.get(script.lower(), 'CN')).upper()}"


def check(site: Site, diags: Diagnostics) -> None:
    """base_url must be a URL or a path, and no page may land on a variant's tree or static/."""
    config, base = site.config, site.config.base_url
    if urls.refused(base) or not (urls.is_absolute(base) or base.startswith("/")) or any(c in base for c in "?#"):
        diags.error(config.root / "site.yaml", 0, f"base_url '{base}' is neither a URL nor a path",
                    "write https://example.org/treaty-1950/ (or /treaty-1950/), in site.yaml or with --base-url")
    taken = {v.code for v in config.variants} | {"static"}
    for page in site.pages.values():
        top = page.id.split("/")[0]
        if top in taken:
            diags.error(page.path, 0, f"the page id '{page.id}' would be written inside the site's '{top}/' folder",
                        "move or rename the file")
        elif top in GENERATED:
            where = "is the address of" if page.id == top else "would be written inside the folder of"
            diags.error(page.path, 1, f"the page id '{page.id}' {where} {GENERATED[top]}", "rename the file")


#: The pages the engine makes in each variant's tree, by address: no content page may take one.
GENERATED = {urls.SEARCH: "the search page", urls.TAGS: "the list of tags", urls.TIMELINE: "the site's timeline",
             urls.MAP: "the map of places"}


def robots(config: SiteConfig) -> bytes:
    """Everything may be crawled; the sitemap is named when there is one (an absolute base_url)."""
    lines = ["User-agent: *", "Disallow:"]
    if urls.is_absolute(config.base_url):
        lines += ["", f"Sitemap: {config.base_url}sitemap.xml"]
    return ("\n".join(lines) + "\n").encode()


def headers(config: SiteConfig, fingerprinted: Iterable[str], meta_policy: str) -> bytes:
    """Netlify's and Cloudflare Pages' _headers: for every file, the Content-Security-Policy of the
    pages' <meta> with frame-ancestors, no guessing of types and no full address sent to other
    sites; files named by their content (fingerprinted assets, the folders of the search index's
    pieces, as ``folder/*``) never change, so cache them for a year."""
    base = urls.base_path(config.base_url)
    every = (f"{base}*\n  Content-Security-Policy: {policy.header_policy(meta_policy)}\n"
             "  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n")
    return (every + "".join(f"{base}{path}\n  Cache-Control: {IMMUTABLE}\n" for path in fingerprinted)).encode()


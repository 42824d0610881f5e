"""The build pipeline: load -> resolve -> convert -> render -> publish, returning files for the write stage.

Each stage reports problems into one ``Diagnostics``; the pipeline stops after a stage that found
errors, so later stages only ever see valid input, and nothing is written.
"""

from __future__ import annotations

import hashlib
import sys
import time
import traceback
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import jinja2
from tqdm import tqdm

from . import exports, publish, search, urls
from .config import SiteConfig, Variant, load_config
from .convert import Localizer
from .diagnostics import Diagnostics
from .lint import lint_site
from .load import load_content
from .render import RenderMemo, environment, render_404, render_neutral, render_sitemap, render_variant
from .resolve import Site, resolve
from .variants import Converter

T = TypeVar("T")


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    files: dict[str, bytes] = field(default_factory=dict)
    pages_per_variant: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # about the output as a whole, for the deployer
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.diagnostics.errors


@dataclass
class BuildCache:
    """What the preview server keeps between builds so that a one-page edit redoes little: parsed
    pages by file content, each variant's conversions, each page's HTML by what it was made from.

    A view holds everything its page shows (titles of linked pages, backlinks, timelines), so a
    page whose links, backlinks or timelines change gets a new view and is rendered again. A change
    to site.yaml, a template or a static file starts everything afresh.
    """

    stamp: bytes = b""
    files: dict[Path, tuple[bytes, object]] = field(default_factory=dict)  # parsed pages and data files
    converters: dict[tuple, Converter] = field(default_factory=dict)
    rendered: RenderMemo = field(default_factory=RenderMemo)
    minified: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    env: jinja2.Environment | None = None  # compiled templates

    def check(self, root: Path) -> None:
        """Forget everything when what every page depends on has changed."""
        parts = [root / "site.yaml"] + sorted(p for d in ("templates", "static") for p in (root / d).rglob("*")
                                              if p.is_file())
        stamp = hashlib.sha256(b"".join(p.read_bytes() + str(p).encode() for p in parts if p.is_file())).digest()
        if stamp != self.stamp:
            self.stamp = stamp
            for kept in (self.files, self.converters, self.rendered.made, self.minified):
                kept.clear()
            self.env = None


def load_site(root: Path, diags: Diagnostics, base_url: str | None = None, drafts: bool = False,
              cache: BuildCache | None = None) -> Site | None:
    """Load and resolve: the valid site graph, or None when the content has errors."""
    config = load_config(root, diags, base_url)
    if config is None:
        return None
    content = load_content(config, diags, cache.files if cache else None)
    if diags.errors:
        return None
    site = resolve(content, config, diags, drafts)
    if urls.HOME not in site.pages:
        diags.error(config.content_dir / "index.md", 0, "the home page content/index.md is missing",
                    "create it with a title and a short introduction")
    publish.check(site, diags)
    return None if diags.errors else site


def build(root: Path, base_url: str | None = None, drafts: bool = False, lint: bool = False,
          cache: BuildCache | None = None, progress: bool = False) -> BuildResult:
    """Everything but writing; ``lint`` adds the conversion warnings of ``check``; ``cache`` is the
    preview server's, to redo only what a change affects; ``progress`` shows progress bars on a terminal."""
    start = time.perf_counter()
    result = BuildResult(Diagnostics(root))
    if cache is not None:
        cache.check(root)
        cache.rendered.rendered.clear()
    site = load_site(root, result.diagnostics, base_url, drafts, cache)
    if site is None:
        return result
    config = site.config
    env = cache.env if cache and cache.env else environment(config)
    if cache is not None:
        cache.env = env
    localizers = [Localizer(site, variant, _converter(cache, variant, site)) for variant in config.variants]
    if lint:
        lint_site(site, localizers, result.diagnostics)
    assets = publish.assets(root)
    files = dict(assets.files)
    try:
        for loc in localizers:
            code = loc.variant.code
            views = [loc.page(page) for page in _progress(site.pages.values(), f"{code} 转换", progress)]
            views += loc.generated()
            views.append(search.page(loc, views, result.diagnostics))
            files.update(render_variant(env, loc, _progress(views, f"{code} 渲染", progress), assets,
                                        cache.rendered if cache else None))
            files.update(exports.timeline_files(loc))
            result.pages_per_variant[loc.variant.code] = len(views)
        ids = [view.id for view in views]
        files.update(render_neutral(env, localizers, ids, assets))
        files.update(render_404(env, localizers, assets))
        files.update(render_sitemap(env, config, ids))
    except Exception as exc:  # a mistake in a template, reported at its line
        _template_error(exc, config, result.diagnostics)
        return result
    files["robots.txt"] = publish.robots(config)
    files["_headers"] = publish.headers(config, assets)
    result.files = publish.minify(files, cache.minified if cache else None)
    if not urls.is_absolute(config.base_url):
        result.notes.append(f"base_url '{config.base_url}' names no host, so canonical and hreflang links are "
                            "relative and sitemap.xml is left out; to publish, build with "
                            "--base-url https://your.host/path/")
    result.seconds = time.perf_counter() - start
    return result


def _progress(items: Collection[T], label: str, shown: bool) -> Iterable[T]:
    """``items`` with a progress bar on standard error while a long build runs; tqdm stays quiet
    when standard error is not a terminal (disable=None), so logs and CI output stay clean."""
    return tqdm(items, desc=label, unit="页", leave=False, file=sys.stderr, disable=None if shown else True)


def _converter(cache: BuildCache | None, variant: Variant, site: Site) -> Converter:
    """A variant's converter; the preview server keeps it (with all it converted) while the glossary holds."""
    key = (variant, site.content.glossary)
    if cache is None or key not in cache.converters:
        converter = Converter(variant.code, variant.opencc, site.content.glossary)
        if cache is None:
            return converter
        cache.converters[key] = converter
    return cache.converters[key]


def _template_error(exc: Exception, config: SiteConfig, diags: Diagnostics) -> None:
    """Report a template mistake at its template line, not as a Python traceback."""
    templates = config.root / "templates"
    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", 0) or 0
    if not name:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.startswith(str(templates)):
                name, line = frame.filename, frame.lineno or 0
                break
    if not name:
        raise exc
    message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    diags.error(Path(name), line, f"template error: {message}", "fix the template; content files are fine")




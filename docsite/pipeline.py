"""The build pipeline: load -> resolve -> convert -> render -> publish, returning files for the write stage.

Each stage reports problems into one ``Diagnostics``; the pipeline stops after a stage that found
errors, so later stages only ever see valid input, and nothing is written.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import exports, publish, urls
from .config import SiteConfig, load_config
from .convert import Localizer
from .diagnostics import Diagnostics
from .lint import lint_site
from .load import load_content
from .render import environment, render_404, render_neutral, render_sitemap, render_variant
from .resolve import Site, resolve


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


def load_site(root: Path, diags: Diagnostics, base_url: str | None = None, drafts: bool = False) -> Site | None:
    """Load and resolve: the valid site graph, or None when the content has errors."""
    config = load_config(root, diags, base_url)
    if config is None:
        return None
    content = load_content(config, diags)
    if diags.errors:
        return None
    site = resolve(content, config, diags, drafts)
    if urls.HOME not in site.pages:
        diags.error(config.content_dir / "index.md", 0, "the home page content/index.md is missing",
                    "create it with a title and a short introduction")
    publish.check(site, diags)
    return None if diags.errors else site


def build(root: Path, base_url: str | None = None, drafts: bool = False, lint: bool = False) -> BuildResult:
    """Everything but writing; ``lint`` adds the conversion warnings of ``check``."""
    start = time.perf_counter()
    result = BuildResult(Diagnostics(root))
    site = load_site(root, result.diagnostics, base_url, drafts)
    if site is None:
        return result
    config = site.config
    env = environment(config)
    localizers = [Localizer(site, variant) for variant in config.variants]
    if lint:
        lint_site(site, localizers, result.diagnostics)
    assets = publish.assets(root)
    files = dict(assets.files)
    try:
        for loc in localizers:
            views = [loc.page(page) for page in site.pages.values()] + loc.generated()
            files.update(render_variant(env, loc, views, assets))
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
    result.files = publish.minify(files)
    if not urls.is_absolute(config.base_url):
        result.notes.append(f"base_url '{config.base_url}' names no host, so canonical and hreflang links are "
                            "relative and sitemap.xml is left out; to publish, build with "
                            "--base-url https://your.host/path/")
    result.seconds = time.perf_counter() - start
    return result


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




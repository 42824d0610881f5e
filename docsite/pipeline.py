"""The build pipeline: load -> resolve -> convert -> render, returning files for the write stage.

Each stage reports problems into one ``Diagnostics``; the pipeline stops after a stage that found
errors, so later stages only ever see valid input, and nothing is written.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .config import SiteConfig, load_config
from .convert import Localizer
from .diagnostics import Diagnostics
from .load import load_content
from .render import environment, render_root, render_variant, static_files
from .resolve import Site, resolve


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    files: dict[str, bytes] = field(default_factory=dict)
    pages_per_variant: dict[str, int] = field(default_factory=dict)
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
    return None if diags.errors else site


def build(root: Path, base_url: str | None = None, drafts: bool = False) -> BuildResult:
    start = time.perf_counter()
    result = BuildResult(Diagnostics(root))
    site = load_site(root, result.diagnostics, base_url, drafts)
    if site is None:
        return result
    env = environment(site.config)
    localizers = [Localizer(site, variant) for variant in site.config.variants]
    try:
        for loc in localizers:
            views = [loc.page(page) for page in site.pages.values()] + loc.generated()
            result.files.update(render_variant(env, loc, views))
            result.pages_per_variant[loc.variant.code] = len(views)
        result.files.update(render_root(env, site.config, localizers))
    except Exception as exc:  # a mistake in a template, reported at its line
        _template_error(exc, site.config, result.diagnostics)
        result.files.clear()
        return result
    result.files.update(static_files(root))
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




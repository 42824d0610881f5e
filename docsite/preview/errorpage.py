"""The preview's error page (error.html beside this module), in the script of the address it answers.

The page is not one of the site's templates: it is shown when those may be what is broken, and
when site.yaml is, without a conversion at all (its words as written, in simplified Chinese).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2

from docsite.model.config import Variant
from docsite.preview.problems import Problem
from docsite.text.variants import Converter, Text, plain, protect


class ErrorPage:
    """Renders the error page; keeps a converter per variant, as a build does."""

    def __init__(self) -> None:
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True,
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters["t"] = jinja2.pass_context(lambda ctx, s: ctx["convert"](protect(str(s))))
        self.converters: dict[Variant, Converter] = {}

    def render(self, problems: Sequence[Problem], variant: Variant | None) -> bytes:
        """The page in ``variant``'s script and language; None: the words as written."""
        convert: Callable[[Text], str] = plain
        if variant is not None:
            if variant not in self.converters:
                self.converters[variant] = Converter(variant.code, variant.opencc)
            convert = self.converters[variant]
        page = self.env.get_template("error.html").render(
            problems=problems, convert=convert, lang=variant.lang if variant is not None else "zh")
        return page.encode("utf-8")

"""Fragments of templates kept from build to build: ``{% cached value, ... %}...{% endcached %}``.

The preview server keeps what its last build made. A page that lists thousands of entries (the
site timeline) changes with any of them: an edit to a person's title remade all 15,000 entries of
the timelines of a 10,000-page site (1.3 s) to change the few that name the person. A template
names the values a fragment is made from with ``cached``, as Django's ``{% cache %}`` names what
it varies on and Hugo's ``partialCached`` its variants; the fragment is rendered once for those
values and taken as it was while the same values come again, in this build or the next.

A value is the same when it is equal (strings, numbers, frozen records of them: a ``Link``) or,
for one that cannot be compared so (a record holding a list: a ``TimelineEntry``), when it is the
same object: the views' memo (reads.Memo) gives the same entry while nothing it was made from
changed. Each variant has its own fragments (what ``t`` converts differs), made afresh when a
template or the glossary changes (with the rest of render.RenderMemo). A fragment must be made of
the values it names and nothing else of the page: ``anchored`` and ``elsewhere`` of the timeline
entries are named with the entry. Without fragments in the context (a cold build, where nothing
comes again), the block is rendered every time, as if it were not there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup

#: The name under which a template's context holds its variant's ``Fragments``.
CONTEXT_NAME = "fragments"


class Fragments:
    """A variant's fragments by where they are in the templates and the values they are made from:
    those this build took (``now``) and those the build before took (``earlier``). Each keeps its
    values, so that a value known by its identity is not freed and its identity taken by another."""

    def __init__(self) -> None:
        self.now: dict[tuple[Any, ...], tuple[tuple[Any, ...], Markup]] = {}
        self.earlier: dict[tuple[Any, ...], tuple[tuple[Any, ...], Markup]] = {}
        self.made: list[tuple[Any, ...]] = []  # the values of the fragments rendered since ``begin``

    def get(self, where: str, values: tuple[Any, ...], render: Callable[[], Markup]) -> Markup:
        key = (where, *map(_key, values))
        found = self.now.get(key) or self.earlier.get(key)
        if found is None:
            found = (values, render())
            self.made.append(values)
        self.now[key] = found
        return found[1]

    def begin(self) -> None:
        self.made = []

    def turn(self) -> None:
        """A build is done: what it took is what the next one finds."""
        self.earlier, self.now = self.now, {}


def _key(value: Any) -> tuple[Any, ...]:
    """A value as a key: its type and itself when it can be hashed, else its identity."""
    try:
        hash(value)
    except TypeError:
        return (id(value),)
    return (type(value), value)


class CachedExtension(Extension):
    """The ``cached`` tag (see the module's docstring)."""

    tags = {"cached"}  # noqa: RUF012 (as Jinja declares it: a set on the class)

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        values = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            values.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcached",), drop_needle=True)
        where = nodes.Const(f"{parser.name}:{lineno}")
        call = self.call_method("_fragment", [where, nodes.ContextReference(), nodes.Tuple(values, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    @staticmethod
    def _fragment(where: str, context: Context, values: tuple[Any, ...], caller: Callable[[], Markup]) -> Markup:
        fragments = context.get(CONTEXT_NAME)
        return fragments.get(where, values, caller) if isinstance(fragments, Fragments) else caller()

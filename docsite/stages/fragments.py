"""Fragments of templates kept from build to build: ``{% cached value, ... %}...{% endcached %}``.

The preview server keeps what its last build made. A page that lists thousands of entries (the
site timeline) changes with any of them: an edit to a person's title rendered all 15,000 entries
of the timelines of a 10,000-page site again to change the few that name the person. A template
names the values a fragment is made from with ``cached``, as Django's ``{% cache %}`` names what
it varies on and Hugo's ``partialCached`` its variants; the fragment is rendered once for those
values and taken as it was while the same values come again, in this build or a later one, as
long as a page that took it when it was last rendered is in the site.

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

import copy
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup

#: The name under which a page's context holds its ``PageFragments``.
CONTEXT_NAME = "fragments"

#: A fragment's key: where it is in the templates, and its values as keys (see ``_key``).
Key = tuple[Any, ...]


class Fragments:
    """A variant's fragments by key, each with its values (so that a value known by its identity is
    not freed and its identity taken by another), and by page (its output path) the keys of those
    its last rendering took. A page not rendered again keeps them: a build after an edit to a body
    leaves the timelines' entries for the next edit to a title."""

    def __init__(self) -> None:
        self.kept: dict[Key, tuple[tuple[Any, ...], Markup]] = {}
        self.taken: dict[str, set[Key]] = {}
        self.made: list[tuple[Any, ...]] = []  # the values of the fragments rendered since ``begin``
        self.changed = False  # a page took other fragments than before (see ``keep_only``)

    def page(self, path: str) -> PageFragments:
        """The fragments for rendering the page at ``path``."""
        return PageFragments(self, path)

    def begin(self) -> None:
        self.made = []

    def keep_only(self, paths: AbstractSet[str]) -> None:
        """A build of the whole site is done, whose output is ``paths``: the fragments its pages
        took when they were last rendered are kept, the others forgotten (bounded by the site).
        Looked over only when a page took others or is gone: not after most edits to a body."""
        gone = self.taken.keys() - paths
        if not gone and not self.changed:
            return
        for path in gone:
            del self.taken[path]
        taken = set().union(*self.taken.values())
        self.kept = {key: kept for key, kept in self.kept.items() if key in taken}
        self.changed = False


class PageFragments:
    """The fragments one page's rendering takes (see ``Fragments``)."""

    def __init__(self, fragments: Fragments, path: str) -> None:
        self.fragments, self.path = fragments, path
        self.keys: set[Key] = set()

    def get(self, where: str, values: tuple[Any, ...], render: Callable[[], Markup]) -> Markup:
        key = (where, *map(_key, values))
        found = self.fragments.kept.get(key)
        if found is None:
            found = self.fragments.kept[key] = (values, render())
            self.fragments.made.append(values)
        self.keys.add(key)
        return found[1]

    def done(self) -> None:
        """The page is rendered: the fragments it took are its own."""
        taken = self.fragments.taken
        if taken.get(self.path, _NONE) != self.keys:
            if self.keys:
                taken[self.path] = self.keys
            else:  # most pages take none
                del taken[self.path]
            self.fragments.changed = True


_NONE: frozenset[Key] = frozenset()


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
        """The block as written where the page has no fragments (``none``: a build without a
        memory, which renders it once anyway), else through ``_fragment``, for which it is made
        into a macro at each use (``caller``): 3.4 µs more for each, twice what a small timeline
        entry costs to render."""
        lineno = next(parser.stream).lineno
        values = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            values.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcached",), drop_needle=True)
        where = nodes.Const(f"{parser.name}:{lineno}")
        call = self.call_method("_fragment", [where, nodes.ContextReference(), nodes.Tuple(values, "load")])
        none = nodes.Test(nodes.Name(CONTEXT_NAME, "load"), "none", [], [], None, None)
        cached = nodes.CallBlock(call, [], [], copy.deepcopy(body))
        return nodes.If(none, body, [], [cached]).set_lineno(lineno)

    @staticmethod
    def _fragment(where: str, context: Context, values: tuple[Any, ...], caller: Callable[[], Markup]) -> Markup:
        fragments = context.get(CONTEXT_NAME)
        return fragments.get(where, values, caller) if isinstance(fragments, PageFragments) else caller()

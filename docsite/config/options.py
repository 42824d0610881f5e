"""Options of site.yaml that check themselves, as MkDocs' config_options do: each knows its default,
what may be written for it, and the message (with a hint) for what may not.

An option raises ``Invalid`` about its own value; a container of options (a section, a list, a map)
reports it at the line where the value was written and goes on with the rest, so an editor sees
every mistake of site.yaml at once; it then raises ``Reported``, so that nothing is built of a
section with a mistake in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

from docsite.diagnostics import Diagnostics
from docsite.model import urls
from docsite.text import dates
from docsite.text.dates import EDTF
from docsite.text.sourcetext import LocMap, not_text, whole
from docsite.text.variants import MarkupError, Text, protect, refuse_reserved

T = TypeVar("T")
U = TypeVar("U")


class Invalid(Exception):
    """A value that may not be written; ``key`` names the part of it the message is about."""

    def __init__(self, message: str, hint: str = "", key: Any = None):
        super().__init__(message)
        self.message, self.hint, self.key = message, hint, key


class Reported(Exception):
    """Problems found inside a value, already reported."""


class _Missing:
    """A setting that is not written (YAML's null is written: it is None)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class At:
    """Where a value was written: site.yaml, and the keys (and list positions) that lead to it."""

    path: Path
    locs: LocMap
    diags: Diagnostics
    keys: tuple[Any, ...] = ()

    def __truediv__(self, key: Any) -> At:
        return replace(self, keys=(*self.keys, key))

    def line(self, key: bool = False) -> int:
        """The line of the value (or of its key), else of the nearest value around it that was written."""
        if key and (*self.keys, "__key__") in self.locs:
            return self.locs[(*self.keys, "__key__")][0]
        for end in range(len(self.keys), 0, -1):
            if self.keys[:end] in self.locs:
                return self.locs[self.keys[:end]][0]
        return 1

    def report(self, problem: Invalid) -> None:
        """Report ``problem`` at the value, or at the part of it (a key, or a tuple of keys) it names."""
        key = problem.key
        at = self if key is None else replace(self, keys=(*self.keys, *(key if isinstance(key, tuple) else (key,))))
        self.diags.error(self.path, at.line(), problem.message, problem.hint)


class Option(Generic[T]):
    """A setting: ``default`` when it is not written (none: it must be written)."""

    def __init__(self, default: Any = MISSING):
        self.default = default

    def read(self, value: Any, at: At) -> T:
        """The setting as the stages use it (its default when not written); raises ``Invalid`` or
        ``Reported``. A section sees to it that a setting without a default is written."""
        return self.default if value is MISSING else self.check(value, at)

    def check(self, value: Any, at: At) -> T:
        raise NotImplementedError


def _reading(items: Iterable[tuple[Any, Callable[[At], U]]], at: At) -> list[U]:
    """Each item read at its key; every problem reported, then ``Reported`` if there was one."""
    values, failed = [], False
    for key, read in items:
        try:
            values.append(read(at / key))
        except Invalid as problem:
            (at / key).report(problem)
            failed = True
        except Reported:
            failed = True
    if failed:
        raise Reported
    return values


class Str(Option[str]):
    """Text as written (a number too, as written: see sourcetext.Unquoted)."""

    def __init__(self, default: Any = MISSING, pattern: str = "", message: str = "", hint: str = ""):
        super().__init__(default)
        self.pattern, self.message, self.hint = re.compile(pattern) if pattern else None, message, hint

    def check(self, value: Any, at: At) -> str:
        if not isinstance(value, str):
            raise Invalid(*not_text(value))
        try:
            refuse_reserved(value)
        except MarkupError as exc:
            raise Invalid(str(exc), exc.hint) from exc
        if self.pattern is not None and not self.pattern.match(value):
            raise Invalid(self.message.format(value=value), self.hint)
        return str(value)


class Address(Option[str]):
    """An address readers may follow (see ``urls.refused``): text, never a number YAML read."""

    def check(self, value: Any, at: At) -> str:
        problem = urls.refused(value)
        if problem is not None:
            raise Invalid(f"{'.'.join(map(str, at.keys))}: {problem}", urls.LINK_HINT)
        return str(value)


class Bool(Option[bool]):
    """true or false: a quoted "false" is text, and an error, not true."""

    def check(self, value: Any, at: At) -> bool:
        if not isinstance(value, bool):
            raise Invalid(f"expected true or false, not '{value}'", "write true or false without quotes")
        return value


class Count(Option[int]):
    """A whole number, 0 or more (true and false are not numbers, though YAML counts them so)."""

    def __init__(self, default: Any = MISSING, hint: str = ""):
        super().__init__(default)
        self.hint = hint

    def check(self, value: Any, at: At) -> int:
        count = whole(value)
        if count is None or count < 0:
            raise Invalid(f"{'.'.join(map(str, at.keys))} must be a whole number, 0 or more", self.hint)
        return count


class Choice(Option[T]):
    """One of ``choices`` (names -> what the stages use)."""

    def __init__(self, choices: Callable[[], Mapping[str, T]], what: str, default: Any = MISSING):
        super().__init__(default)
        self.choices, self.what = choices, what

    def check(self, value: Any, at: At) -> T:
        choices = self.choices()
        if not isinstance(value, str) or value not in choices:
            raise Invalid(f"unknown {self.what} '{value}'", f"known: {', '.join(sorted(choices))}")
        return choices[value]


class TextOption(Option[Text]):
    """Text shown to readers, with conversion markup."""

    def check(self, value: Any, at: At) -> Text:
        try:
            return protect(Str().check(value, at))
        except MarkupError as exc:
            raise Invalid(str(exc), exc.hint) from exc


class Date(Option[EDTF]):
    """An EDTF date or interval."""

    def check(self, value: Any, at: At) -> EDTF:
        if not isinstance(value, str):
            raise Invalid("expected a date", dates.HINT)
        try:
            return dates.parse(value)
        except dates.DateError as exc:
            raise Invalid(str(exc), dates.HINT) from exc


class ListOf(Option[tuple[T, ...]]):
    """A list, each item an ``item``; ``key``, if given, must tell items apart (``twice`` says so)."""

    def __init__(self, item: Option[T], default: Any = (), key: Callable[[T], Any] | None = None,
                 twice: str = ""):
        super().__init__(default)
        self.item, self.key, self.twice = item, key, twice

    def check(self, value: Any, at: At) -> tuple[T, ...]:
        if value is None:
            return self.read(MISSING, at)
        if not isinstance(value, list):
            raise Invalid("expected a list, e.g. [a, b]")
        items = _reading(((i, partial(self.item.read, v)) for i, v in enumerate(value)), at)
        if self.key is not None and len({self.key(item) for item in items}) != len(items):
            raise Invalid(self.twice)
        return tuple(items)


class MapOf(Option[dict[str, T]]):
    """A mapping of names to ``item`` values; the item is read knowing its name (the last of its keys)."""

    def __init__(self, item: Option[T], default: Any = MISSING):
        super().__init__(default if default is not MISSING else {})
        self.item = item

    def check(self, value: Any, at: At) -> dict[str, T]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise Invalid("expected 'name: ...' lines")
        items = _reading(((k, partial(self.item.read, v)) for k, v in value.items()), at)
        return dict(zip(map(str, value), items, strict=True))


class Section(Option[T]):
    """A mapping of named settings, made into ``build(**settings)``; ``build`` may raise ``Invalid``
    about one setting (its ``key``). ``unknown`` is the message about a setting it does not know
    ({key}: the setting, {name}: the section's own name); ``incomplete``, if given, the message and
    hint about a section that is not a mapping or lacks a setting that must be written."""

    def __init__(self, options: dict[str, Option[Any]], build: Callable[..., T], default: Any = MISSING,
                 unknown: str = "unknown setting '{key}'", incomplete: tuple[str, str] | None = None,
                 named: bool = False):
        super().__init__(default)
        self.options, self.build, self.unknown, self.incomplete, self.named = (
            options, build, unknown, incomplete, named)

    def check(self, value: Any, at: At) -> T:
        if value is None:
            value = {}
        needed = [key for key, option in self.options.items() if option.default is MISSING]
        if self.incomplete and (not isinstance(value, dict) or not set(needed) <= value.keys()):
            raise Invalid(*self.incomplete)
        if not isinstance(value, dict):
            raise Invalid("expected 'setting: value' lines")
        name = at.keys[-1] if at.keys else ""
        failed = False
        for key in value:
            if key not in self.options:
                at.diags.error(at.path, (at / key).line(key=True), self.unknown.format(key=key, name=name),
                               f"known settings: {', '.join(sorted(self.options))}")
                failed = True
        for key in needed:
            if key not in value:
                at.report(Invalid(f"the setting '{key}' is missing"))
                failed = True
        settings = _reading(((key, partial(option.read, value.get(key, MISSING)))
                             for key, option in self.options.items() if key in value or key not in needed), at)
        if failed:
            raise Reported
        extra = {"name": str(name)} if self.named else {}
        return self.build(**extra, **dict(zip(self.options, settings, strict=True)))

"""OpenCC conversion exactly as opencc-python-reimplemented does it, at the speed of a native matcher.

opencc-python-reimplemented (the reference: its dictionaries, its configurations, its output) splits
text at punctuation and spaces, then applies the configuration's chain one step after another. In
a step, each dictionary in turn replaces the longest key found anywhere in a piece of text (the
leftmost of equal length) and goes on in what is left on either side of it; a later dictionary of
the same step only sees what the earlier ones left unmatched. That search costs a dictionary
lookup per substring and gives about half a million characters a second.

The same result, found faster: an Aho-Corasick automaton (ahocorasick-rs) lists every occurrence
of every key in one pass, and the occurrences are taken longest first, then leftmost, skipping any
that overlaps one already taken. That is the reference's choice: an occurrence it takes is the
first in that order within the free text around it, and one it skips overlaps a taken one that
comes before it. Most keys (four in five of those found in prose) are written as their characters
convert anyway; the choice is made only in the pieces of text that hold a key that is not
(``Step.convert``). A dictionary of single characters at the end of a step is a ``Translation``.
tests/test_opencc_exact.py compares the two on a large generated corpus. A build converts through
``conversion``, which leaves a few texts (a build after an edit converts a few thousand characters)
to the reference, and builds the automaton only where it pays for itself.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

import ahocorasick_rs
import opencc


@dataclass(frozen=True)
class Dictionary:
    """One dictionary of a step: an automaton over its keys, and by key (pattern index) what an
    occurrence puts in the text, or None where that is the key's characters as the step's
    ``characters`` convert them anyway (four occurrences in five)."""

    automaton: ahocorasick_rs.AhoCorasick
    values: tuple[str | None, ...]


@dataclass(frozen=True)
class Step:
    """One step of a configuration's chain (the reference's 'group'), or several folded into one."""

    dictionaries: tuple[Dictionary, ...]
    characters: Translation  # a last dictionary of single characters (each to one)
    changing: ahocorasick_rs.AhoCorasick | None  # the keys, of any dictionary, whose value is not None
    bounds: re.Pattern[str]  # a character that no key holds, so that no occurrence crosses it

    def convert(self, text: str) -> str:
        """The text with the step's dictionaries and characters applied.

        Only the pieces of text between two ``bounds`` that hold a changing key need the choice
        among occurrences (a tenth of the text in prose): elsewhere whatever is taken leaves the
        characters as ``characters`` convert them. Pieces are independent, since no occurrence
        crosses a bound."""
        translated = self.characters(text)  # one character for one: positions stay
        if self.changing is None:
            return translated
        chosen: list[tuple[int, int, str]] = []
        backwards = ""
        reach = 0  # where the last piece looked at ends
        for _, start, end in self.changing.find_matches_as_indexes(text):
            if start < reach:
                continue
            backwards = backwards or text[::-1]
            before = self.bounds.search(backwards, len(text) - start)
            after = self.bounds.search(text, end)
            first, reach = len(text) - before.start() if before else 0, after.start() if after else len(text)
            self._choose(text[first:reach], first, chosen)
        chosen.sort()
        out: list[str] = []
        pos = 0
        for start, end, value in chosen:
            out.append(translated[pos:start])
            out.append(value)
            pos = end
        out.append(translated[pos:])
        return "".join(out)

    def _choose(self, piece: str, offset: int, chosen: list[tuple[int, int, str]]) -> None:
        """Add to ``chosen`` the occurrences the reference takes in ``piece`` that change it."""
        taken = bytearray(len(piece))
        size = len(piece) + 1
        for dictionary in self.dictionaries:
            found = dictionary.automaton.find_matches_as_indexes(piece, overlapping=True)
            found.sort(key=lambda match: (match[1] - match[2]) * size + match[1])  # longest, then leftmost
            values = dictionary.values
            for index, start, end in found:
                if taken.find(1, start, end) == -1:
                    taken[start:end] = b"\x01" * (end - start)
                    value = values[index]
                    if value is not None:  # an occurrence that changes nothing only blocks others
                        chosen.append((offset + start, offset + end, value))


@dataclass(frozen=True)
class FastOpenCC:
    """A drop-in for ``opencc.OpenCC(config).convert`` with the same output."""

    config: str
    steps: tuple[Step, ...]

    def convert(self, text: str) -> str:
        for step in self.steps:
            text = step.convert(text)
        return text


class OnDemand:
    """A configuration's conversion as a build asks for it: by the reference until it has been
    given ``FAST_AFTER`` characters, then by ``converter``'s automaton, with the same output
    (tests/test_opencc_exact.py). Building s2tw's automaton takes some 0.17 s, in which the
    reference converts about 80,000 characters: more than a build after an edit asks for, less
    than a site's titles."""

    def __init__(self, config: str) -> None:
        self.config = config
        self.reference = opencc.OpenCC(config)
        self.given = 0

    def convert(self, text: str) -> str:
        self.given += len(text)
        return (converter(self.config) if self.given >= FAST_AFTER else self.reference).convert(text)

    def ready(self) -> None:
        """Build the automaton now: before processes fork that will convert more than
        ``FAST_AFTER`` characters between them, each of which would otherwise build its own."""
        converter(self.config)
        self.given = max(self.given, FAST_AFTER)

    def convert_many(self, texts: list[str]) -> list[str]:
        """Each of ``texts`` converted, in one pass over them all: joined by a separator, which the
        reference never matches across (``converter`` leaves out every key that holds one, and
        refuses a value that does), and split again, each text taking back as many pieces as it
        gave. For many short texts, a call's fixed cost outweighs the matching."""
        pieces = self.convert(SEPARATOR.join(texts)).split(SEPARATOR)
        out = []
        pos = 0
        for text in texts:
            end = pos + text.count(SEPARATOR) + 1
            out.append(SEPARATOR.join(pieces[pos:end]))
            pos = end
        return out


#: Characters converted by the reference before the automaton is built (see ``OnDemand``).
FAST_AFTER = 50_000


@cache
def conversion(config: str) -> OnDemand:
    """The configuration's conversion, one per process (see ``OnDemand``)."""
    return OnDemand(config)


#: Joins texts converted together (``OnDemand.convert_many``); one of the reference's separators.
SEPARATOR = "\n"


@cache
def converter(config: str) -> FastOpenCC:
    """The configuration's converter, built from the reference's own loaded dictionaries."""
    reference = opencc.OpenCC(config)
    separators = reference.split_chars_re
    if not separators.fullmatch(SEPARATOR):
        raise ValueError(f"OpenCC {config}: {SEPARATOR!r} no longer separates text")
    steps: list[tuple[list[dict[str, str]], dict[int, str]]] = []  # dictionaries, then characters
    for group in reference._dict_chain_data:  # lists of (max key length, min key length, {key: values})
        tables = []
        for _, _, table in group:
            keys, values = list(table), [values.split(" ")[0] for values in table.values()]
            # The reference never sees a separator inside the text it matches.
            dropped = _holding(separators, keys)
            bad = next((values[i] for i in sorted(_holding(separators, values) - dropped)), None)
            # Dropping keys with a separator is exact only while no value brings one into the text.
            if bad is not None:
                raise ValueError(f"OpenCC {config}: a value contains a separator: {bad!r}")
            tables.append({key: value for i, (key, value) in enumerate(zip(keys, values, strict=True))
                           if i not in dropped})
        characters: dict[int, str] = {}
        if tables and all(len(key) == 1 for key in tables[-1]):
            characters = {ord(key): value for key, value in tables.pop().items()}
            if any(len(value) != 1 for value in characters.values()):  # Step.convert counts on it
                raise ValueError(f"OpenCC {config}: a character maps to more than one character")
        tables = [table for table in tables if table]
        if steps and not tables:
            steps.append(_then(*steps.pop(), characters))
        else:
            steps.append((tables, characters))
    return FastOpenCC(config, tuple(_step(tables, characters, separators) for tables, characters in steps))


def _step(tables: list[dict[str, str]], characters: dict[int, str], separators: re.Pattern[str]) -> Step:
    """A step of these dictionaries, then these characters."""
    converted = translation(characters)
    dictionaries = tuple(Dictionary(ahocorasick_rs.AhoCorasick(list(table)),
                                    tuple(None if value == same else value
                                          for value, same in zip(table.values(), _each(converted, list(table)),
                                                                 strict=True)))
                         for table in tables)
    changing = list(dict.fromkeys(key for table, dictionary in zip(tables, dictionaries, strict=True)
                                  for key, value in zip(table, dictionary.values, strict=True) if value is not None))
    return Step(dictionaries, converted, ahocorasick_rs.AhoCorasick(changing) if changing else None,
                _bounds(separators.pattern))


@cache
def _bounds(separators: str) -> re.Pattern[str]:
    """Any character of the Basic Multilingual Plane that is a separator on its own. No key holds
    one (``converter`` leaves out every key in which the reference's pattern finds a match)."""
    pattern = re.compile(separators)
    return re.compile("[" + "".join(re.escape(chr(code)) for code in range(0x10000)
                                    if pattern.fullmatch(chr(code))) + "]")


@dataclass(frozen=True)
class Translation:
    """A table of characters, each to one string, applied as ``str.translate`` applies it, in half
    the time: ``str.translate`` looks each character up, and indexing a list (``plane``, by code
    point over the Basic Multilingual Plane, every character the table lacks mapped to itself) is
    twice as fast as searching a dict; a missing dict key even costs a KeyError raised and caught.
    The few characters beyond the plane (``beyond``) are looked up in a dict, in the few texts that
    hold any."""

    plane: list[str]
    beyond: dict[str, str]

    def __call__(self, text: str) -> str:
        if not self.beyond or not _BEYOND.search(text):
            return text.translate(self.plane)  # a character beyond the plane: IndexError, no change
        runs = _BEYOND.split(text)  # runs within the plane, and characters beyond it, by turns
        return "".join(self.beyond.get(run, run) if i % 2 else run.translate(self.plane) for i, run in enumerate(runs))


#: A character beyond the Basic Multilingual Plane (captured, so that ``split`` keeps it).
_BEYOND = re.compile("([\U00010000-\U0010ffff])")


def translation(table: dict[int, str]) -> Translation:
    """``table`` (by code point) as a ``Translation``."""
    return Translation([table.get(code, same) for code, same in enumerate(_plane())],
                       {chr(code): value for code, value in table.items() if code >= 0x10000})


@cache
def _plane() -> tuple[str, ...]:
    """Every character of the Basic Multilingual Plane, made once, so that the characters a table
    leaves as they are are the same objects in every table (65,536 strings, 4.5 MB a table)."""
    return tuple(map(chr, range(0x10000)))


def _then(tables: list[dict[str, str]], table: dict[int, str],
          characters: dict[int, str]) -> tuple[list[dict[str, str]], dict[int, str]]:
    """A step followed by a step of single characters, as one step: a character table applies to
    each character alone, so it can be applied to the earlier step's values and table instead of
    to its output, which saves a pass over the text."""
    def translated(texts: list[str]) -> list[str]:
        return _each(lambda text: text.translate(characters), texts)

    tables = [dict(zip(t, translated(list(t.values())), strict=True)) for t in tables]
    joined = dict(characters)
    joined.update(zip(table, translated(list(table.values())), strict=True))
    return tables, joined


#: Joins many short texts for one call over them all (``_each``, ``_holding``): no key or value of
#: OpenCC's dictionaries holds it, no table maps a character to it, and it is no separator.
_JOIN = "\0"


def _each(convert: Callable[[str], str], texts: list[str]) -> list[str]:
    """``convert`` of each of ``texts`` (which keeps every character a character, as a table of
    characters does), in one call over them all: a call per text was most of building a step."""
    out = convert(_JOIN.join(texts)).split(_JOIN) if texts else []
    if len(out) != len(texts):
        raise ValueError(f"OpenCC: a dictionary holds {_JOIN!r}")
    return out


def _holding(pattern: re.Pattern[str], texts: list[str]) -> set[int]:
    """The indices of the ``texts`` in which ``pattern`` finds a match, found by one search over
    them all (joined by ``_JOIN``, which the pattern must not match)."""
    if pattern.search(_JOIN):
        raise ValueError(f"OpenCC: {_JOIN!r} separates text")
    starts = list(accumulate((len(text) + len(_JOIN) for text in texts), initial=0))
    return {bisect_right(starts, match.start()) - 1 for match in pattern.finditer(_JOIN.join(texts))}

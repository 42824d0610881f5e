"""What search matches on: text folded and cut into tokens, the same way here as in static/search.js.

Readers search in the script they type, which is not always the script they read. Folding makes the
forms of one character one (the classes of characters OpenCC converts into one another, 复 復 複 覆
to 复), letters lower case and without accents (Lüshun, lushun), full-width forms half-width, and a
run of Chinese numerals the number it writes (第五条, 第5条 and 第五條 all read 第 5 条).

A token is a Chinese character, a number or a word of letters; punctuation and spaces only separate
them. Chinese is not cut into words, so no word list decides what can be found: the index keeps
every pair of neighbouring tokens of which one is Chinese (a ``bigram``), and every number and word;
a query matches where its tokens stand side by side. search.js tokenizes with the same rules, and a
test compares the two on the site's text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache
from operator import add
from pathlib import Path
from typing import NamedTuple

import opencc

from docsite.text import pinyin
from docsite.text.opencc_fast import Translation, translation

#: OpenCC's tables of single characters: their pairs make the classes text is folded by.
CHARACTER_TABLES = ("TSCharacters", "STCharacters", "TWVariants", "TWVariantsRev", "HKVariants", "HKVariantsRev")

#: Chinese numerals: a run of them is one token, the number it writes.
DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
UNITS = {"十": 10, "百": 100, "千": 1000}
MYRIAD = "万"
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
LETTERS = "a-z\u00df-\u024f\u0370-\u03ff\u0400-\u04ff"
NUMERALS = "".join(DIGITS) + "".join(UNITS) + MYRIAD
#: A token: a run of numerals, a Chinese character, a word of letters, a run of digits (the same in search.js).
TOKEN = re.compile(f"([{NUMERALS}]+)|([{CJK}])|([{LETTERS}]+)|([0-9]+)")


def number(run: str) -> str:
    """The digits of a run of Chinese numerals: 一九五〇 -> 1950, 一百五十六 -> 156, 第十 -> 10."""
    if not any(c in UNITS or c == MYRIAD for c in run):
        return "".join(str(DIGITS[c]) for c in run)
    total = section = digit = 0
    for c in run:
        if c in DIGITS:
            digit = DIGITS[c]
        elif c in UNITS:
            section += (digit or 1) * UNITS[c]
            digit = 0
        else:
            total += (section + digit or 1) * 10000
            section = digit = 0
    return str(total + section + digit)


#: ``TOKEN`` without its groups (a list of strings from ``findall``), and a run of numerals alone.
_FLAT = re.compile(TOKEN.pattern.replace("(", "(?:"))
_NUMERAL_RUN = re.compile(f"[{NUMERALS}]+")


def tokens(folded: str) -> list[str]:
    """The tokens of folded text (see ``fold``), in order: each run of numerals made the number it
    writes first, apart, so that the rest is one ``findall`` (this runs over every page's text)."""
    if _NUMERAL_RUN.search(folded):
        folded = _NUMERAL_RUN.sub(lambda run: f" {number(run[0])} ", folded)
    return _FLAT.findall(folded)


def is_cjk(token: str) -> bool:
    return len(token) == 1 and "\u3400" <= token <= "\ufaff" and token not in NUMERALS


def bigram(a: str, b: str) -> str:
    """The key of two neighbouring tokens, one of them Chinese: 苏联, 第 5."""
    return a + b if is_cjk(a) and is_cjk(b) else f"{a} {b}"


def keys(toks: list[str], single: bool = False) -> dict[str, list[int]]:
    """The index keys of a token sequence, each with its places: every word and number, and every
    bigram (at its first token's place); with ``single``, every Chinese character too (names only,
    so that a one-character query finds the pages named with it). One loop, as it runs over every
    character of the site."""
    out: dict[str, list[int]] = {}
    if not toks:
        return out
    get = out.setdefault
    cjk = [len(t) == 1 and "\u3400" <= t <= "\ufaff" and t not in NUMERALS for t in toks]
    following = [*toks[1:], ""]
    for i, (token, c, after, c_after) in enumerate(zip(toks, cjk, following, [*cjk[1:], False], strict=True)):
        if single or not c:
            get(token, []).append(i)
        if after and (c or c_after):
            get(token + after if c and c_after else f"{token} {after}", []).append(i)
    return out


def key_counts(toks: list[str]) -> Counter[str]:
    """The index keys of a token sequence (see ``keys``: words, numbers, bigrams) with how often
    each occurs, without places. Made by C-speed operations over the whole sequence (counting the
    tokens and every pair of neighbours as written), then the few pairs that are not bigrams of
    two Chinese characters mended: tokens are of a page's text, all of it. Folded tokens: a token
    from the character U+3400 up is a Chinese character, any other a word or a number."""
    counts = Counter(map(add, toks, toks[1:]))
    # A pair with a word or a number: its Chinese character (the first or the last character) apart
    # from it by a space, as ``bigram`` writes it; two words or numbers side by side are no key.
    for pair in [pair for pair in counts if len(pair) != 2 or pair < _CJK_FIRST or pair[1] < _CJK_FIRST]:
        count = counts.pop(pair)
        if pair >= _CJK_FIRST:
            counts[f"{pair[0]} {pair[1:]}"] += count
        elif pair[-1] >= _CJK_FIRST:
            counts[f"{pair[:-1]} {pair[-1]}"] += count
    counts.update({token: count for token, count in Counter(toks).items() if token < _CJK_FIRST})
    return counts


_CJK_FIRST = "\u3400"

#: What ends a stretch of folded text: characters no token holds, which no conversion crosses
#: (OpenCC converts text a piece between punctuation at a time).
_STRETCH_END = re.compile(r"[。!?;\n]")


class Counted(NamedTuple):
    """A folded text's ``key_counts``, the text cut into stretches (see ``counted``), and the keys
    whose counts differ from those of the text it was counted from (None: counted afresh)."""

    stretches: list[str]
    counts: Counter[str]
    changed: set[str] | None


def counted(folded: str, like: Counted | None = None) -> Counted:
    """``key_counts(tokens(folded))``, made from ``like`` (another text's) where the two differ in
    few stretches, as a page's variants do (where a phrase is said otherwise: 斯大林, 史達林):
    ``like``'s counts less the keys of the stretches that differ, plus theirs here. A stretch's keys
    are its tokens' and those of the pairs they make with the nearest tokens on either side; no
    token crosses a stretch's end."""
    stretches = _STRETCH_END.split(folded)
    if like is not None and len(like.stretches) == len(stretches):
        differ = [i for i, (a, b) in enumerate(zip(like.stretches, stretches, strict=True)) if a != b]
        if len(differ) * 2 <= len(stretches):
            return _recounted(like, stretches, differ)
    return Counted(stretches, key_counts(tokens(folded)), None)


def _recounted(like: Counted, stretches: list[str], differ: list[int]) -> Counted:
    """``counted`` for ``stretches`` from ``like``, whose stretches differ at ``differ``."""
    # Each run with the nearest tokens on either side, which lie in stretches the two texts share
    # (see ``_runs``), one run after the other: the pairs where two runs meet are of those tokens,
    # the same in both texts, as are their own keys.
    was: list[str] = []
    is_now: list[str] = []
    for first, last in _runs(stretches, differ):
        edges = _edge(stretches, range(first - 1, -1, -1), -1), _edge(stretches, range(last + 1, len(stretches)), 0)
        was += [*edges[0], *tokens(" ".join(like.stretches[first:last + 1])), *edges[1]]
        is_now += [*edges[0], *tokens(" ".join(stretches[first:last + 1])), *edges[1]]
    before, now = key_counts(was), key_counts(is_now)
    changed = {key for key in before.keys() | now.keys() if before[key] != now[key]}
    counts = like.counts.copy()
    for key in changed:
        count = counts[key] - before[key] + now[key]
        if count:
            counts[key] = count
        else:
            del counts[key]
    return Counted(stretches, counts, changed)


def _runs(stretches: list[str], differ: list[int]) -> list[list[int]]:
    """The stretches at ``differ`` (in order) in runs, first and last: one run where no token stands
    between them, so that a pair of tokens is counted with one run only."""
    runs: list[list[int]] = []
    for at in differ:
        if runs and not any(map(_FLAT.search, stretches[runs[-1][1] + 1:at])):
            runs[-1][1] = at
        else:
            runs.append([at, at])
    return runs


def _edge(stretches: list[str], order: range, which: int) -> list[str]:
    """The first (``which`` 0) or last (-1) token of the first stretch in ``order`` that holds one."""
    for at in order:
        if found := tokens(stretches[at]):
            return [found[which]]
    return []


def bucket_of(key: str) -> str:
    """What decides a key's piece of the index: a word's first two letters (so that the piece holds
    every word a typed beginning may become), any other key whole."""
    return key[:2] if not any(is_cjk(c) for c in key) and " " not in key else key


def bucket(key: str, count: int) -> int:
    """The piece of ``count`` that holds ``key``: FNV-1a over the UTF-16 code units of ``bucket_of``."""
    return key_hash(key) % count


@lru_cache(maxsize=1 << 18)  # the keys of one build's pages, mostly; bounded for a preview left running
def key_hash(key: str) -> int:
    h = 0x811C9DC5
    data = bucket_of(key).encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ (data[i] | data[i + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    return h


@cache
def _letters() -> dict[int, str]:
    """Lower case and accents off for the letters search knows (Latin, Greek, Cyrillic), and
    full-width forms half-width."""
    table = {}
    for code in (*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x370, 0x500), *range(0xFF01, 0xFF5F), 0x3000):
        c = chr(code)
        if code >= 0xFF01:
            c = chr(code - 0xFEE0)
        elif code == 0x3000:
            c = " "
        base = unicodedata.normalize("NFD", c.lower())[0]
        if len(c.lower()) == 1 and base != chr(code):
            table[code] = base
    return table


@cache
def classes() -> tuple[str, ...]:
    """Characters that OpenCC converts into one another, a class a string, the one they fold to first.

    Only characters of the Basic Multilingual Plane: a browser's string counts the others as two,
    and folding must keep lengths for excerpts to be marked where they matched.
    """
    folder = Path(opencc.__file__).parent / "dictionary"
    parent: dict[str, str] = {}

    def root(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for name in CHARACTER_TABLES:
        for line in (folder / f"{name}.txt").read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            for value in values.split(" "):
                if len(key) == len(value) == 1 and ord(key) < 0x10000 and ord(value) < 0x10000:
                    a, b = sorted((root(key), root(value)))
                    parent[b] = a
    members: dict[str, list[str]] = {}
    for c in sorted(parent):
        members.setdefault(root(c), []).append(c)
    return tuple("".join(group) for group in members.values() if len(group) > 1)


@cache
def _folding() -> Translation:
    table: dict[int, str] = dict(_letters())
    table |= {ord(c): group[0] for group in classes() for c in group[1:]}
    return translation(table)


def fold(text: str) -> str:
    """``text`` as search matches it: each character of an OpenCC class as the class's first, and
    letters as ``_letters`` makes them; every character stays one character."""
    return _folding()(text)


def letters_table() -> str:
    """``_letters`` for search.js: pairs of characters, from and to."""
    return "".join(chr(code) + to for code, to in sorted(_letters().items()))


def pinyin_lines(name: str) -> list[str]:
    """A name's readings in pinyin without tones, as readers type them: syllables apart and together
    (zhou en lai, zhouenlai), ü as u and as v (lu shun, lv shun); four lines, or none when the name
    has no Chinese. Apart, the syllables stand where the name's characters stand among its tokens
    (search.js finds which characters a reading matched: 斯达林 read as si da lin is 斯大林)."""
    if not any(is_cjk(c) for c in name):
        return []
    syllables = [s for item in pinyin.read(name, v_to_u=True) for s in re.findall(r"\w+", item.lower())]
    lines = [" ".join(syllables), "".join(syllables)]
    return lines + [line.replace("ü", "v") for line in lines]

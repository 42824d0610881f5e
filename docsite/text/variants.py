"""Script variants: MediaWiki-style conversion markup, glossaries, and OpenCC.

Text goes through layers, highest priority first: inline markup (``-{...}-``), rules that markup
adds for the rest of the page (``-{H|...}-``, ``-{A|...}-``), the page's ``glossary``, the site
glossary (each layer longest match first), and finally OpenCC with the variant's configuration.

Markup is cut out of a text before anything else reads it and replaced by one private-use
character per block (``protect``). Markdown then sees an ordinary character, OpenCC never matches
a phrase across it (which is what ``a-{}-b`` is for), and the block is put back per variant.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple, TypeVar

import ahocorasick_rs
import opencc

from docsite.text import opencc_fast

T = TypeVar("T")

#: MediaWiki's fallback chains (LanguageConverter for zh): which forms a variant accepts when a
#: rule or markup does not name it.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "zh-hans": ("zh-cn", "zh-sg", "zh-my"),
    "zh-hant": ("zh-tw", "zh-hk", "zh-mo"),
    "zh-cn": ("zh-hans", "zh-sg", "zh-my"),
    "zh-sg": ("zh-my", "zh-hans", "zh-cn"),
    "zh-my": ("zh-sg", "zh-hans", "zh-cn"),
    "zh-tw": ("zh-hant", "zh-hk", "zh-mo"),
    "zh-hk": ("zh-mo", "zh-hant", "zh-tw"),
    "zh-mo": ("zh-hk", "zh-hant", "zh-tw"),
}
KNOWN_CODES = frozenset(FALLBACKS)
#: How -{D|...}- names each variant (MediaWiki's own names, each in its script).
VARIANT_NAMES = {"zh-hans": "简体", "zh-hant": "繁體", "zh-cn": "大陆简体", "zh-tw": "臺灣正體",
                 "zh-hk": "香港繁體", "zh-mo": "澳門繁體", "zh-sg": "新加坡简体", "zh-my": "大马简体"}

PLACEHOLDER_BASE = 0xF0000  # Supplementary Private Use Area-A: refused in content (refuse_reserved), not in OpenCC's
PLACEHOLDER = re.compile("[\U000f0000-\U000ffffd]")
_FORM = re.compile(r"\s*(?:(?P<source>[^;:=]+?)\s*=>\s*)?(?P<code>zh(?:-[a-z]{2,4})?)\s*:")
_SPLIT = re.compile(r";\s*(?=(?:[^;:=]+?\s*=>\s*)?zh(?:-[a-z]{2,4})?\s*:)")
_FLAGS = {"R", "H", "A", "T", "D"}
_HINT = "e.g. -{王世杰}-, -{zh-hans:长春;zh-hant:長春;}-, -{H|zh-hans:旅顺;zh-hant:旅順;}-, -{T|...}-, -{D|...}-"


class MarkupError(ValueError):
    def __init__(self, message: str, offset: int, hint: str = ""):
        super().__init__(message)
        self.offset = offset
        self.hint = hint


@dataclass(frozen=True)
class Rule:
    """One conversion rule: the form each variant gets for a word.

    A two-way rule matches any of its forms; a one-way rule (``甲=>zh-hant:乙``) matches only
    ``sources`` and applies only to the variants it names.
    """

    forms: tuple[tuple[str, str], ...]  # (variant code, form)
    sources: tuple[str, ...] = ()  # one-way rules only: each form's source

    def form_for(self, code: str) -> str | None:
        forms = dict(self.forms)
        return forms.get(code) if self.sources else pick(forms, code)

    def match_keys(self) -> tuple[str, ...]:
        """What the rule matches in a text: its sources, or any of its forms."""
        return tuple(dict.fromkeys(self.sources)) or tuple(form for _, form in self.forms)


@dataclass(frozen=True)
class Block:
    """One ``-{...}-`` block."""

    kind: str  # "verbatim" (also R), "choice", "H", "A", "T" (title) or "D" (describe)
    verbatim: str = ""
    rule: Rule | None = None

    @property
    def adds_rule(self) -> bool:
        return self.kind in ("H", "A")


def pick(forms: dict[str, str], code: str) -> str | None:
    """The form for ``code``, following MediaWiki's fallback chain; None if none applies."""
    if code in forms:
        return forms[code]
    return next((forms[f] for f in FALLBACKS.get(code, ()) if f in forms), None)


def parse_block(inner: str, offset: int) -> Block:
    """Parse the inside of ``-{...}-``; ``offset`` is where the inside starts, for errors."""
    flag = ""
    head, bar, rest = inner.partition("|")
    if bar and re.fullmatch(r"\s*[A-Za-z-]\s*", head):  # MediaWiki's flags: letters, and - (remove a rule)
        flag = head.strip()
        if flag not in _FLAGS:
            raise MarkupError(f"unsupported conversion flag '{flag}|'", offset, _HINT)
        inner, offset = rest, offset + len(head) + 1
    if flag == "R" or (not flag and not _FORM.match(inner)):
        return Block("verbatim", verbatim=inner)
    if not _FORM.match(inner):
        raise MarkupError(f"-{{{flag}|...}}- needs variant forms", offset, _HINT)
    forms: list[tuple[str, str]] = []
    sources: list[str] = []
    position = offset
    for part in _SPLIT.split(inner):
        if not part.strip().strip(";"):
            position += len(part) + 1
            continue
        match = _FORM.match(part)
        if not match:
            raise MarkupError("expected 'variant:text' in conversion markup", position, _HINT)
        code = match.group("code")
        if code not in KNOWN_CODES:
            raise MarkupError(f"unknown variant code '{code}' in conversion markup",
                              position + match.start("code"), f"use one of {', '.join(sorted(KNOWN_CODES))}")
        text = part[match.end():]
        forms.append((code, text.removesuffix(";")))
        if match.group("source"):
            sources.append(match.group("source").strip())
        position += len(part) + 1
    if sources and (len(sources) != len(forms) or flag not in ("H", "A")):
        raise MarkupError("one-way rules (甲=>zh-hant:乙) go in -{H|...}- or -{A|...}-, every form with its source",
                          offset, "e.g. -{H|鼠标=>zh-hant:滑鼠;}-")
    if sources:
        return Block(flag, rule=Rule(tuple(forms), tuple(sources)))
    return Block(flag or "choice", rule=Rule(tuple(forms)))


@dataclass(frozen=True)
class Text:
    """A string as the editor wrote it, its markup cut out into ``blocks`` (see ``protect``)."""

    source: str
    blocks: tuple[Block, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.source)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Rules that H and A blocks add."""
        return tuple(b.rule for b in self.blocks if b.adds_rule and b.rule)

    @property
    def title(self) -> Block | None:
        """The -{T|...}- block that sets the page's displayed title, if any."""
        return next((b for b in self.blocks if b.kind == "T"), None)


def refuse_reserved(text: str) -> None:
    """Raise MarkupError at the first character of ``text`` in the range that stands for the markup
    cut out of a text (``PLACEHOLDER``): text that held one would have it read as markup."""
    reserved = PLACEHOLDER.search(text)
    if reserved is not None:
        raise MarkupError(f"the text holds U+{ord(reserved.group()):X}, a private-use character that stands for "
                          "conversion markup here", reserved.start(), "delete it: no font shows a character for it")


def protect(text: str) -> Text:
    """Cut ``-{...}-`` markup out of ``text``; raises MarkupError with the offset of the problem
    (see also ``refuse_reserved``)."""
    refuse_reserved(text)
    out: list[str] = []
    blocks: list[Block] = []
    pos = 0
    while True:
        start = text.find("-{", pos)
        end_stray = text.find("}-", pos)
        if end_stray != -1 and (start == -1 or end_stray < start):
            raise MarkupError("'}-' closes conversion markup that was never opened", end_stray,
                              "remove it, or open the markup with '-{'")
        if start == -1:
            out.append(text[pos:])
            break
        end = text.find("}-", start + 2)
        if end == -1:
            raise MarkupError("conversion markup '-{' is not closed", start, "close it with '}-'")
        nested = text.find("-{", start + 2, end)
        if nested != -1:
            raise MarkupError("conversion markup cannot be nested", nested, "close the outer '-{' first")
        out.append(text[pos:start])
        out.append(chr(PLACEHOLDER_BASE + len(blocks)))
        blocks.append(parse_block(text[start + 2:end], start + 2))
        pos = end + 2
    return Text("".join(out), tuple(blocks))


def block_at(char: str, blocks: tuple[Block, ...]) -> Block:
    return blocks[ord(char) - PLACEHOLDER_BASE]


def plain(text: Text) -> str:
    """The text with each block as written in it (the first form of a choice): for matching names."""
    if not text.blocks:  # most texts hold no markup
        return text.source

    def shown(match: re.Match[str]) -> str:
        block = block_at(match.group(), text.blocks)
        return block.verbatim if block.rule is None else block.rule.forms[0][1]
    return PLACEHOLDER.sub(shown, text.source)


def restore(source: str, blocks: tuple[Block, ...]) -> str:
    """Put markup back as written: for code, where nothing is converted."""
    return PLACEHOLDER.sub(lambda m: _source_of(block_at(m.group(), blocks)), source)


def _source_of(block: Block) -> str:
    if block.rule is None:
        return "-{" + block.verbatim + "}-"
    sources = block.rule.sources or ("",) * len(block.rule.forms)
    inner = "".join(f"{s}=>{c}:{f};" if s else f"{c}:{f};" for s, (c, f) in zip(sources, block.rule.forms, strict=True))
    return "-{" + ("" if block.kind == "choice" else f"{block.kind}|") + inner + "}-"


@cache
def opencc_configs() -> frozenset[str]:
    """The OpenCC configurations the installed package provides (s2tw, t2s, s2hk, ...)."""
    config_dir = Path(opencc.__file__).parent / "config"
    return frozenset(p.stem for p in config_dir.glob("*.json"))


@cache
def _simplified_table() -> opencc_fast.Translation:
    """Traditional -> simplified, character for character (OpenCC's TSCharacters, first choice).

    Glossary forms and text are compared folded, so a form matches however the text mixes the
    two scripts (签訂 matches 签订), and folding never changes lengths, so positions agree.
    """
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        value = values.split(" ")[0]
        if len(key) == 1 and len(value) == 1:
            table[ord(key)] = value
    return opencc_fast.translation(table)


def fold_to_simplified(text: str) -> str:
    """Each character of ``text`` as its simplified form (see ``_simplified_table``)."""
    return _simplified_table()(text)


class _ForOpenCC(str):
    """A run of text that no rule settles, left to OpenCC."""


class Matcher(NamedTuple):
    """A layer's rules, ready to match."""

    automaton: ahocorasick_rs.AhoCorasick  # over the folded keys
    forms: tuple[str, ...]  # each key's form, by index
    separator: bool  # whether a key holds ``SEPARATOR`` (then texts are not matched joined)


#: Joins texts planned and converted together; one of OpenCC's own separators.
SEPARATOR = opencc_fast.SEPARATOR


@dataclass
class Stats:
    """What conversion did in a build: texts asked for (with repeats) and converted (distinct)."""

    requests: int = 0
    requested_characters: int = 0
    texts: int = 0
    characters: int = 0  # given to OpenCC


#: Texts of at least this many characters are long: paragraphs, not titles or labels (see views.Localizer.text).
LONG = 100


#: Rule sets tried before the site glossary, first first (a page's, its markup's).
Layers = tuple[tuple[Rule, ...], ...]
#: What a converted text is kept by: its source, its markup, and the rule layers it was converted with.
CacheKey = tuple[str, tuple[Block, ...], Layers]


def _key(text: Text, layers: Layers) -> CacheKey:
    return text.source, text.blocks, _rules(layers)


def _rules(layers: Layers) -> Layers:
    """The layers that hold rules: an empty layer changes nothing, so that a text is converted once
    whether it is asked for with empty layers (a title) or none (a label)."""
    return tuple(layer for layer in layers if layer) if any(layers) else ()


@dataclass
class Converter:
    """Converts text into one variant; each distinct text is converted once per build."""

    code: str
    opencc_config: str
    glossary: tuple[Rule, ...] = ()
    stats: Stats = field(default_factory=Stats)
    _cache: dict[CacheKey, str] = field(
        default_factory=dict, repr=False)
    # By the identity of a rule set, which it keeps alive: hashing every rule at every call cost
    # more than the conversion itself.
    _matchers: dict[int, tuple[tuple[Rule, ...], Matcher | None]] = field(
        default_factory=dict, repr=False)
    _settled: int = field(default=0, repr=False)  # the texts of ``_cache`` kept by ``forget_unsettled``
    # What the build before converted and matched (see ``turn``), taken over when asked for again.
    _earlier: dict[CacheKey, str] = field(default_factory=dict, repr=False)
    _earlier_matchers: dict[int, tuple[tuple[Rule, ...], Matcher | None]] = field(default_factory=dict, repr=False)
    # The owners of the last ``prefetch_of`` and the keys of the texts each asked for.
    _owned: tuple[Sequence[object], list[tuple[CacheKey, ...]]] = field(default_factory=lambda: ((), []), repr=False)

    def __call__(self, text: Text | str, *layers: tuple[Rule, ...]) -> str:
        """Convert ``text``; ``layers`` are rule sets tried before the site glossary, first first."""
        source, blocks = (text, ()) if isinstance(text, str) else (text.source, text.blocks)
        self.stats.requests += 1
        self.stats.requested_characters += len(source)
        key: CacheKey = (source, blocks, _rules(layers))
        converted = self._cache.get(key) or self._taken_over(key)
        if converted is None:
            self._fetch([key])
            converted = self._cache[key]
        return converted

    def prefetch(self, items: Iterable[tuple[Text, Layers]]) -> None:
        """Convert, ahead of the calls that will ask for them, the texts (each with its layers) not
        converted yet."""
        self._fetch([_key(text, layers) for text, layers in items])

    def prefetch_of(self, owners: Sequence[T], items: Callable[[T], Iterable[tuple[Text, Layers]]]) -> None:
        """``prefetch`` of the ``items`` of each of ``owners``. An owner that is the object at its
        place in the last call asks for what it asked for then, which is not made into keys again:
        the preview's pages, of which an edit changes one, and every page's title is asked for."""
        last, last_keys = self._owned
        keys = [last_keys[at] if at < len(last) and last[at] is owner
                else tuple(_key(text, layers) for text, layers in items(owner))
                for at, owner in enumerate(owners)]
        self._owned = (owners, keys)
        self._fetch([key for own in keys for key in own])

    def _fetch(self, keys: list[CacheKey]) -> None:
        """Convert the texts of ``keys`` not converted yet. Texts with the same layers are planned
        joined, as one text, and OpenCC gets all that the rules leave to it in one call
        (``convert_many``): for many short texts, a call's fixed cost outweighs the work."""
        groups: dict[Layers, dict[CacheKey, Text]] = {}
        for key in keys:
            if key not in self._cache and self._taken_over(key) is None:
                groups.setdefault(key[2], {})[key] = Text(key[0], key[1])
        plans: list[tuple[dict[CacheKey, Text], list[str]]] = []
        for layers, texts in groups.items():
            matchers = tuple(m for m in map(self._matcher, (*layers, self.glossary)) if m is not None)
            if len(texts) == 1 or not any(m.separator for m in matchers):
                plans.append((texts, self._plan(list(texts.values()), matchers)))
            else:  # a key holds the separator, so a match could cross from one text into the next
                plans += [({key: text}, self._plan([text], matchers)) for key, text in texts.items()]
        pieces: list[str] = [part for _, plan in plans for part in plan if isinstance(part, _ForOpenCC)]
        self.stats.characters += sum(map(len, pieces))
        converted = iter(opencc_fast.conversion(self.opencc_config).convert_many(pieces))
        for texts, plan in plans:
            joined = "".join(next(converted) if isinstance(part, _ForOpenCC) else part for part in plan)
            results = joined.split(SEPARATOR) if len(texts) > 1 else [joined]
            if len(results) != len(texts):  # a text's own output holds the separator: each alone
                for key in texts:
                    self._fetch([key])
                continue
            self.stats.texts += len(texts)
            self._cache.update(zip(texts, results, strict=True))

    def _taken_over(self, key: CacheKey) -> str | None:
        converted = self._earlier.get(key)
        if converted is not None:
            self._cache[key] = converted
        return converted

    def turn(self) -> None:
        """A build is done: the next one takes over what this one converted and matched, and no more
        (the preview server keeps a converter while the glossary holds, for ever)."""
        self._earlier, self._cache = self._cache, {}
        self._earlier_matchers, self._matchers = self._matchers, {}
        self._settled = 0

    def settle(self) -> None:
        """Keep for the whole build what is converted so far: the texts that many pages show (see
        views.Localizer.convert_shown), before the processes that make pages fork."""
        self._settled = len(self._cache)

    def forget_unsettled(self) -> None:
        """Forget what was converted since ``settle``: a part's paragraphs, sentences and cells,
        which no other part asks for, so that a process holds one part's texts, not those of every
        page it made (the cache keeps the order in which texts came, the settled ones first)."""
        cache = self._cache
        while len(cache) > self._settled:
            cache.popitem()

    def ready(self) -> None:
        """Build OpenCC's automaton now, for the processes about to fork (opencc_fast.OnDemand.ready)."""
        opencc_fast.conversion(self.opencc_config).ready()

    def plain(self, text: str) -> str:
        """OpenCC alone: the last resort for markup that names no form for this variant."""
        self.stats.characters += len(text)
        return opencc_fast.conversion(self.opencc_config).convert(text)

    def _plan(self, texts: list[Text], matchers: tuple[Matcher, ...]) -> list[str]:
        """The texts converted and joined by ``SEPARATOR``, in parts: final ones, and runs left to
        OpenCC (``_ForOpenCC``). Every layer matches on the joined text folded. Joining is exact
        when no key holds the separator (``prefetch`` plans the texts one by one when one does), so
        that no match crosses from one text into the next. (A text that holds it shows in
        ``prefetch``'s count.)"""
        source = SEPARATOR.join(text.source for text in texts)
        folded = fold_to_simplified(source)
        parts: list[str] = []
        pos = 0
        starts = list(accumulate((len(t.source) + 1 for t in texts[:-1]), initial=0))
        for match in PLACEHOLDER.finditer(source):
            self._run(source, folded, pos, match.start(), matchers, parts)
            text = texts[bisect_right(starts, match.start()) - 1]
            parts.append(self.show(block_at(match.group(), text.blocks)))
            pos = match.end()
        self._run(source, folded, pos, len(source), matchers, parts)
        return parts

    def show(self, block: Block) -> str:
        """What a block displays in this variant."""
        if block.rule is None:
            return block.verbatim
        if block.kind in ("H", "T"):
            return ""
        if block.kind == "D":
            return "".join(f"{VARIANT_NAMES[code]}：{form}；" for code, form in block.rule.forms)
        form = block.rule.form_for(self.code)
        return form if form is not None else self.plain(block.rule.forms[0][1])

    def _run(self, source: str, folded: str, start: int, end: int, matchers: tuple[Matcher, ...],
             parts: list[str]) -> None:
        """Plan ``source[start:end]``, which has no markup: each layer's matches, the rest by the next
        layer, then OpenCC."""
        if start == end:
            return
        if not matchers:
            parts.append(_ForOpenCC(source[start:end]))
            return
        (automaton, forms, _), rest = matchers[0], matchers[1:]
        pos = start
        for index, match_start, match_end in automaton.find_matches_as_indexes(folded[start:end]):
            self._run(source, folded, pos, start + match_start, rest, parts)
            parts.append(forms[index])
            pos = start + match_end
        self._run(source, folded, pos, end, rest, parts)

    def covered(self, run: str, layers: tuple[tuple[Rule, ...], ...]) -> list[tuple[int, int]]:
        """Spans of ``run`` that a rule of any layer (or the glossary) settles, for the lint."""
        spans: list[tuple[int, int]] = []
        folded = fold_to_simplified(run)
        for rules in (*layers, self.glossary):
            matcher = self._matcher(rules)
            if matcher is not None:
                spans += [(start, end) for _, start, end in matcher.automaton.find_matches_as_indexes(folded)]
        return spans

    def _matcher(self, rules: tuple[Rule, ...]) -> Matcher | None:
        """An automaton over every (folded) key of the rules that finds the longest key at the
        leftmost place (as MediaWiki's converter does); later rules win. None when there are no keys."""
        kept = self._matchers.get(id(rules)) or self._earlier_matchers.get(id(rules))
        if kept is not None and kept[0] is rules:
            self._matchers[id(rules)] = kept
        else:
            table: dict[str, str] = {}
            for rule in rules:
                target = rule.form_for(self.code)
                if target is None:
                    if rule.sources:
                        continue  # a one-way rule for other variants
                    target = self.plain(rule.forms[0][1])
                for key in rule.match_keys():
                    if key:
                        table[fold_to_simplified(key)] = target
            longest = ahocorasick_rs.MatchKind.LeftmostLongest
            matcher = Matcher(ahocorasick_rs.AhoCorasick(list(table), matchkind=longest), tuple(table.values()),
                              any(SEPARATOR in key for key in table)) if table else None
            kept = self._matchers[id(rules)] = (rules, matcher)
        return kept[1]

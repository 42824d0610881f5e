"""Script variants: MediaWiki-style conversion markup, glossaries, and OpenCC.

Text goes through three layers, highest priority first: inline markup (``-{...}-``), rules
(the page's ``glossary`` and ``-{H|...}-`` markup, then the site glossary; longest match wins),
and finally OpenCC with the variant's configuration.

Markup is cut out of a text before anything else reads it and replaced by one private-use
character per block (``protect``). Markdown then sees an ordinary character, OpenCC never matches
a phrase across it (which is what ``a-{}-b`` is for), and the block is put back per variant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import opencc

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

_BASE = 0xF0000  # Supplementary Private Use Area-A: never in content, never in OpenCC's tables
_PLACEHOLDER = re.compile("[\U000f0000-\U000ffffd]")
_CHOICE = re.compile(r"\s*(zh(?:-[a-z]{2,4})?)\s*:")
_CHOICE_SPLIT = re.compile(r";\s*(?=zh(?:-[a-z]{2,4})?\s*:)")
_FLAGS = {"R", "H", "A"}


class MarkupError(ValueError):
    def __init__(self, message: str, offset: int, hint: str = ""):
        super().__init__(message)
        self.offset = offset
        self.hint = hint


@dataclass(frozen=True)
class Rule:
    """One conversion rule: the form each variant gets for a word written in any of them."""

    forms: tuple[tuple[str, str], ...]  # (variant code, form)

    def form_for(self, code: str) -> str | None:
        return pick(dict(self.forms), code)


@dataclass(frozen=True)
class Block:
    """One ``-{...}-`` block: shown verbatim, or one form per variant; H and A blocks add a rule."""

    kind: str  # "verbatim", "choice", "H" (rule, shows nothing) or "A" (rule, shown)
    verbatim: str = ""
    rule: Rule | None = None

    @property
    def adds_rule(self) -> bool:
        return self.kind in ("H", "A")


def pick(forms: dict[str, str], code: str) -> str | None:
    """The form for ``code``, following MediaWiki's fallback chain; None if none applies."""
    if code in forms:
        return forms[code]
    for fallback in FALLBACKS.get(code, ()):
        if fallback in forms:
            return forms[fallback]
    return None


def parse_block(inner: str, offset: int) -> Block:
    """Parse the inside of ``-{...}-``; ``offset`` is where the inside starts, for errors."""
    flag = ""
    head, bar, rest = inner.partition("|")
    if bar and head.strip() in _FLAGS:
        flag, inner, offset = head.strip(), rest, offset + len(head) + 1
    elif bar and re.fullmatch(r"[A-Za-z]", head.strip()):
        raise MarkupError(f"unsupported conversion flag '{head.strip()}|'", offset,
                          "supported: -{text}-, -{R|text}-, -{H|zh-hans:甲;zh-hant:乙;}-, -{A|...}-")
    if flag == "R" or not _CHOICE.match(inner):
        if flag in ("H", "A"):
            raise MarkupError(f"-{{{flag}|...}}- needs variant forms", offset,
                              "write them as -{H|zh-hans:维辛斯基;zh-hant:維辛斯基;}-")
        return Block("verbatim", verbatim=inner)
    forms: dict[str, str] = {}
    position = offset
    for part in _CHOICE_SPLIT.split(inner):
        if not part.strip().strip(";"):
            continue
        match = _CHOICE.match(part)
        if not match:
            raise MarkupError("expected 'variant:text' in conversion markup", position,
                              "separate the forms with ';', e.g. -{zh-hans:甲;zh-hant:乙;}-")
        code = match.group(1)
        if code not in KNOWN_CODES:
            raise MarkupError(f"unknown variant code '{code}' in conversion markup", position + match.start(1),
                              f"use one of {', '.join(sorted(KNOWN_CODES))}")
        text = part[match.end():]
        forms[code] = text[:-1] if text.endswith(";") else text
        position += len(part) + 1
    return Block(flag or "choice", rule=Rule(tuple(forms.items())))


@dataclass(frozen=True)
class Text:
    """A string as the editor wrote it, its markup cut out into ``blocks`` (see ``protect``)."""

    source: str
    blocks: tuple[Block, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.source)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Rules that H and A blocks add for the rest of the page."""
        return tuple(b.rule for b in self.blocks if b.adds_rule and b.rule)


def protect(text: str) -> Text:
    """Cut ``-{...}-`` markup out of ``text``; raises MarkupError with the offset of the problem."""
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
        out.append(chr(_BASE + len(blocks)))
        blocks.append(parse_block(text[start + 2:end], start + 2))
        pos = end + 2
    return Text("".join(out), tuple(blocks))


def restore(source: str, blocks: tuple[Block, ...]) -> str:
    """Put markup back as written: for code, where nothing is converted."""
    return _PLACEHOLDER.sub(lambda m: _source_of(blocks[ord(m.group()) - _BASE]), source)


def _source_of(block: Block) -> str:
    if block.rule is None:
        return "-{" + block.verbatim + "}-"
    inner = "".join(f"{code}:{form};" for code, form in block.rule.forms)
    return "-{" + (f"{block.kind}|" if block.adds_rule else "") + inner + "}-"


@cache
def opencc_configs() -> frozenset[str]:
    """The OpenCC configurations the installed package provides (s2tw, t2s, s2hk, ...)."""
    config_dir = Path(opencc.__file__).parent / "config"
    return frozenset(p.stem for p in config_dir.glob("*.json"))


@cache
def _opencc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _fold_table() -> dict[int, str]:
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
    return table


def fold(text: str) -> str:
    return text.translate(_fold_table())


@dataclass
class Converter:
    """Converts text into one variant; each distinct text is converted once per build."""

    code: str
    opencc_config: str
    glossary: tuple[Rule, ...] = ()
    _cache: dict[tuple[str, tuple[Block, ...], tuple[Rule, ...]], str] = field(default_factory=dict, repr=False)
    _matchers: dict[tuple[Rule, ...], tuple[re.Pattern[str] | None, dict[str, str]]] = field(
        default_factory=dict, repr=False)

    def __call__(self, text: Text | str, rules: tuple[Rule, ...] = ()) -> str:
        if isinstance(text, str):
            text = Text(text)
        key = (text.source, text.blocks, rules)
        if key not in self._cache:
            self._cache[key] = self._convert(text, rules)
        return self._cache[key]

    def plain(self, text: str) -> str:
        """OpenCC alone: the last resort for markup that names no form for this variant."""
        return _opencc(self.opencc_config).convert(text)

    def _convert(self, text: Text, rules: tuple[Rule, ...]) -> str:
        out: list[str] = []
        pos = 0
        for match in _PLACEHOLDER.finditer(text.source):
            out.append(self._convert_run(text.source[pos:match.start()], rules))
            out.append(self.show(text.blocks[ord(match.group()) - _BASE]))
            pos = match.end()
        out.append(self._convert_run(text.source[pos:], rules))
        return "".join(out)

    def show(self, block: Block) -> str:
        """What a block displays in this variant."""
        if block.rule is None:
            return block.verbatim
        if block.kind == "H":
            return ""
        form = block.rule.form_for(self.code)
        return form if form is not None else self.plain(block.rule.forms[0][1])

    def _convert_run(self, run: str, rules: tuple[Rule, ...]) -> str:
        if not run:
            return ""
        pattern, table = self._matcher(rules)
        if pattern is None:
            return self.plain(run)
        out: list[str] = []
        pos = 0
        for match in pattern.finditer(fold(run)):
            out.append(self.plain(run[pos:match.start()]))
            out.append(table[match.group()])
            pos = match.end()
        out.append(self.plain(run[pos:]))
        return "".join(out)

    def _matcher(self, rules: tuple[Rule, ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        """One regular expression over every (folded) form of every rule, longest first; page rules win."""
        if rules not in self._matchers:
            table: dict[str, str] = {}
            for rule in self.glossary + rules:
                target = rule.form_for(self.code)
                if target is None:
                    target = self.plain(rule.forms[0][1])
                for _, form in rule.forms:
                    if form:
                        table[fold(form)] = target
            keys = sorted(table, key=lambda k: (-len(k), k))
            pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
            self._matchers[rules] = (pattern, table)
        return self._matchers[rules]

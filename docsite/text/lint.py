"""Conversion lint for ``build.py check``: where a variant may read wrongly and no editor decided.

Two kinds of warnings, each with file:line:col, the candidates, the surrounding words and a fix:

- a one-to-many character (docsite/text/risky.yaml, extended by lint.characters in site.yaml) in a word
  listed for another form than OpenCC gives, or in no listed word where OpenCC's phrase tables
  chose another form than the character's own (they are wrong in such places: 并为此目的 -> 併為);
- a person's name (the titles of pages of the types in lint.names_from) in which OpenCC would
  change a one-to-many character (王世杰 -> 王世傑; 黄华 -> 黃華 is fine);
- in a variant for Taiwan whose configuration converts characters, not words (s2tw), a word that
  Taiwan writes differently (OpenCC's TWPhrases table, which s2twp applies everywhere: 数据 -> 資料).
  s2twp itself is no fix: the table knows no context (通过 a resolution becomes 透過, 项目 專案).

Text that markup, a page rule or the glossary settles is never reported, nor are words the site
has reviewed and accepted (lint.accept in site.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from functools import cache, partial
from pathlib import Path

import ahocorasick_rs
import opencc
import yaml

from docsite.diagnostics import Diagnostic, Diagnostics
from docsite.model.page import Page
from docsite.model.site import Site
from docsite.processes import forked_map
from docsite.stages.views import Localizer
from docsite.text import sourcetext
from docsite.text.variants import Rule, Text, plain

_CONTEXT = 4
_CHINESE = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Parts of a Markdown body that are not text: fenced and inline code, link destinations, link
# targets and citation keys, and conversion markup (settled by the editor).
_SKIP = re.compile(r"```.*?```|`[^`\n]*`|\]\([^)\n]*\)|\[\[[^\]|#\n]*|\[@[^\]\n]*\]|-\{.*?\}-", re.DOTALL)


@cache
def shipped_characters() -> dict[str, dict[str, list[str]]]:
    characters: dict[str, dict[str, list[str]]] = yaml.load(
        (Path(__file__).parent / "risky.yaml").read_text(encoding="utf-8"), Loader=sourcetext.SAFE_LOADER)
    return characters


#: What a page's lint found, kept between builds (by the preview server, and in .cache/ for the
#: command line): by page id, the page's record, what else its warnings depend on (what each
#: variant's converter converts by; the lint settings and the names at risk) and the warnings.
LintMemo = dict[str, tuple[Page, str, "Depends", list[Diagnostic]]]
#: The lint settings, and each variant's names at risk (see ``_names_at_risk``).
Depends = tuple[object, tuple[tuple[tuple[str, str], ...], ...]]


def lint_site(site: Site, localizers: list[Localizer], diags: Diagnostics, memo: LintMemo | None = None,
              jobs: int = 1, first: Collection[str] | None = None) -> None:
    """The warnings of every page, linted by ``jobs`` processes; a page whose record and all else its
    warnings depend on are those of ``memo`` (the preview server's, or kept in .cache/) is not linted
    again. ``memo`` is left holding this site's. ``first`` (the preview's page saved first): only
    those pages are linted now; another that ``memo`` holds keeps its warnings and its entry, for
    the next build to look at (a title that became a name at risk is looked for in every page)."""
    lint = site.config.lint
    characters = {char: dict(forms) for char, forms in shipped_characters().items()}
    for char, forms in lint.characters.items():
        for form, words in forms.items():
            characters.setdefault(char, {}).setdefault(form, [])
            characters[char][form] = list(characters[char][form] or []) + list(words)
    # Longest first, then in order: the same list in every process, whatever its hash seed.
    names = sorted({plain(p.title) for p in site.pages.values() if p.type.name in lint.names_from},
                   key=lambda name: (-len(name), name))
    # The forms are traditional: only conversions from simplified (s2t, s2tw, s2hk...) can go wrong
    # this way; conversion to simplified merges forms and loses nothing a reader would notice.
    targets = [(loc, _Names(_names_at_risk(names, loc, characters))) for loc in localizers
               if loc.variant.opencc.startswith("s2")]
    # What the converters convert by, as text: compared once a page, it must cost little.
    converters = repr([(loc.convert.code, loc.convert.opencc_config, loc.convert.glossary) for loc, _ in targets])
    at_risk = tuple(tuple(names.names) for _, names in targets)
    depends: Depends = (lint, at_risk)
    before = dict(memo or {})
    current: dict[tuple[int, int], bool] = {}
    changes: dict[tuple[int, int], _Names | None] = {}

    def alike(kept: tuple[Page, str, Depends, list[Diagnostic]]) -> bool:
        """Whether what ``kept``'s warnings depend on is as now: compared once for each object (all
        pages share one, also as .cache/ gives it back), not once a page (a deep comparison, 40 µs)."""
        key = (id(kept[1]), id(kept[2]))  # ``before`` holds them: their ids stay theirs
        if key not in current:
            current[key] = kept[1] == converters and kept[2] == depends
        return current[key]

    def renamed(kept: tuple[Page, str, Depends, list[Diagnostic]]) -> _Names | None:
        """The names at risk that came, went or convert otherwise since ``kept``'s warnings, in any
        variant, when nothing else they depend on changed; else None. Once for each object, as ``alike``."""
        key = (id(kept[1]), id(kept[2]))
        if key not in changes:
            was = kept[2]
            same = kept[1] == converters and was[0] == lint
            pairs = {pair for old, new in zip(was[1], at_risk, strict=True) for pair in set(old) ^ set(new)} \
                if same else set()
            changes[key] = _Names(sorted(pairs)) if pairs else None
        return changes[key]

    def still(page: Page) -> bool:
        """Whether ``page``'s warnings are those kept: the same record, and what they depend on the
        same, or but for names at risk that the page does not hold (an edit to a person's title
        relints the pages that name them, not the site). Its text is read only then."""
        kept = before.get(page.id)
        if kept is None or kept[0] is not page:
            return False
        if alike(kept):
            return True
        names = renamed(kept)
        return names is not None and not names.any_in(page.raw)

    lexicon = _Words(characters, lint.accept)
    later = {pid for pid in before if pid not in first} if first is not None else set()
    todo = [page.id for page in site.pages.values() if page.id not in later and not still(page)]
    linted = dict(zip(todo, _linted(site, todo, targets, lexicon, diags.root, jobs), strict=True))
    for page in site.pages.values():
        if page.id in linted:
            entry = (page, converters, depends, linted[page.id])
        elif page.id in later:
            entry = before[page.id]
        else:  # what it depends on kept as the object kept, when alike: .cache/ then keeps the entry as it was
            kept = before[page.id]
            entry = (page, converters, kept[2] if alike(kept) else depends, kept[3])
        diags.items += entry[3]
        if memo is not None:
            memo[page.id] = entry
    if memo is not None:
        for gone in before.keys() - site.pages.keys():
            del memo[gone]


#: Pages per part of the lint sent to a process (see processes.process_map).
PAGES_PER_PART = 100


def _linted(site: Site, ids: list[str], targets: list[tuple[Localizer, _Names]], words: _Words, root: Path,
            jobs: int) -> Iterator[list[Diagnostic]]:
    """The warnings of each page of ``ids``, in order, found by ``jobs`` processes where they fork
    and so inherit the converters (which do not pickle), else by this one."""
    parts = [ids[i:i + PAGES_PER_PART] for i in range(0, len(ids), PAGES_PER_PART)]
    if jobs > 1 and len(parts) > 1:  # shared among processes: many pages' text to convert
        for loc, _ in targets:
            loc.convert.ready()
    task = partial(_lint_part, site, targets, words, root)
    for found in forked_map(task, parts, jobs):
        yield from found


def _lint_part(site: Site, targets: list[tuple[Localizer, _Names]], words: _Words, root: Path,
               ids: list[str]) -> list[list[Diagnostic]]:
    # One collection for the part's pages, each taking its own warnings: a collection finds the
    # folder of a file once, asking the disk (84 µs, which a collection a page paid for each page).
    diags = Diagnostics(root)
    return [_lint_page(site.pages[pid], targets, words, diags) for pid in ids]


def _lint_page(page: Page, targets: list[tuple[Localizer, _Names]], words: _Words,
               diags: Diagnostics) -> list[Diagnostic]:
    """The warnings of one page (added to ``diags``): each text a reader reads on it, in every
    variant that can go wrong."""
    start = len(diags.items)
    body_rules = tuple(b.rule for b in page.blocks if b.adds_rule and b.rule)
    for text, line, col in _texts(page):
        for loc, at_risk in targets:
            _lint_text(text, line, col, page, body_rules, loc, words, at_risk, diags)
    return diags.items[start:]


def _names_at_risk(names: list[str], loc: Localizer, characters: dict[str, dict[str, list[str]]]
                   ) -> list[tuple[str, str]]:
    """The names (longest first) in which OpenCC changes a one-to-many character, each with what it
    becomes: 黄华 -> 黃華 is how the name is written, 王世杰 -> 王世傑 is not. Worked out once for the
    site: converting every name for every line of text made the lint slower than the build."""
    at_risk = []
    for name in names:
        converted = loc.convert.plain(name)
        if any(a != b and a in characters for a, b in zip(name, converted, strict=False)):
            at_risk.append((name, converted))
    return at_risk


def _texts(page: Page) -> list[tuple[str, int, int]]:
    """(text, line, column) of everything a reader reads on the page, markup and code blanked out.

    A front-matter value is taken from its first line, as written; a body line by line.
    """
    texts = []
    lines, locs = page.lines(), page.locs
    for name, value in page.fields.items():
        if isinstance(value, Text) and (name,) in locs:
            line, col = locs[(name,)]
            texts.append((_blank(lines[line - 1][col - 1:]), line, col))
    body = "\n".join(lines[page.body_line - 1:])
    for number, text in enumerate(_blank(body).split("\n")):
        texts.append((text, page.body_line + number, 1))
    return texts


def _blank(text: str) -> str:
    """Replace what is not reader text by spaces, keeping every position (and newline) in place."""
    return _SKIP.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


class _Names:
    """The names at risk (see ``_names_at_risk``), and an automaton that finds which a line holds:
    a line of text is tried against every name of the site otherwise."""

    def __init__(self, names: list[tuple[str, str]]):
        self.names = names
        self._automaton = ahocorasick_rs.AhoCorasick([name for name, _ in names]) if names else None

    def present(self, text: str) -> list[tuple[str, str]]:
        """The names in ``text``, in the order of ``names`` (longest first)."""
        if self._automaton is None:
            return []
        found = {index for index, _, _ in self._automaton.find_matches_as_indexes(text, overlapping=True)}
        return [self.names[index] for index in sorted(found)]

    def any_in(self, text: str) -> bool:
        """Whether ``text`` holds any of the names. A few names (those an edit to a title changed,
        looked for in every page) are looked for by Python's own search: eight times the speed of
        the automaton, which converts the text before it looks."""
        if len(self.names) <= FEW_NAMES:
            return any(name in text for name, _ in self.names)
        return bool(self.present(text))


#: Names up to this many are looked for one after the other (see ``_Names.any_in``).
FEW_NAMES = 8


class _Words:
    """The listed words of the one-to-many characters and the accepted words, arranged to be
    looked up from a character of the text: the lint visits every line of the site."""

    def __init__(self, characters: dict[str, dict[str, list[str]]], accept: tuple[str, ...]):
        self.characters = characters
        self.risky = re.compile("[" + "".join(re.escape(char) for char in characters) + "]") if characters else None
        #: Per character, each listed word holding it -> (its place in the listing, its form).
        self.listed: dict[str, dict[str, list[tuple[int, str]]]] = {}
        for char, forms in characters.items():
            table = self.listed[char] = {}
            for order, (form, word) in enumerate((f, w) for f, ws in forms.items() for w in ws or ()):
                table.setdefault(word, []).append((order, form))
        self.longest = max((len(word) for table in self.listed.values() for word in table), default=1)
        self.accept = [(word, re.compile(re.escape(word))) for word in accept]

    def accepted(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for word, pattern in self.accept if word in text for m in pattern.finditer(text)]

    def around(self, text: str, i: int) -> list[tuple[str, str]]:
        """The listed words that cover position ``i`` of ``text``, with their forms, longest first
        (in the listing's order among words of one length)."""
        table = self.listed[text[i]]
        found = [(-(end - start), order, text[start:end], form)
                 for start in range(max(0, i - self.longest + 1), i + 1)
                 for end in range(i + 1, min(len(text), start + self.longest) + 1)
                 for order, form in table.get(text[start:end], ())]
        return [(word, form) for _, _, word, form in sorted(found)]


def _lint_text(text: str, line: int, col: int, page: Page, body_rules: tuple[Rule, ...], loc: Localizer,
               words: _Words, names: _Names, diags: Diagnostics) -> None:
    if not _CHINESE.search(text):
        return  # only Chinese characters convert: nothing here can go wrong
    conv = loc.convert
    decided: list[tuple[int, int]] | None = None

    def free(start: int, end: int) -> bool:
        """Whether no rule or accepted word settles text[start:end] (worked out when first asked:
        most lines hold nothing to ask about)."""
        nonlocal decided
        if decided is None:
            decided = conv.covered(text, (*page.layers, body_rules)) + words.accepted(text)
        return not any(a <= start and end <= b for a, b in decided)

    where = f"{loc.variant.code} ({loc.variant.opencc})"
    for name, converted_name in names.present(text):
        for match in re.finditer(re.escape(name), text):
            if free(*match.span()):
                diags.warning(page.path, line, f"the name '{name}' becomes '{converted_name}' in {where}",
                              f"keep it as written: write {_keep(name)}, or add "
                              f"{{zh-hans: {name}, {loc.variant.code}: {name}}} to content/glossary.yaml",
                              col=col + match.start())
    converted = conv.plain(text)
    if len(converted) != len(text):
        return  # a phrase changed the length: positions no longer line up (rare)
    if _TAIWAN.fullmatch(loc.variant.opencc):
        _lint_taiwan_words(text, converted, line, col, page, where, free, diags)
    for found in words.risky.finditer(text) if words.risky else ():
        i, char = found.start(), found.group()
        forms = words.characters[char]
        if not free(i, i + 1):
            continue
        chosen = converted[i]
        listed = words.around(text, i)
        context = text[max(0, i - _CONTEXT):i + _CONTEXT + 1].strip()
        readings = {form for _, form in listed}
        if len(readings) > 1:  # 书签|订 or 书|签订: the words around it can be split two ways
            word, form = next((w, f) for w, f in listed if not _same(f, chosen))
            message = (f"'{char}' becomes '{chosen}' in {where}, but it may belong to '{word}', which takes "
                       f"'{form}': 「{context}」 -> 「{conv.plain(context)}」")
        elif listed and not _same(listed[0][1], chosen):
            word, form = listed[0]
            message = (f"'{char}' becomes '{chosen}' in {where}, but '{word}' takes '{form}': "
                       f"「{context}」 -> 「{conv.plain(context)}」")
        elif listed:
            continue
        elif chosen != conv.plain(char):
            form = next(iter(forms))
            message = (f"'{char}' becomes '{chosen}' in {where} from the words around it: "
                       f"「{context}」 -> 「{conv.plain(context)}」; candidates {'/'.join(forms)}")
        else:
            continue
        diags.warning(page.path, line, message,
                      f"if '{chosen}' is right, add the word to lint.accept in site.yaml; if not, write "
                      f"-{{zh-hans:{char};{loc.variant.code}:{form};}}- there, "
                      "or a glossary entry for the word", col=col + i)


#: Configurations that write Taiwan's characters but leave its words to the editor.
_TAIWAN = re.compile(r"[st]2tw")


@cache
def _taiwan_phrases() -> tuple[ahocorasick_rs.AhoCorasick, tuple[str, ...], tuple[str, ...]]:
    """OpenCC's TWPhrases (traditional word -> Taiwan's word), ready to find the words in converted text."""
    path = Path(opencc.__file__).parent / "dictionary" / "TWPhrases.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, forms = line.partition("\t")
        if forms and word not in forms.split(" "):  # 訪問 -> 訪問 存取: right in one sense, left alone
            table[word] = forms.split(" ")[0]
    return (ahocorasick_rs.AhoCorasick(list(table), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest),
            tuple(table), tuple(table.values()))


def _lint_taiwan_words(text: str, converted: str, line: int, col: int, page: Page, where: str,
                       free: Callable[[int, int], bool], diags: Diagnostics) -> None:
    """Warn where the converted text keeps a word that Taiwan writes differently (數據, not 資料)."""
    automaton, words, taiwan = _taiwan_phrases()
    for index, start, end in automaton.find_matches_as_indexes(converted):
        if not all(free(i, i + 1) for i in range(start, end)):
            continue  # a rule decides part of the word (数据 in 数据库): the editor has seen it
        word = text[start:end]
        context = text[max(0, start - _CONTEXT):end + _CONTEXT].strip()
        diags.warning(page.path, line, f"'{word}' becomes '{words[index]}' in {where}, but Taiwan writes "
                      f"'{taiwan[index]}': 「{context}」",
                      f"add {{from: {word}, zh-hant: {taiwan[index]}}} to content/glossary.yaml; if "
                      f"'{words[index]}' is right here, add the word to lint.accept in site.yaml", col=col + start)


@cache
def _variant_pairs() -> frozenset[tuple[str, str]]:
    """Regional variants of one traditional character (裏/裡, 臺/台...): the same choice for the lint."""
    pairs = set()
    for name in ("TWVariants.txt", "HKVariants.txt"):
        for line in (Path(opencc.__file__).parent / "dictionary" / name).read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("\t")
            pairs |= {(key, v) for v in value.split(" ")} | {(v, key) for v in value.split(" ")}
    return frozenset(pairs)


def _same(form: str, chosen: str) -> bool:
    return form == chosen or (form, chosen) in _variant_pairs()


def _keep(name: str) -> str:
    return "-{" + name + "}-"

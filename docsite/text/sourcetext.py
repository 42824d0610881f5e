"""Reading editor-written files: strict UTF-8 text and YAML that remembers where each value was.

Both report problems as diagnostics with a line and column instead of raising, so that a typo in
one file never hides the problems of the others.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from pathlib import Path
from typing import Any, TypeVar

import yaml

from docsite.diagnostics import Diagnostics

#: Where a value was written: (line, column), both counted from 1.
Loc = tuple[int, int]
#: Locations of the values of a YAML document, keyed by their path (keys and list indexes).
LocMap = dict[tuple[Any, ...], Loc]


#: Characters no page, data file or template needs, which would reach readers raw: C0 controls
#: but tab and newline, DEL, and C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def read_text(path: Path, diags: Diagnostics) -> str | None:
    """Return the file's text with newlines normalised, or report why it is not UTF-8 text."""
    data = path.read_bytes()
    try:
        text = _decoded(data)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.error(
            path, line, f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read)",
            "save the file as UTF-8 (in most editors: Save As, encoding UTF-8)", col=col,
        )
        return None
    control = CONTROL.search(text)
    if control is not None:
        at = control.start()
        diags.error(path, text.count("\n", 0, at) + 1,
                    f"the file holds the control character U+{ord(control.group()):04X} (invisible in most editors)",
                    "delete it", col=at - (text.rfind("\n", 0, at) + 1) + 1)
        return None
    return text


def _decoded(data: bytes) -> str:
    """A file's bytes as the text the build reads: UTF-8 (a byte-order mark left out), newlines
    normalised. Raises UnicodeDecodeError."""
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def compressed(text: str) -> bytes:
    """A file's text as a page keeps it (``Page.written``)."""
    return zlib.compress(text.encode("utf-8"), 1)


def digest(kept: bytes) -> bytes:
    """A digest of a file's text as a page keeps it (``compressed``), to tell whether it changed."""
    return hashlib.blake2b(kept, digest_size=16).digest()


def as_kept(path: str) -> bytes | None:
    """The file at ``path`` read now, as a page keeps its text (``compressed``); None when it cannot
    be read as text. A file whose signature changed is compared by it with what its page was
    loaded from (see stages/load.py and incremental/lastbuild.py), as git compares content."""
    try:
        return compressed(_decoded(Path(path).read_bytes()))
    except (OSError, UnicodeDecodeError):
        return None


_Resolving = TypeVar("_Resolving", bound=type[yaml.resolver.BaseResolver])


def _without_timestamps(loader: _Resolving) -> _Resolving:
    """Keep dates as the text the editor wrote (EDTF is parsed by docsite)."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return loader


class Unquoted(str):
    """A value written without quotes that YAML reads as a number: the text as written, which is
    what a text field or setting takes (``title: 1950`` is 1950, ``title: 1e3`` 1e3 and not 1000.0,
    ``pages: 010`` 010 and not 8), with ``number`` what YAML made of it, for what takes a number
    (see ``number``). No Python type or form of a number ever reaches a page this way."""

    number: int | float

    def __new__(cls, text: str, number: int | float) -> Unquoted:
        made = super().__new__(cls, text)
        made.number = number
        return made

    def __getnewargs__(self) -> tuple[str, int | float]:  # type: ignore[override]  # pickled to processes
        return str(self), self.number


def number(value: Any) -> int | float | None:
    """The number a value written without quotes stands for, else None (a quoted "3" is text)."""
    return value.number if isinstance(value, Unquoted) else None


def whole(value: Any) -> int | None:
    """The whole number written as its decimal digits (7, -3), else None: not 7.0, nor 010 or 0x7,
    which YAML reads as 8 and 7, unlike the editor's eye."""
    found = number(value)
    return found if isinstance(found, int) and str(found) == value else None


def not_text(value: Any) -> tuple[str, str]:
    """The message and hint about a value YAML read that is no text where text is expected."""
    if isinstance(value, bool):
        return ("expected text, not true or false",
                "YAML reads true, false, yes, no, on and off written without quotes as true or false: put the text "
                "in quotes")
    if value is None or value == "":
        return "expected text", "write it after the colon"
    return "expected text, not a list or a mapping", "put text that starts with [ or { in quotes"


_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


#: PyYAML's safe loader, libyaml's when installed (ten times faster).
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@_without_timestamps
# The base is chosen when the module loads (libyaml may be missing), which a type checker cannot follow.
class _Loader(SAFE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader (``SAFE_LOADER``); a number written without quotes is kept as written (``Unquoted``)."""

    def construct_unquoted(self, node: yaml.ScalarNode) -> Unquoted:
        made = self.construct_yaml_int(node) if node.tag == _INT else self.construct_yaml_float(node)
        return Unquoted(node.value, made)


_Loader.add_constructor(_INT, _Loader.construct_unquoted)
_Loader.add_constructor(_FLOAT, _Loader.construct_unquoted)


@_without_timestamps
class _ExplainingLoader(yaml.SafeLoader):
    """PyYAML's own loader: slower, but it says where an unclosed bracket or quote opens."""


#: The most values one document may stand for, aliases expanded: a kilobyte of nested aliases can
#: stand for billions (an "alias bomb"), which would hang the build.
MAX_VALUES = 100_000
#: The deepest nesting of lists and mappings: deeper would exhaust the parser's recursion.
MAX_DEPTH = 50


def parse_yaml(text: str, path: Path, diags: Diagnostics, first_line: int = 1) -> tuple[Any, LocMap] | None:
    """Parse one YAML document; ``first_line`` is the file line the text starts on."""
    offset = first_line - 1
    try:
        if not _within_limits(text, path, diags, offset):
            return None
        node = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a control character
        at = text.find(chr(exc.character))  # the first one (libyaml counts its position in bytes)
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        diags.error(path, line + offset, f"invalid YAML: the character U+{exc.character:04X} is not allowed "
                    "(a control character, invisible in most editors)", "delete it", col=col)
        return None
    except yaml.MarkedYAMLError as fast_exc:
        error = _explained(text, fast_exc)
        # An unclosed bracket or quote is found at the end of the text: point at where it opens.
        mark = error.context_mark or error.problem_mark
        problem = (error.problem or "cannot be read").replace("<stream end>", "the end of the text")
        if error.context and error.context_mark:
            problem += f" ({error.context} that starts on line {error.context_mark.line + 1 + offset})"
        diags.error(
            path, (mark.line + 1 + offset) if mark else first_line, f"invalid YAML: {problem}",
            "each line is `field: value`; put a value that contains ':', '#', '[' or '{' in quotes",
            col=(mark.column + 1) if mark else 0,
        )
        return None
    if node is None:
        return {}, {}
    locs: LocMap = {}
    if not _walk(node, (), locs, path, diags, offset):
        return None
    loader = _Loader("")
    try:
        value = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        diags.error(path, (mark.line + 1 + offset) if mark else first_line, f"invalid YAML: {exc.problem}")
        return None
    return value, locs


def _explained(text: str, fast: yaml.MarkedYAMLError) -> yaml.MarkedYAMLError:
    """The error PyYAML's own parser finds, which says where an unclosed bracket or quote opens, else
    libyaml's. The parser alone (its composer recurses), and not on nesting that libyaml found too
    deep, on which its scanner takes quadratic time."""
    if "nesting depth" in str(fast.problem):
        return fast
    try:
        for _ in yaml.parse(text, Loader=_ExplainingLoader):
            pass
    except yaml.MarkedYAMLError as explained:
        return explained
    return fast


def _within_limits(text: str, path: Path, diags: Diagnostics, offset: int) -> bool:
    """Whether the document stays within ``MAX_DEPTH`` and ``MAX_VALUES`` and uses no explicit tags
    (``!!float x`` and the like, which content never needs and which fail late, without a line),
    told from the parser's events, which come one after the other without recursion."""
    sizes: dict[str, int] = {}  # values an anchored value stands for
    open_: list[tuple[str | None, int]] = []  # the lists and mappings being read: anchor, values so far
    total = 0
    for event in yaml.parse(text, Loader=_Loader):
        mark = event.start_mark
        where = (mark.line + 1 + offset, mark.column + 1) if mark else (offset + 1, 0)
        tag = _explicit_tag(event)
        if tag is not None:
            diags.error(path, where[0], f"invalid YAML: the tag '{tag}' is not allowed",
                        "write the value without it; put text in quotes", col=where[1])
            return False
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_) == MAX_DEPTH:
                diags.error(path, where[0], f"invalid YAML: nested more than {MAX_DEPTH} levels deep",
                            "flatten the lists and mappings", col=where[1])
                return False
            open_.append((event.anchor, 1))
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = open_.pop()
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(str(event.anchor), 1)
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if open_:
            open_[-1] = (open_[-1][0], open_[-1][1] + size)
        else:
            total += size
        if total + sum(count for _, count in open_) > MAX_VALUES:
            diags.error(path, where[0], f"invalid YAML: its aliases (*name) stand for more than {MAX_VALUES:,} values",
                        "write the values out, or use fewer aliases", col=where[1])
            return False
    return True


def _explicit_tag(event: yaml.Event) -> str | None:
    """The tag written by hand on a value (``!!float``, ``!x``), if any."""
    if isinstance(event, yaml.ScalarEvent):
        written = event.tag is not None and not any(event.implicit)
    elif isinstance(event, yaml.CollectionStartEvent):
        written = event.tag is not None and not event.implicit
    else:
        return None
    return str(event.tag).replace("tag:yaml.org,2002:", "!!") if written else None


def _walk(node: yaml.Node, key: tuple[Any, ...], locs: LocMap, path: Path, diags: Diagnostics, offset: int) -> bool:
    """Record the location of every value and reject duplicate keys (PyYAML keeps the last silently),
    and keys and values that hold a control character (see ``_without_control``)."""
    locs[key] = (node.start_mark.line + 1 + offset, node.start_mark.column + 1)
    ok = True
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            name = key_node.value
            line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode):
                diags.error(path, line, "invalid YAML: a key must be a name, not a list or a mapping",
                            "write `name: value`", col=key_node.start_mark.column + 1)
                ok = False
                continue
            if not _without_control(key_node.value, path, diags, (line, key_node.start_mark.column + 1)):
                ok = False
                continue
            if name in seen:
                diags.error(path, line, f"'{name}' is given twice (first on line {seen[name]})",
                            "keep one of the two", col=key_node.start_mark.column + 1)
                ok = False
                continue
            seen[name] = line
            if key_node.tag != "tag:yaml.org,2002:merge":  # a key is a name as written: `no:` is no, not false
                key_node.tag = "tag:yaml.org,2002:str"
            locs[(*key, name, "__key__")] = (line, key_node.start_mark.column + 1)
            ok &= _walk(value_node, (*key, name), locs, path, diags, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            ok &= _walk(item, (*key, index), locs, path, diags, offset)
    else:
        ok = _without_control(node.value, path, diags, locs[key])
    return ok


def _without_control(text: str, path: Path, diags: Diagnostics, at: Loc) -> bool:
    """Whether a key or value is free of control characters, else said at ``at``: a file holds none
    (``read_text``), but an escape writes any, which would reach readers raw (or a message, whose
    lines it would break)."""
    control = CONTROL.search(text)
    if control is None:
        return True
    diags.error(path, at[0], f"a key or value holds the control character U+{ord(control.group()):04X}, written as "
                "an escape (invisible in most editors)", "delete the escape", col=at[1])
    return False

"""Reading editor-written files: strict UTF-8 text and YAML that remembers where each value was.

Both report problems as diagnostics with a line and column instead of raising, so that a typo in
one file never hides the problems of the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml

from docsite.diagnostics import Diagnostics

#: Where a value was written: (line, column), both counted from 1.
Loc = tuple[int, int]
#: Locations of the values of a YAML document, keyed by their path (keys and list indexes).
LocMap = dict[tuple[Any, ...], Loc]


def read_text(path: Path, diags: Diagnostics) -> str | None:
    """Return the file's text with newlines normalised, or report why it is not UTF-8 text."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.error(
            path, line, f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read)",
            "save the file as UTF-8 (in most editors: Save As, encoding UTF-8)", col=col,
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_Resolving = TypeVar("_Resolving", bound=type[yaml.resolver.BaseResolver])


def _without_timestamps(loader: _Resolving) -> _Resolving:
    """Keep dates as the text the editor wrote (EDTF is parsed by docsite)."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return loader


@_without_timestamps
# The base is chosen when the module loads (libyaml may be missing), which a type checker cannot follow.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, libyaml's when installed (ten times faster)."""


@_without_timestamps
class _ExplainingLoader(yaml.SafeLoader):
    """PyYAML's own loader: slower, but it says where an unclosed bracket or quote opens."""


def parse_yaml(text: str, path: Path, diags: Diagnostics, first_line: int = 1) -> tuple[Any, LocMap] | None:
    """Parse one YAML document; ``first_line`` is the file line the text starts on."""
    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as fast_exc:
        try:
            yaml.compose(text, Loader=_ExplainingLoader)
            exc = fast_exc
        except yaml.MarkedYAMLError as explained:
            exc = explained
        # An unclosed bracket or quote is found at the end of the text: point at where it opens.
        mark = exc.context_mark or exc.problem_mark
        problem = (exc.problem or "cannot be read").replace("<stream end>", "the end of the text")
        if exc.context and exc.context_mark:
            problem += f" ({exc.context} that starts on line {exc.context_mark.line + 1 + offset})"
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


def _walk(node: yaml.Node, key: tuple[Any, ...], locs: LocMap, path: Path, diags: Diagnostics, offset: int) -> bool:
    """Record the location of every value and reject duplicate keys (PyYAML keeps the last silently)."""
    locs[key] = (node.start_mark.line + 1 + offset, node.start_mark.column + 1)
    ok = True
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            name = key_node.value
            line = key_node.start_mark.line + 1 + offset
            if name in seen:
                diags.error(path, line, f"'{name}' is given twice (first on line {seen[name]})",
                            "keep one of the two", col=key_node.start_mark.column + 1)
                ok = False
                continue
            seen[name] = line
            locs[(*key, name, "__key__")] = (line, key_node.start_mark.column + 1)
            ok &= _walk(value_node, (*key, name), locs, path, diags, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            ok &= _walk(item, (*key, index), locs, path, diags, offset)
    return ok

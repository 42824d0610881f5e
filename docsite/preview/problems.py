"""The errors of a failed build as the preview shows them: each diagnostic with the lines of its file
it names, and a caret under its column.

A fault of the build itself (an exception, not a diagnostic) is a problem too, named at the frame
that raised it, so that the browser never goes on showing the last good page as if it were current.
"""

from __future__ import annotations

import contextlib
import traceback
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import jinja2

from docsite.diagnostics import Diagnostic

#: Lines shown above the line a diagnostic names.
CONTEXT = 2
#: Characters of a line shown at most, around the column: a minified file is one long line.
WIDTH = 160


@dataclass(frozen=True)
class Problem:
    """A diagnostic and the excerpt of its file: numbered lines ending with the one it names, and
    the text before its column on that line (None when it names no column), above which the caret
    stands when that text is laid out, hidden, in the same font."""

    diagnostic: Diagnostic
    lines: tuple[tuple[str, str], ...] = ()  # (line number, right-aligned; text)
    before_caret: str | None = None
    trace: str = ""  # for a fault of the build, the traceback, for the terminal

    @property
    def where(self) -> str:
        """The diagnostic as the terminal shows it, its hint left out: path:line:col: error: message."""
        return self.diagnostic.format().split("\n", 1)[0]

    @property
    def gutter(self) -> str:
        """Blank space as wide as the line numbers, before the caret."""
        return " " * len(self.lines[-1][0]) if self.lines else ""


def of_diagnostic(diagnostic: Diagnostic, root: Path, trace: str = "") -> Problem:
    lines, before_caret = _excerpt(root / diagnostic.path, diagnostic.line, diagnostic.col)
    return Problem(diagnostic, lines, before_caret, trace)


def of_exception(exc: BaseException, root: Path) -> Problem:
    """An exception raised while building, at the frame that raised it; a missing template at the
    template's path (Jinja raises it from its own code)."""
    if isinstance(exc, jinja2.TemplateNotFound):
        return of_diagnostic(Diagnostic("templates/" + str(exc.name), 0, 0, "error",
                                        f"the template '{exc.name}' is missing",
                                        "restore it (see the templates of the project's site)"), root)
    frames = traceback.extract_tb(exc.__traceback__)
    frame = frames[-1] if frames else None
    path, line, col = (frame.filename, frame.lineno or 0, (frame.colno or 0) + 1) if frame else ("<build>", 0, 0)
    with contextlib.suppress(ValueError):  # shown from the site's folder when it is in it, as diagnostics are
        path = Path(path).resolve().relative_to(root.resolve()).as_posix()
    message = f"the build failed: {type(exc).__name__}: {exc}"
    hint = "a fault of the build, not of a file you edited; the terminal shows where it happened"
    trace = "".join(traceback.format_exception(exc))
    return of_diagnostic(Diagnostic(path, line, col, "error", message, hint), root, trace)


def _excerpt(path: Path, line: int, col: int) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """The lines of ``path`` up to ``line`` (1-based), ``CONTEXT`` before it, and the text of that
    line before ``col`` (1-based characters); nothing for a file that is not a regular file."""
    if line < 1 or not path.is_file():  # not a FIFO, which would block the server
        return (), None
    first = max(1, line - CONTEXT)
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            texts = [text.rstrip("\r\n") for text in islice(file, first - 1, line)]
    except OSError:
        return (), None
    if len(texts) != line - first + 1:  # the file is shorter now
        return (), None
    start = max(0, min(col - 1 - WIDTH // 2, len(texts[-1]) - WIDTH)) if col else 0
    shown = [_clipped(text, start) for text in texts]
    width = len(str(line))
    lines = tuple((str(first + i).rjust(width), text) for i, text in enumerate(shown))
    if not col:
        return lines, None
    return lines, ("…" if start else "") + texts[-1][start:col - 1]  # past the end: the caret follows it


def _clipped(text: str, start: int) -> str:
    """``text`` from ``start``, at most ``WIDTH`` characters, with an ellipsis where it is cut."""
    if len(text) <= WIDTH and not start:
        return text
    return ("…" if start else "") + text[start:start + WIDTH] + ("…" if len(text) > start + WIDTH else "")

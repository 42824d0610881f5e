"""Errors and warnings about content, reported as ``path:line:col: error: message`` (or as JSON, or
as GitHub's annotations: ``check --format``).

Every stage adds to one ``Diagnostics`` collection instead of raising at the first problem, so an
editor sees all mistakes of a build at once; the command line turns them into an exit status.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path, PurePath
from typing import NamedTuple


def program() -> str:
    """The command as the user typed it, for the lines it prints: the installed ``docsite``, or
    ``build.py`` run with Python."""
    return "docsite" if sys.argv and Path(sys.argv[0]).name == "docsite" else "build.py"


class Diagnostic(NamedTuple):
    """One problem. A tuple: a large site has tens of thousands of warnings, which .cache/ keeps and
    each build after an edit reads back, and tuples are what pickle makes again quickest (a
    dataclass's objects cost 2.5 times as much); they order and compare by their fields in C."""

    path: str
    line: int
    col: int
    severity: str  # "error" or "warning"
    message: str
    hint: str = ""

    def format(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def data(self) -> dict[str, str | int | None]:
        """For ``--format json``: line and column are null when unknown (a problem of the whole file)."""
        return {"file": self.path, "line": self.line or None, "column": self.col or None,
                "severity": self.severity, "message": self.message, "hint": self.hint}

    def annotation(self) -> str:
        """For ``--format github``: a workflow command, which GitHub shows at the file's line in a
        pull request (its escapes: docs.github.com, "Workflow commands for GitHub Actions")."""
        where = [f"file={_escape(self.path, True)}"]
        if self.line:
            where.append(f"line={self.line}")
            if self.col:
                where.append(f"col={self.col}")
        text = self.message + (f"\nhint: {self.hint}" if self.hint else "")
        return f"::{self.severity} {','.join(where)}::{_escape(text, False)}"


_severity = attrgetter("severity")

#: What ``check --format`` may be: for people (text), for programs (json), for GitHub Actions.
FORMATS = ("text", "json", "github")


def _escape(text: str, prop: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


@dataclass
class Diagnostics:
    """Collects problems found while building; paths are shown relative to ``root``."""

    root: Path
    items: list[Diagnostic] = field(default_factory=list)
    # Each folder problems were found in, below ``root`` (None: not below it), resolved once: the
    # lint finds tens of thousands of warnings, and resolving a folder asks the disk (30 µs).
    _folders: dict[Path, PurePath | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    _shown: dict[Path | str, str] = field(default_factory=dict, init=False, repr=False, compare=False)  # by file

    def _add(self, severity: str, path: Path | str, line: int, col: int, message: str, hint: str) -> None:
        shown = self._shown.get(path)
        if shown is None:
            # Interned: the same file and hint for many warnings is then one string, which pickle
            # and marshal write once where the build keeps its warnings (.cache/).
            shown = self._shown[path] = sys.intern(self._relative(path))
        self.items.append(Diagnostic(shown, line, col, severity, message, sys.intern(hint)))

    def _relative(self, path: Path | str) -> str:
        if not isinstance(path, Path):
            return path
        if path.parent not in self._folders:
            try:
                # The folder resolved, not the file: a link is named where it is, not where it leads.
                self._folders[path.parent] = path.absolute().parent.resolve().relative_to(self.root.resolve())
            except ValueError:
                self._folders[path.parent] = None
        folder = self._folders[path.parent]
        return (folder / path.name).as_posix() if folder is not None else path.as_posix()

    def error(self, path: Path | str, line: int, message: str, hint: str = "", col: int = 0) -> None:
        self._add("error", path, line, col, message, hint)

    def warning(self, path: Path | str, line: int, message: str, hint: str = "", col: int = 0) -> None:
        self._add("warning", path, line, col, message, hint)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        """Each problem once, in the order of its fields (file, line, column...)."""
        return sorted(set(self.items))

    def report(self, form: str = "text") -> None:
        """Every problem, in order of file and line: as text on standard error (what the commands
        show), or for programs on standard output (``FORMATS``)."""
        items = self.sorted()
        if form == "json":
            print(json.dumps([item.data() for item in items], ensure_ascii=False, indent=1))
            return
        # One write of every line: a print a line cost more than the lines, tens of thousands of them.
        lines = map(Diagnostic.format, items) if form == "text" else map(Diagnostic.annotation, items)
        (sys.stderr if form == "text" else sys.stdout).write("".join(line + "\n" for line in lines))

    def counts(self) -> str:
        """How many errors and warnings, in words: '1 error, 2 warnings'."""
        severities = list(map(_severity, self.items))
        e, w = severities.count("error"), severities.count("warning")
        return f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"


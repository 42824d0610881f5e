"""The content's history: the day each file last changed, as git records it.

A page cites the day its source last changed. Where the site's folder is a git repository, that is
the day of the last commit touching the file, the same for a given checkout wherever it is built
(unlike a file's modification time, which a fresh clone sets to the day of cloning). One ``git log``
reads it for every file at once.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

#: Each commit as a line with its committer's day after a NUL, then the files it touched.
_LOG = ["git", "-c", "core.quotePath=false", "log", "--format=%x00%cs", "--name-only", "--relative", "--no-renames",
        "--", "."]


def last_changes(folder: Path) -> dict[str, str]:
    """The day (YYYY-MM-DD) of the last commit touching each file below ``folder``, by its path
    relative to ``folder``; empty when ``folder`` is in no git repository or git is missing."""
    try:
        log = subprocess.run(_LOG, cwd=folder, capture_output=True, text=True, encoding="utf-8", check=True,
                             timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    days: dict[str, str] = {}
    day = ""
    for line in log.splitlines():
        if line.startswith("\0"):
            day = line[1:]
        elif line:
            days.setdefault(line, day)  # the log runs from the newest commit
    return days

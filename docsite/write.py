"""Write stage: put the rendered files on disk atomically.

The new site is written into a temporary folder beside the target and swapped in only when
complete, so a failed or interrupted build leaves the previous output as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class UnsafePath(ValueError):
    pass


def safe_target(out: Path, relative: str) -> Path:
    """The file a relative output path names, refusing anything that would land outside ``out``."""
    target = (out / relative).resolve()
    if relative.startswith("/") or ".." in relative.split("/") or not target.is_relative_to(out.resolve()):
        raise UnsafePath(relative)
    return target


def write_site(out: Path, files: dict[str, bytes]) -> None:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for relative, data in sorted(files.items()):
            target = safe_target(staging, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(staging, 0o755)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rename(out, old / out.name)
            try:
                os.rename(staging, out)
            except BaseException:
                os.rename(old / out.name, out)  # the previous site goes back where it was
                raise
            finally:
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_changes(out: Path, files: dict[str, bytes]) -> list[str]:
    """Bring ``out`` to exactly ``files``, touching only what differs; for the preview server,
    where a one-page edit should write one page. Returns the paths written or removed."""
    out = out.resolve()
    changed = []
    for relative, data in sorted(files.items()):
        target = safe_target(out, relative)
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed.append(relative)
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out).as_posix()
        if path.is_file() and relative not in files:
            path.unlink()
            changed.append(relative)
    return changed

"""Write stage: put the rendered files on disk atomically.

The new site is written into a temporary folder beside the target (``Staging``, which a build can
write into as it goes) and swapped in only when complete, so a failed or interrupted build leaves
the previous output as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path


class UnsafePath(ValueError):
    pass


def safe_target(out: Path, relative: str) -> Path:
    """The file a relative output path names, refusing anything that would land outside ``out``."""
    target = (out / _checked(relative)).resolve()
    if not target.is_relative_to(out.resolve()):  # through a link inside ``out``
        raise UnsafePath(relative)
    return target


def _checked(relative: str) -> str:
    """``relative`` if it names a place inside a folder, whatever that folder holds: no absolute
    path, no '..', no empty or '.' part, no backslash."""
    parts = relative.split("/")
    if not relative or relative.startswith("/") or "\\" in relative or "\0" in relative \
            or any(part in ("", ".", "..") for part in parts):
        raise UnsafePath(relative)
    return relative


def _remove_later(folder: Path) -> None:
    """Delete a replaced site in a process of its own: the new one is in place, and deleting tens of
    thousands of files need not hold up the build's exit."""
    subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                      str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


class Staging(MutableMapping[str, bytes]):
    """A new output folder beside ``out``, written file by file as a build makes them (so that the
    build need not hold the whole site in memory), swapped in by ``commit`` once complete, or thrown
    away by ``discard``."""

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.new-", dir=self.out.parent))
        self._paths: set[str] = set()
        self._folders: set[Path] = set()  # made already: a build writes tens of thousands of files
        self.committed = False

    def __setitem__(self, relative: str, data: bytes) -> None:
        target = self.folder / _checked(relative)  # a new folder of ours: no link inside can lead out
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        target.write_bytes(data)
        self._paths.add(relative)

    def __getitem__(self, relative: str) -> bytes:
        if relative not in self._paths:
            raise KeyError(relative)
        return (self.folder / relative).read_bytes()

    def __delitem__(self, relative: str) -> None:
        self._paths.remove(relative)
        (self.folder / relative).unlink()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._paths))

    def __len__(self) -> int:
        return len(self._paths)

    def commit(self) -> None:
        """Put the new folder in the place of ``out``; the previous one goes back if that fails."""
        os.chmod(self.folder, 0o755)
        if self.out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.out.parent))
            os.rename(self.out, old / self.out.name)
            try:
                os.rename(self.folder, self.out)
            except BaseException:
                os.rename(old / self.out.name, self.out)
                shutil.rmtree(old, ignore_errors=True)
                raise
            _remove_later(old)
        else:
            os.rename(self.folder, self.out)
        self.folder = self.out  # where the files are read from now
        self.committed = True

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *raised: object) -> None:
        """Leaving the block without ``commit`` (a failed build, an error) throws the new folder away."""
        if not self.committed:
            self.discard()


def write_changes(out: Path, files: Mapping[str, bytes], written: Mapping[str, bytes] | None = None) -> list[str]:
    """Bring ``out`` to exactly ``files``, touching only what differs; for the preview server,
    where a one-page edit should write one page. ``written``: what the last call wrote, when
    ``out`` has been left to this function since (compared in memory: a build gives an unchanged
    file as the very same bytes); else ``out`` is read and compared. Returns the paths written
    or removed."""
    out = out.resolve()
    if written is not None and not out.is_dir():
        written = None  # deleted meanwhile: write it all again
    changed = []
    for relative, data in files.items():
        if written is not None and written.get(relative) == data:
            continue
        target = safe_target(out, relative)
        if written is not None or not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed.append(relative)
    if written is None:
        gone = [path for path in sorted(out.rglob("*"))
                if path.is_file() and path.relative_to(out).as_posix() not in files]
    else:
        gone = [safe_target(out, relative) for relative in sorted(written.keys() - files.keys())]
    for path in gone:
        path.unlink(missing_ok=True)
        changed.append(path.relative_to(out).as_posix())
    return sorted(changed)

"""Write stage: put the rendered files on disk atomically, into a folder that is the build's to replace.

The new site is written into a temporary folder beside the target (``Staging``, which a build can
write into as it goes) and swapped in only when complete, so a failed or interrupted build leaves
the previous output as it was. Replacing a folder deletes what it held, so ``refusal`` lets a build
replace only a folder a build made (it holds ``MARKER``), an empty one or none.

A build after an edit, into a folder that still holds exactly what the last good build wrote,
updates it in place (``Update``): only the files whose bytes changed are written, into a folder
beside it, and only once the whole site is made are they moved in, file by file, and the files the
site no longer has removed. The choice, against a hard-linked copy of the old tree swapped in by the
same renames as a new site: such a copy costs a link per file and a folder per page whatever the
edit (3.9 CPU s for the 30,420 files and 30,088 folders of a 10,000-page site), the moves cost the
changed files alone. What the moves give up is the single instant at which the whole site changes:
while they run (a few files for an edit, well under a millisecond each) a reader may get a new page
beside an old one, as with any upload to a host. A build that fails, or is stopped before its list
of moves is written, has touched nothing; one killed while moving is finished by the next build,
which moves what is left on that list (it holds only complete files).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from filelock import BaseFileLock

#: A file in every output folder (a dotfile, the same in every build, saying nothing of the machine
#: that made it): a folder that holds it was made by a build, and the next one may replace it.
MARKER = ".docsite-output"
MARKER_TEXT = b"This folder was made by docsite's build.py, which replaces it whole at each build.\n"
#: Folders of the project a build replaces or writes into only when forced (content/ never).
PROJECT = ("static", "templates", "docsite", "tests")
#: In the folder of an ``Update``: the changed files, and the list of moves, written once they all are.
FILES, MOVES = "files", "moves.json"


class _Unchanged(bytes):
    def __reduce__(self) -> str:
        return "UNCHANGED"  # the one object, in every process and in what .cache/ keeps


#: The bytes of a file an ``Update`` leaves as it is (a part recalled from the cache, whose files
#: the output folder holds as the last build wrote them): it is neither read nor compared.
UNCHANGED: bytes = _Unchanged()


def refusal(root: Path, out: Path, force: bool) -> str | None:
    """Why a build must not replace ``out`` (the whole sentence, for the command line), or None.
    ``force`` allows any folder or file but the project, a folder above it, content/ and a git
    repository's .git: the deployer says the output may replace what is there."""
    shown, root, out = out, root.resolve(), out.resolve()
    never = "a build never replaces it, not even with --force; choose another --out"
    if root.is_relative_to(out):
        return f"--out {shown}: this folder holds the project itself; {never}"
    if out.is_relative_to(root / "content"):
        return f"--out {shown}: this is content/ or a folder in it; {never}"
    if ".git" in out.parts:
        return f"--out {shown}: this is a repository's .git or a folder in it; {never}"
    if force:
        return None
    forced = "choose another --out, or add --force to replace it"
    for name in PROJECT:
        if out.is_relative_to(root / name):
            return f"--out {shown}: this is the project's {name}/ or a folder in it; {forced}"
    if out.exists() and not out.is_dir():
        return f"--out {shown}: this is a file, not a folder; {forced}"
    held = sorted(entry.name for entry in out.iterdir()) if out.is_dir() else []
    if held and not (out / MARKER).is_file():
        listed = ", ".join(held[:3]) + (", …" if len(held) > 3 else "")
        return f"--out {shown}: this folder holds files no build made ({listed}), and no {MARKER}; {forced}"
    return None


class UnsafePath(ValueError):
    pass


class Targets:
    """The files relative output paths name in ``out``, refusing any that would land outside it (by
    its parts, or through a link inside ``out``). Each folder is resolved once and a file only when
    it is a link: an update looks at tens of thousands of files in a few folders. (A folder is taken
    to stay what it was while the build writes: a link put in its place meanwhile is not seen.)"""

    def __init__(self, out: Path):
        self.out = os.path.realpath(out)
        self._folders = {"": self.out}

    def __call__(self, relative: str) -> str:
        folder, _, name = _checked(relative).rpartition("/")
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = self._inside(os.path.join(self.out, folder), relative)
        target = os.path.join(real, name)
        return self._inside(target, relative) if os.path.islink(target) else target

    def _inside(self, path: str, relative: str) -> str:
        real = os.path.realpath(path)
        if real != self.out and not real.startswith(self.out + os.sep):
            raise UnsafePath(relative)
        return real


def _checked(relative: str) -> str:
    """``relative`` if it names a place inside a folder, whatever that folder holds: no absolute
    path, no '..', no empty or '.' part, no backslash. (Looked for between slashes rather than
    split into parts: an edit build checks tens of thousands.)"""
    between = f"/{relative}/"
    if relative.startswith("/") or "\\" in relative or "\0" in relative \
            or "//" in between or "/./" in between or "/../" in between:
        raise UnsafePath(relative)
    return relative


#: The process ``_remove_later`` starts (argv: the folder to delete, the folder that holds the package).
REMOVER = "import sys; sys.path.insert(0, sys.argv[2]); from docsite.stages.write import remove; remove(sys.argv[1])"


def _remove_later(site: Path, lock: BaseFileLock) -> None:
    """Delete a replaced site (``site``, in a folder of its own held by ``lock``) in a process of its own:
    the new one is in place, and deleting tens of thousands of files need not hold up the build's exit.
    That process takes the folder's lock as this one lets go of it (a child inherits a flock, not a lock of
    Windows), and holds it while it deletes. In the instant between, another build may take the folder
    for a leftover and delete it itself; the site is renamed first so that such a build never puts it
    back as the output (see ``tidy``)."""
    try:
        os.rename(site, site.with_name(site.name + ".replaced"))
        subprocess.Popen([sys.executable, "-c", REMOVER, str(site.parent), str(Path(__file__).resolve().parents[2])],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    finally:
        _release(lock)


def remove(folder: str) -> None:
    """Delete ``folder`` once this process holds its lock, unless another build deleted it meanwhile."""
    lock = _claim(Path(folder), wait=True)
    if lock is not None:
        shutil.rmtree(folder, ignore_errors=True)
        _release(lock)


# A build works in folders beside the output: ``.NAME.new-*``, the site it writes, and ``.NAME.old-*``,
# where the site it replaces goes (between the commit's two renames it holds the only copy), until a
# process deletes it. A build or a deletion killed (kill -9, a CI's timeout, a power cut) leaves
# them: the next build deletes them, and first puts the old site back when the output is missing.
# Which are leftovers: the folders no process holds a lock on, so that builds running at the same
# time into one folder leave each other's alone. The lock is filelock's (flock on POSIX, LockFileEx
# on Windows: the system lets go of a killed process's locks) on a file beside the folder,
# ``.NAME.new-*.lock`` (Windows locks files, not folders), deleted with the lock's release.
#
# The output stays a real folder, swapped by two renames, rather than a link swapped in one
# (rename of a new link over the old): static hosts' upload steps, rsync and Windows treat a link
# differently from a folder, and a deployer's `rm -rf _site/` or `cp -r _site` would see a link.
# So the output is missing between the two renames (microseconds, in one folder of one disk);
# a build killed just then leaves the previous site in ``.NAME.old-*``, and the next build, even
# one that fails, puts it back first.

#: What the name of a folder's lock file adds to the folder's.
LOCK = ".lock"


def _claim(folder: Path, wait: bool = False) -> BaseFileLock | None:
    """The lock of ``folder``, held (until ``_release``, or until this process ends however it ends), or
    None when another process holds it (``wait``: until it lets go) or the folder is gone."""
    # Imported here: a build that finds the site up to date, and nothing to tidy, takes no lock (30 ms of imports).
    from filelock import FileLock, Timeout

    lock = FileLock(folder.with_name(folder.name + LOCK))
    try:
        lock.acquire(blocking=wait)
    except Timeout:
        return None
    if folder.is_symlink() or not folder.is_dir():  # deleted by the process that held it, or none of ours
        _release(lock)
        return None
    return lock


def _release(lock: BaseFileLock | None) -> None:
    """Let go of a folder's lock and delete its file. Deleted while held where a system allows it (POSIX):
    a process waiting for the lock then finds its file gone and makes a new one (filelock checks); else
    (Windows, where no process deletes a file another holds open) filelock deletes it once let go."""
    if lock is not None:
        with contextlib.suppress(OSError):
            os.unlink(lock.lock_file)
        lock.release()


def _working(out: Path, kind: str) -> tuple[Path, BaseFileLock]:
    """A new folder beside ``out`` for a build (``kind``: new or old), locked by it."""
    while True:
        folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.{kind}-", dir=out.parent))
        lock = _claim(folder)
        if lock is not None:
            return folder, lock
        # Another build, tidying up, took it for a leftover in the instant before the lock: it deletes it.


def tidy(out: Path) -> None:
    """Delete what killed builds left beside ``out`` (see above), the old site put back first when
    ``out`` is missing, and the lock files of folders gone."""
    out = out.resolve()
    if not out.parent.is_dir():
        return
    named = {entry.with_name(entry.name.removesuffix(LOCK)) for entry in out.parent.iterdir()
             if entry.name.startswith((f".{out.name}.new-", f".{out.name}.old-"))}
    leftovers = {folder: lock for folder in named if (lock := _claim(folder)) is not None}
    if not os.path.lexists(out):
        replaced = [entry / out.name for entry in leftovers if entry.name.startswith(f".{out.name}.old-")
                    and os.path.lexists(entry / out.name)]
        if replaced:
            os.rename(max(replaced, key=lambda path: path.parent.stat().st_mtime_ns), out)
    for entry in sorted(leftovers, key=lambda entry: entry.stat().st_mtime_ns):
        if (entry / MOVES).is_file() and out.is_dir():  # an update killed while moving its files in
            _move(entry, out)
    for entry, lock in leftovers.items():
        shutil.rmtree(entry, ignore_errors=True)
        _release(lock)


class _Working:
    """A build's folder beside the output, locked while the build runs; leaving the block without
    ``commit`` (a failed build, an error) throws it away."""

    folder: Path
    _lock: BaseFileLock | None
    committed: bool
    _paths: set[str]  # the new site's files, by relative path

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)  # in no order: a site's tens of thousands of paths, asked for after every build

    def __len__(self) -> int:
        return len(self._paths)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        _release(self._lock)
        self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *raised: object) -> None:
        if not self.committed:
            self.discard()


class Staging(_Working, MutableMapping[str, bytes]):
    """A new output folder beside ``out``, written file by file as a build makes them (so that the
    build need not hold the whole site in memory), swapped in by ``commit`` once complete, or thrown
    away by ``discard``."""

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.folder, self._lock = _working(self.out, "new")
        self._paths: set[str] = set()
        self._into = str(self.folder)  # where files are written, as ``_write`` takes it
        self._folders: set[str] = set()  # made already: a build writes tens of thousands of files
        self.committed = False

    def __setitem__(self, relative: str, data: bytes) -> None:
        if data is UNCHANGED:
            raise ValueError(f"{relative}: a new folder holds no file of the output before")
        _write(self._into, _checked(relative), data, self._folders)  # a new folder of ours: no link inside leads out
        self._paths.add(relative)

    def __getitem__(self, relative: str) -> bytes:
        if relative not in self._paths:
            raise KeyError(relative)
        return (self.folder / relative).read_bytes()

    def __delitem__(self, relative: str) -> None:
        self._paths.remove(relative)
        (self.folder / relative).unlink()


    def commit(self) -> None:
        """Put the new folder in the place of ``out``; the previous one goes back if that fails."""
        os.chmod(self.folder, 0o755)
        if os.path.lexists(self.out):
            old, lock = _working(self.out, "old")
            try:
                os.rename(self.out, old / self.out.name)
                try:
                    os.rename(self.folder, self.out)
                except BaseException:
                    os.rename(old / self.out.name, self.out)
                    raise
            except BaseException:
                with contextlib.suppress(OSError):  # empty; else it holds the previous site, for the next build
                    os.rmdir(old)
                _release(lock)
                raise
            _remove_later(old / self.out.name, lock)
        else:
            os.rename(self.folder, self.out)
        self.folder = self.out  # where the files are read from now
        self.committed = True
        self._release()



class Update(_Working, MutableMapping[str, bytes]):
    """``out``, which holds exactly the files ``held`` (by relative path) as the last good build
    wrote them, brought to the new site in place (see the module's docstring): a file given the
    bytes it holds, or ``UNCHANGED``, is left as it is; another is written into a folder beside
    ``out`` and moved in by ``commit``, which also removes the files of ``held`` the new site does
    not have. Leaving the block without ``commit`` throws the changed files away."""

    def __init__(self, out: Path, held: Collection[str]):
        self.out = out.resolve()
        self.held = frozenset(held)
        self.targets = Targets(self.out)
        self.folder, self._lock = _working(self.out, "new")
        self._paths: set[str] = set()  # the new site's files
        self.changed: set[str] = set()  # of those, the ones written beside ``out``
        self._into = str(self.folder / FILES)
        self._folders: set[str] = set()
        self.committed = False

    def __setitem__(self, relative: str, data: bytes) -> None:
        if data is UNCHANGED and relative in self.held and relative not in self.changed:
            self._paths.add(relative)  # most of an edit's files: a path the output folder holds, nothing to do
            return
        self._paths.add(_checked(relative))
        if relative in self.changed:
            self.changed.discard(relative)
            (self.folder / FILES / relative).unlink()
        if relative in self.held and (data is UNCHANGED or _holds(self.targets(relative), data)):
            return
        if data is UNCHANGED:
            raise ValueError(f"{relative}: not in the output folder")
        _write(self._into, relative, data, self._folders)
        self.changed.add(relative)

    def __getitem__(self, relative: str) -> bytes:
        if relative not in self._paths:
            raise KeyError(relative)
        return (self.folder / FILES / relative if relative in self.changed else self.out / relative).read_bytes()

    def __delitem__(self, relative: str) -> None:
        self._paths.remove(relative)
        if relative in self.changed:
            self.changed.discard(relative)
            (self.folder / FILES / relative).unlink()


    @property
    def removed(self) -> list[str]:
        return sorted(self.held - self._paths)

    def commit(self) -> None:
        """Write down the moves (from then on, a build killed is finished by the next one), make them."""
        listed = self.folder / (MOVES + ".tmp")
        listed.write_text(json.dumps({"moves": sorted(self.changed), "removed": self.removed}), encoding="utf-8")
        os.replace(listed, self.folder / MOVES)
        _move(self.folder, self.out)
        self.committed = True
        self.discard()


class Unwritten(MutableMapping[str, bytes]):
    """The output of a build that writes none (``check``): each file's path, checked as a build's
    would be, and not its bytes, dropped as they are made, so that a check holds no more of the
    site than a build does (at 10,000 pages its HTML is 700 MB)."""

    def __init__(self) -> None:
        self._paths: set[str] = set()

    def __setitem__(self, relative: str, data: bytes) -> None:
        self._paths.add(_checked(relative))

    def __getitem__(self, relative: str) -> bytes:
        raise KeyError(relative)  # not kept

    def __contains__(self, relative: object) -> bool:
        return relative in self._paths

    def __delitem__(self, relative: str) -> None:
        self._paths.remove(relative)

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def _write(folder: str, relative: str, data: bytes, folders: set[str]) -> None:
    """``data`` written to ``relative`` (checked) in ``folder``, the file's folder made first unless
    ``folders`` (those made already) holds it. Paths as strings: a build writes tens of thousands
    of files, and pathlib's joins and parsing cost a quarter of writing them (54,000 files: 1.5 s
    through pathlib, 1.2 s so)."""
    target = f"{folder}/{relative}"
    parent = os.path.dirname(target)
    if parent not in folders:
        os.makedirs(parent, exist_ok=True)
        folders.add(parent)
    with open(target, "wb") as file:
        file.write(data)


def _holds(target: str, data: bytes) -> bool:
    """Whether the file ``target`` holds ``data``."""
    try:
        if os.stat(target).st_size != len(data):
            return False
        with open(target, "rb") as file:
            return file.read() == data
    except OSError:
        return False


def _move(folder: Path, out: Path) -> None:
    """The moves an ``Update`` wrote down in ``folder``, those not made yet, made into ``out``:
    each changed file moved in, each file the new site does not have removed (and its folders, once empty)."""
    listed = json.loads((folder / MOVES).read_text(encoding="utf-8"))
    targets = Targets(out)
    for relative in listed["moves"]:
        staged = folder / FILES / _checked(relative)
        if staged.is_file():  # else moved before the build that wrote the list was killed
            target = Path(targets(relative))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
    for relative in listed["removed"]:
        target = Path(targets(relative))
        target.unlink(missing_ok=True)
        for parent in target.parents:
            if str(parent) == targets.out:
                break
            try:
                parent.rmdir()
            except OSError:  # not empty
                break

"""The folders a build works in beside the output (``._site.new-*``, ``._site.old-*``) and their locks,
on every system: what a killed build left goes at the next build, what a running build holds stays, and
the locks' files do not pile up. The lock is filelock's on a file beside each folder, so that Windows
takes the same path as Linux: the scripts below run write.py as Windows would see it (``sys.platform``
"win32", the system's modules imported first as they are), and as Linux does."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, MiniSite

from docsite.stages import write

#: The start of each script: write.py imported as on ``sys.argv[1]``'s system.
AS_ON = """
import filelock, shutil, subprocess, sys, tempfile
from pathlib import Path
sys.platform = sys.argv.pop(1)
from docsite.stages import write
"""
#: A build that has begun writing its new site into ``argv[1]``'s folder, and holds it until its input closes.
BUILDING = AS_ON + """
with write.Staging(Path(sys.argv[1])) as staging:
    staging["index.html"] = b"new"
    print(staging.folder.name, flush=True)
    sys.stdin.read()
"""
#: What a build does first: delete what killed builds left beside ``argv[1]``.
TIDYING = AS_ON + "write.tidy(Path(sys.argv[1]))\n"
#: The process that deletes a replaced site, stopped once it has the folder's lock until a line comes in.
REMOVING = AS_ON + """
real = shutil.rmtree
def rmtree(path, **options):
    print("deleting", flush=True)
    sys.stdin.readline()
    real(path, **options)
shutil.rmtree = rmtree
print("started", flush=True)
write.remove(sys.argv[1])
"""
SYSTEMS = ["linux", "win32"]


def _run(script: str, system: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, system, *args], env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _tidy(system: str, out: Path) -> None:
    process = _run(TIDYING, system, str(out))
    _, stderr = process.communicate("", timeout=60)
    assert process.returncode == 0, stderr


def _beside(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}."))


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_killed_builds_folder_goes_and_a_running_builds_stays(mini: MiniSite, system: str) -> None:
    """Two builds are writing; one is killed (SIGKILL: nothing of it runs again). The next build deletes
    the killed one's folder and its lock's file, leaves the running one's alone, and the site as it was."""
    assert mini.build().returncode == 0
    out = mini.root / "_site"
    site = _tree(out)
    killed, running = (_run(BUILDING, system, str(out)) for _ in range(2))
    try:
        assert killed.stdout is not None and running.stdout is not None
        gone, kept = killed.stdout.readline().strip(), running.stdout.readline().strip()
        assert _beside(out) == sorted([gone, f"{gone}.lock", kept, f"{kept}.lock"])
        killed.send_signal(signal.SIGKILL)
        killed.communicate(timeout=60)
        assert killed.returncode == -signal.SIGKILL
        _tidy(system, out)
        assert _beside(out) == [kept, f"{kept}.lock"]
        assert mini.build().returncode == 0
        assert _beside(out) == [kept, f"{kept}.lock"]
        assert (out.parent / kept / "index.html").read_bytes() == b"new"
    finally:
        _, stderr = running.communicate("", timeout=60)
    assert running.returncode == 0, stderr
    assert _beside(out) == []  # the running build, failed, threw its folder away, and its lock's file
    assert _tree(out) == site


@pytest.mark.parametrize("system", SYSTEMS)
def test_the_lock_of_a_folder_gone_goes(tmp_path: Path, system: str) -> None:
    """A process killed after deleting its folder, before deleting its lock's file, leaves that file
    alone: the next build deletes it."""
    out = tmp_path / "_site"
    out.mkdir()
    (tmp_path / "._site.old-killed.lock").write_bytes(b"")
    (tmp_path / "._site.new-killed.lock").write_bytes(b"")
    _tidy(system, out)
    assert _beside(out) == []


def _deleted_beside(out: Path) -> list[str]:
    """What is beside ``out`` once the process deleting the replaced site (if any) has finished."""
    for _ in range(600):
        if not _beside(out):
            break
        time.sleep(0.1)
    return _beside(out)


def test_builds_leave_nothing_beside_the_output(mini: MiniSite) -> None:
    """A new site swapped in (the old one deleted by a process of its own), an update in place, a site
    up to date, a failed build: none leaves a folder or a lock's file beside the output."""
    out = mini.root / "_site"
    assert mini.build().returncode == 0
    assert _deleted_beside(out) == []
    for step in ("update", "replace", "up to date", "fail"):
        if step == "update":
            mini.write("people/a.md", "---\ntitle: 甲\n---\n正文。\n")
        elif step == "replace":
            (out / "zh-hans" / "stale.html").write_text("旧\n", encoding="utf-8")  # not as built: a new site
        elif step == "fail":
            mini.write("people/a.md", "---\ntitle: [\n---\n")
        result = mini.build()
        assert result.returncode == (1 if step == "fail" else 0), result.stderr
        assert _deleted_beside(out) == [], step
    assert not (out / "zh-hans" / "stale.html").exists()


@pytest.mark.parametrize("system", SYSTEMS)
def test_the_process_deleting_a_replaced_site_holds_its_lock(tmp_path: Path, system: str) -> None:
    """It takes the lock as the build lets go, and holds it while it deletes: a build starting then
    leaves the folder to it."""
    out = tmp_path / "_site"
    out.mkdir()
    old, lock = write._working(out, "old")
    (old / "_site.replaced").mkdir()
    removing = _run(REMOVING, system, str(old))
    try:
        assert removing.stdout is not None
        assert removing.stdout.readline() == "started\n"  # and about to wait for the lock
        write._release(lock)
        assert removing.stdout.readline() == "deleting\n"
        _tidy(system, out)
        assert _beside(out) == [old.name, f"{old.name}.lock"]
    finally:
        _, stderr = removing.communicate("\n", timeout=60)
    assert removing.returncode == 0, stderr
    assert _beside(out) == []


def test_a_replaced_site_is_never_put_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the instant between the build letting go of the replaced site's folder and the deleting
    process taking it, a build that finds the output missing (deleted by hand) does not put that old
    site back: it deletes the folder."""
    out = tmp_path / "_site"
    (out / "zh-hans").mkdir(parents=True)
    with write.Staging(out) as staging:
        staging["zh-hans/index.html"] = b"new"
        monkeypatch.setattr(write.subprocess, "Popen", lambda *args, **options: None)  # not started yet
        staging.commit()
    assert (out / "zh-hans" / "index.html").read_bytes() == b"new"
    [old] = [name for name in _beside(out) if not name.endswith(write.LOCK)]
    assert old.startswith("._site.old-") and _beside(out) == [old]  # let go of: its lock's file deleted
    shutil.rmtree(out)
    write.tidy(out)
    assert not out.exists()
    assert _beside(out) == []

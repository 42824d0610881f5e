"""Faults of the command line and of the machine: an output folder a build must not replace, a
read-only folder, a full disk, a broken .cache/, Ctrl-C, SIGTERM and kill -9. Each ends with a
one-line message and an exit status, never a traceback, data lost outside the output, a missing
site or processes left behind."""

from __future__ import annotations

import ctypes
import errno
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import IO, Any

import pytest
from conftest import ROOT, MiniSite

from docsite import cli
from docsite.incremental import cache
from docsite.processes import process_map
from docsite.stages import write

#: The file that marks a folder a build made (docs/deploy.md names it).
MARKER = ".docsite-output"
#: What every refusal of --out ends with.
FORCED = "choose another --out, or add --force to replace it"
NEVER = "a build never replaces it, not even with --force; choose another --out"


def _stderr_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stderr.strip().splitlines()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _beside(mini: MiniSite) -> list[str]:
    """What builds left beside the output: their working folders (._site.new-*, ._site.old-*)."""
    return sorted(p.name for p in mini.root.iterdir() if p.name.startswith("._site."))


# -- the output folder -------------------------------------------------------------------------


def _refused(mini: MiniSite, out: str, expected: str, *args: str) -> None:
    """``build --out out`` exits 2 with the one line ``expected`` and changes nothing in the project."""
    before = _tree(mini.root)
    result = mini.build("--out", out, *args)
    assert result.returncode == 2, result.stderr
    assert _stderr_lines(result) == [f"build.py: error: --out {out}: {expected}"]
    assert _tree(mini.root) == before


def test_an_existing_file_is_not_replaced(mini: MiniSite) -> None:
    (mini.root / "notes.txt").write_text("笔记\n", encoding="utf-8")
    _refused(mini, "notes.txt", f"this is a file, not a folder; {FORCED}")


def test_a_folder_holding_other_files_is_not_replaced(mini: MiniSite) -> None:
    (mini.root / "notes").mkdir()
    (mini.root / "notes" / "notes.txt").write_text("笔记\n", encoding="utf-8")
    _refused(mini, "notes", f"this folder holds files no build made (notes.txt), and no {MARKER}; {FORCED}")


@pytest.mark.parametrize("folder", ["static", "templates", "static/out"])
def test_the_projects_folders_are_not_replaced(mini: MiniSite, folder: str) -> None:
    _refused(mini, folder, f"this is the project's {folder.split('/')[0]}/ or a folder in it; {FORCED}")


@pytest.mark.parametrize(("out", "expected"), [
    (".git", "this is a repository's .git or a folder in it"),
    (".git/site", "this is a repository's .git or a folder in it"),
    ("content", "this is content/ or a folder in it"),
    (".", "this folder holds the project itself"),
    ("..", "this folder holds the project itself"),
])
@pytest.mark.parametrize("force", [False, True])
def test_the_project_content_and_git_are_never_replaced(mini: MiniSite, out: str, expected: str, force: bool) -> None:
    """Not even with --force: `build.py --out .git` wiped a clone's history."""
    (mini.root / ".git").mkdir()
    (mini.root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    _refused(mini, out, f"{expected}; {NEVER}", *(["--force"] if force else []))


def test_force_replaces_what_the_deployer_names(mini: MiniSite) -> None:
    (mini.root / "notes").mkdir()
    (mini.root / "notes" / "notes.txt").write_text("笔记\n", encoding="utf-8")
    (mini.root / "page.html").write_text("<p>旧</p>\n", encoding="utf-8")
    for out in ("notes", "page.html"):
        result = mini.build("--out", out, "--force")
        assert result.returncode == 0, result.stderr
        assert (mini.root / out / "zh-hans" / "index.html").is_file()
        assert not (mini.root / out / "notes.txt").exists()


@pytest.mark.parametrize("made", ["missing", "empty", "built before"])
def test_a_folder_a_build_made_or_an_empty_one_is_written(mini: MiniSite, made: str) -> None:
    out = mini.root / "public"
    if made != "missing":
        out.mkdir()
    if made == "built before":
        assert mini.build("--out", "public").returncode == 0
        (out / "zh-hans" / "stale.html").write_text("旧\n", encoding="utf-8")
        mini.write("people/a.md", "---\ntitle: 甲\n---\n正文。\n")
    result = mini.build("--out", "public")
    assert result.returncode == 0, result.stderr
    assert (out / MARKER).is_file()
    assert (out / "zh-hans" / "people" / "a" / "index.html").is_file() == (made == "built before")
    assert not (out / "zh-hans" / "stale.html").exists()


#: Holds the lock of a working folder (argv[1]) as a running build does, until its standard input closes.
HOLDER = """
import sys
from pathlib import Path
from docsite.stages.write import _claim, _release

lock = _claim(Path(sys.argv[1]))
print(lock is not None, flush=True)
sys.stdin.read()
_release(lock)
"""


@pytest.mark.parametrize("changed", [False, True])
def test_leftovers_of_killed_builds_are_removed_and_running_builds_kept(mini: MiniSite, changed: bool) -> None:
    """Working folders no process holds (a build or a deletion killed) go at the next build, even
    one that finds the site up to date; one a build running at the same time holds stays."""
    assert mini.build().returncode == 0
    for name in ("._site.new-killed", "._site.old-killed"):
        (mini.root / name / "zh-hans").mkdir(parents=True)
        (mini.root / name / "zh-hans" / "index.html").write_text("旧\n", encoding="utf-8")
    running = mini.root / "._site.new-running"
    running.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(running)], env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "True\n"  # it holds the lock
        if changed:
            mini.write("people/a.md", "---\ntitle: 甲\n---\n正文。\n")
        result = mini.build()
        assert result.returncode == 0, result.stderr
    finally:
        holder.communicate("", timeout=60)
    assert result.stdout.startswith("built " if changed else f"{mini.root / '_site'} is up to date")
    assert _beside(mini) == ["._site.new-running"]
    assert (mini.root / "_site" / "zh-hans" / "people" / "a" / "index.html").is_file() == changed


#: Swaps a new site into ``_site`` (argv[1]) as a build does, and is killed between the two renames.
KILLED_BETWEEN_RENAMES = """
import os, signal, sys
from pathlib import Path
from docsite.stages.write import Staging

real = os.rename


def rename(source, target):
    real(source, target)
    os.kill(os.getpid(), signal.SIGKILL)


with Staging(Path(sys.argv[1])) as staging:
    staging["index.html"] = b"new"
    os.rename = rename
    staging.commit()
"""


def test_a_build_killed_between_the_two_renames_leaves_the_site_for_the_next(mini: MiniSite) -> None:
    """Even a build that fails puts the previous site back first: the output folder always holds a site."""
    assert mini.build().returncode == 0
    before = _tree(mini.root / "_site")
    killed = subprocess.run([sys.executable, "-c", KILLED_BETWEEN_RENAMES, str(mini.root / "_site")],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not (mini.root / "_site").exists()  # the old site is in ._site.old-*, the new in ._site.new-*
    mini.write("people/a.md", "---\ntitle: [\n---\n")
    result = mini.build()
    assert result.returncode == 1, result.stderr
    assert _tree(mini.root / "_site") == before
    assert _beside(mini) == []


# -- faults of the machine: read-only folders, a full disk, a broken .cache/ ---------------------


def _without_root_powers() -> None:
    """Run as root (a container), a process may write into any folder: this one may not, as any other user
    (CAP_DAC_OVERRIDE dropped from its bounding set before it starts the program)."""
    if os.geteuid() == 0 and ctypes.CDLL(None, use_errno=True).prctl(24, 1, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE)")


def _build_as_user(mini: MiniSite, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=mini.root, capture_output=True,
                          text=True, timeout=120, preexec_fn=_without_root_powers)


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    """Makes folders read-only, and writable again after the test (so that it can be deleted)."""
    made: list[Path] = []

    def make(folder: Path) -> None:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        made.append(folder)

    yield make
    for folder in made:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("folder", ["the output folder", "the folder it is in"])
def test_a_read_only_output_is_one_line_and_the_site_stays(mini: MiniSite, read_only: Callable[[Path], None],
                                                           folder: str) -> None:
    parent = mini.root / "public"
    out = parent / "_site"
    assert mini.build("--out", str(out)).returncode == 0
    before = _tree(out)
    mini.write("people/a.md", "---\ntitle: 甲\n---\n正文。\n")
    read_only(out if folder == "the output folder" else parent)
    result = _build_as_user(mini, "--out", str(out))
    assert result.returncode == 1, result.stderr
    [line] = _stderr_lines(result)
    assert re.fullmatch(rf"build\.py: error: Permission denied: {re.escape(str(parent))}/.*", line), line
    assert _tree(out) == before
    assert [p.name for p in parent.iterdir()] == ["_site"]


def test_a_full_disk_is_one_line_and_the_site_stays(mini: MiniSite, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The disk fills up while the new site is written."""
    assert mini.build().returncode == 0
    before = _tree(mini.root / "_site")
    mini.write("people/a.md", "---\ntitle: 甲\n---\n正文。\n")

    def disk_full(file: str, mode: str = "r", *args: Any, **kwargs: Any) -> IO[Any]:
        if "._site.new-" in str(file) and str(file).endswith("/index.html") and "w" in mode:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return open(file, mode, *args, **kwargs)

    monkeypatch.setattr(write, "open", disk_full, raising=False)  # the files of the output are opened there
    assert cli.main(["build", "--root", str(mini.root), "--jobs", "1"]) == 1
    monkeypatch.undo()
    assert capsys.readouterr().err == "build.py: error: No space left on device\n"
    assert _tree(mini.root / "_site") == before
    assert _beside(mini) == []


CACHE_WARNING = r"build\.py: warning: the build cache in .*\.cache cannot be used \(.+\); building without it"


def _built_with_one_warning(mini: MiniSite, stderr: str) -> None:
    assert "Traceback" not in stderr
    warnings = [line for line in stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1, stderr
    assert re.fullmatch(CACHE_WARNING, warnings[0]), warnings[0]
    assert (mini.root / "_site" / "zh-hans" / "people" / "a" / "index.html").is_file()


def test_what_the_command_says_reaches_a_pipe_before_its_process_ends(mini: MiniSite) -> None:
    """build.py ends its process without Python's clean-up (cli.console): it first writes out what
    it printed, which Python holds in a buffer when standard output is a pipe or a file (as in a
    CI's log; PYTHONUNBUFFERED would hide it)."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲。\n")
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    said = [subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=mini.root, capture_output=True, text=True,
                           env=env, timeout=120) for _ in range(2)]
    assert [done.returncode for done in said] == [0, 0], said[0].stderr
    assert said[0].stdout.startswith(f"built {mini.root / '_site'}: zh-hans 4, zh-hant 4 pages; 0 warnings; ")
    assert said[1].stdout.startswith(f"{mini.root / '_site'} is up to date: zh-hans 4, zh-hant 4 pages; ")


def test_a_cache_that_is_a_file_gives_a_cold_build(mini: MiniSite) -> None:
    (mini.root / ".cache").write_text("不是文件夹\n", encoding="utf-8")
    mini.write("people/a.md", "---\ntitle: 甲\n---\n正文。\n")
    result = mini.build()
    assert result.returncode == 0, result.stderr
    _built_with_one_warning(mini, result.stderr)


def test_a_read_only_cache_gives_a_cold_build(mini: MiniSite, read_only: Callable[[Path], None]) -> None:
    assert mini.build().returncode == 0  # .cache/ holds a database
    mini.write("people/a.md", "---\ntitle: 甲\n---\n正文。\n")
    read_only(mini.root / ".cache")
    result = _build_as_user(mini)
    assert result.returncode == 0, result.stderr
    _built_with_one_warning(mini, result.stderr)


def test_a_cache_on_a_full_disk_gives_a_cold_build(mini: MiniSite, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """SQLite's own "database or disk is full": the database may not grow by a page."""
    assert mini.build().returncode == 0
    mini.write("people/a.md", "---\ntitle: 甲\n---\n正文。\n")
    real_open = cache.Store._open

    def full(path: Path) -> sqlite3.Connection:
        db = real_open(path)
        (pages,) = db.execute("PRAGMA page_count").fetchone()
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(cache.Store, "_open", staticmethod(full))
    assert cli.main(["build", "--root", str(mini.root), "--jobs", "1"]) == 0
    _built_with_one_warning(mini, capsys.readouterr().err)


# -- Ctrl-C, SIGTERM, kill -9: the build and its processes ----------------------------------------


@pytest.fixture
def large(mini: MiniSite) -> Iterator[MiniSite]:
    """A site whose build shares its work among processes for a while; after the test, no process
    of its builds lives on, whatever the outcome."""
    body = "第{i}位人物与中苏条约。见[[people/p0000]]。" + "一九五〇年二月十四日在莫斯科签订。" * 40
    for i in range(1500):
        mini.write(f"people/p{i:04}.md", f"---\ntitle: 人物{i}\nsummary: 第{i}位\n---\n{body.format(i=i)}\n")
    yield mini
    for pid in _processes(mini):
        os.kill(pid, signal.SIGKILL)


def _processes(mini: MiniSite) -> list[int]:
    """The live processes of builds of ``mini`` (``_started``'s and those it forked: they have its command line)."""
    marker = f"\0--root\0{mini.root}\0".encode()
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()
            and marker in _proc(int(entry.name), "cmdline") and _alive(int(entry.name))]


def _proc(pid: int, name: str) -> bytes:
    try:
        return (Path("/proc") / str(pid) / name).read_bytes()
    except OSError:  # gone
        return b""


def _alive(pid: int) -> bool:
    stat = _proc(pid, "stat")
    return bool(stat) and stat.rsplit(b")", 1)[1].split()[0] != b"Z"


def _started(mini: MiniSite) -> subprocess.Popen[str]:
    """A build of ``large`` in a session of its own (a terminal's Ctrl-C reaches the whole
    group), once its processes building pages have started."""
    build = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--root", str(mini.root), "--jobs", "2"],
                             cwd=mini.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    seen: set[int] = set()
    for _ in range(6000):  # a process seen twice: not one the build starts to run another program (git)
        now = set(_processes(mini)) - {build.pid}
        if now & seen or build.poll() is not None:
            break
        seen = now
        time.sleep(0.02)
    assert build.poll() is None, build.communicate()
    return build


def _left(mini: MiniSite) -> list[bytes]:
    """The processes of ``mini``'s builds still alive after up to 30 s, by command line."""
    for _ in range(300):
        if not _processes(mini):
            break
        time.sleep(0.1)
    return [_proc(pid, "stat") for pid in _processes(mini)]


@pytest.mark.parametrize(("sent", "to_group", "status", "line"), [
    (signal.SIGINT, True, 130, "build.py: stopped by Ctrl-C"),
    (signal.SIGTERM, False, 143, "build.py: stopped by SIGTERM"),
    (signal.SIGTERM, True, 143, "build.py: stopped by SIGTERM"),
])
def test_a_stopped_build_says_so_in_one_line_and_cleans_up(large: MiniSite, sent: signal.Signals, to_group: bool,
                                                          status: int, line: str) -> None:
    """Ctrl-C reaches the build and its processes, a CI's SIGTERM the build or all of them: the
    build ends its processes, deletes the new site's folder and says why it stopped."""
    build = _started(large)
    if to_group:
        os.killpg(build.pid, sent)
    else:
        os.kill(build.pid, sent)
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == status, stderr
    assert stderr.strip().splitlines() == [line]
    assert _left(large) == []
    assert _beside(large) == []
    assert not (large.root / "_site").exists()


def _marked(folder: Path, item: int) -> int:
    (folder / str(item)).touch()
    time.sleep(0.05)
    return item


def test_ctrl_c_as_the_processes_start_drops_the_work_not_begun(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in the instant the processes are started and handed their work (a handler's exception
    raised in fork's hooks is lost) stops the work: the processes finish their item, no more."""
    real_submit = ProcessPoolExecutor.submit

    def interrupted(pool: ProcessPoolExecutor, *args: Any, **kwargs: Any) -> Future[Any]:
        future = real_submit(pool, *args, **kwargs)  # the first starts the processes
        signal.raise_signal(signal.SIGINT)
        return future

    monkeypatch.setattr(ProcessPoolExecutor, "submit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        list(process_map(partial(_marked, tmp_path), range(200), 2))
    assert len(list(tmp_path.iterdir())) < 100


#: A build whose first process ends as it sends its result: the pool's reader waits for the rest of it.
_CUT_OFF = """
import os, signal, struct, sys
from concurrent.futures.process import BrokenProcessPool
from docsite import cli
from docsite.processes import process_map

def cut_off(item):
    if item == 0:  # half a result sent, as when SIGTERM reaches every process of the build
        frame = sys._getframe()
        while "result_queue" not in frame.f_locals:
            frame = frame.f_back
        os.write(frame.f_locals["result_queue"]._writer.fileno(), struct.pack("!i", 1 << 20) + b"half")
        print("cut off", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    return item

try:
    with cli._stopped_by_sigterm():
        list(process_map(cut_off, range(4), 2))
except (cli.Stopped, BrokenProcessPool) as stop:
    print(type(stop).__name__, flush=True)
os._exit(0)  # as the command line ends (cli.console)
"""


def test_a_build_stopped_by_sigterm_does_not_wait_for_a_result_cut_off() -> None:
    """SIGTERM sent to every process of the build may end one as it sends its result, which its
    pool then waits for the rest of, for ever: the build, stopped, does not wait for the pool."""
    build = subprocess.Popen([sys.executable, "-c", _CUT_OFF], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert build.stdout is not None and build.stdout.readline() == "cut off\n"
    build.send_signal(signal.SIGTERM)
    try:
        out, _ = build.communicate(timeout=30)
    finally:
        build.kill()
    assert (build.returncode, out) == (0, "Stopped\n")


def test_a_process_ended_as_it_sends_its_result_breaks_the_pool() -> None:
    """The system ends a process building pages (out of memory) as it sends its result: the pool
    would wait for the rest of it for ever; the build says the process was ended, and stops."""
    build = subprocess.Popen([sys.executable, "-c", _CUT_OFF], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        out, _ = build.communicate(timeout=30)
    finally:
        build.kill()
    assert (build.returncode, out) == (0, "cut off\nBrokenProcessPool\n")


def test_the_processes_of_a_killed_build_end_with_it(large: MiniSite) -> None:
    """kill -9 (the end of a CI's timeout) lets the build do nothing: its processes end by themselves,
    and the next build deletes the folder it was writing."""
    build = _started(large)
    build.kill()
    build.communicate(timeout=60)
    assert _left(large) == []
    folder = _beside(large)[0]  # the folder it was writing, and the file of its lock, let go by the system
    assert folder.startswith("._site.new-") and _beside(large) == [folder, f"{folder}.lock"], _beside(large)
    large.write("people/p0000.md", "---\ntitle: [\n---\n")
    result = large.build()
    assert result.returncode == 1, result.stderr
    assert _beside(large) == []


def test_a_process_the_system_ends_is_one_line(large: MiniSite) -> None:
    """The kernel's out-of-memory killer ends one of the processes building pages: the build stops
    with one line, and the previous site stays."""
    build = _started(large)
    os.kill(max(set(_processes(large)) - {build.pid}), signal.SIGKILL)
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 1, stderr
    assert stderr.strip().splitlines() == ["build.py: error: a process building pages was ended before it finished "
                                           "(by the system: out of memory?); nothing was changed"]
    assert _left(large) == []
    assert _beside(large) == []

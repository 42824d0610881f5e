"""Progress bars: shown on a terminal, never in captured output (logs, CI, pipes)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from conftest import ROOT, MiniSite


def _in_terminal(site: MiniSite) -> str:
    """What an editor sees in a terminal while ``build.py`` runs."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a new pty is 0 columns wide
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py")], cwd=site.root, stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_shows_progress(mini: MiniSite) -> None:
    shown = _in_terminal(mini)
    assert "zh-hans 转换、渲染" in shown and "zh-hant 转换、渲染" in shown
    assert "built " in shown


def test_captured_output_has_no_progress(mini: MiniSite) -> None:
    done = mini.build()
    assert done.returncode == 0, done.stderr
    assert "转换" not in done.stderr + done.stdout and "\r" not in done.stderr

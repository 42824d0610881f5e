"""Time from saving a page to the browser's reload signal, with the preview server on the shipped site.

    .venv/bin/python benchmarks/preview.py

Starts `build.py serve` on a free port, connects as a browser (the livereload websocket), then
five times edits a page's text and measures until the reload message arrives; the page is put
back as it was at the end.
"""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "content" / "people" / "zhou-enlai.md"


async def measure(port: int) -> list[float]:
    ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    await ws.read_message()
    ws.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/"}))
    await asyncio.sleep(0.5)
    original = PAGE.read_text(encoding="utf-8")
    times = []
    try:
        for i in range(5):
            start = time.perf_counter()
            PAGE.write_text(original + f"\n本页第{i}次修改。\n", encoding="utf-8")
            while json.loads(await ws.read_message()).get("command") != "reload":
                pass
            times.append(time.perf_counter() - start)
            await asyncio.sleep(0.5)
    finally:
        PAGE.write_text(original, encoding="utf-8")
    return times


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/zh-hans/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        times = asyncio.run(measure(port))
    finally:
        server.terminate()
        server.wait()
    print("save -> reload signal: " + ", ".join(f"{t:.2f}" for t in times)
          + f" s; median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()

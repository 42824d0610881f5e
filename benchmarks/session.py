"""A session of edits from the command line: each adds words of its own to another page, then builds.

    .venv/bin/python benchmarks/session.py SITE [EDITS]   # SITE: a corpus (benchmarks/corpus.py), built once

Prints, for each build, its wall time and what .cache/ holds after it: the size of the memory's
changes and whether its base was written again (docsite/incremental/kept.py). The edits are the
same from run to run (a seeded random choice of characters), so two versions of the program can be
compared on two copies of one corpus.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The characters the edits are made of: the common CJK block.
CHARACTERS = [chr(code) for code in range(0x4E00, 0x9FA6)]


def main(site: Path, edits: int) -> None:
    pages = sorted((site / "content" / "topics").glob("*.md"))
    memory = site / ".cache"
    choose = random.Random(7).choice
    base = (memory / "memory.pickle").stat().st_ino
    total = 0.0
    for number in range(edits):
        page = pages[number * 37 % len(pages)]
        words = "".join(choose(CHARACTERS) for _ in range(30))
        page.write_text(page.read_text(encoding="utf-8") + f"\n补记{number}：{words}。\n", encoding="utf-8")
        start = time.perf_counter()
        subprocess.run([sys.executable, str(HERE.parent / "build.py"), "build", "--root", str(site)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        seconds = time.perf_counter() - start
        total += seconds
        now = (memory / "memory.pickle").stat().st_ino
        changes = (memory / "memory-changes.pickle").stat().st_size / 1e6
        print(f"{number + 1:3d}  {seconds:5.2f} s  changes {changes:5.1f} MB{'  new base' if now != base else ''}")
        base = now
    print(f"{edits} builds: {total:.1f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 40)

"""The fuzz test of ``build.py check`` (tests/test_fuzz.py) run long: N new examples of each kind of
hostile input (front matter, site.yaml, YAML documents, markup; a quarter of N through build.py in
a process of its own), and how many ran clean: exit 0 or 1, every error at its file and line, no
traceback, within the bound.

    .venv/bin/python benchmarks/fuzz.py [N]     # N examples of each kind (default 500)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "outcomes.json"
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py"],
                                cwd=ROOT, env={**os.environ, "FUZZ_EXAMPLES": str(examples),
                                               "FUZZ_REPORT": str(report)})
        outcomes = json.loads(report.read_text()) if report.is_file() else {}
    ran = sum(outcomes.values())
    clean = "all clean" if result.returncode == 0 else "a failure: see the test's output above (the input is shown)"
    print(f"{ran} inputs in {time.perf_counter() - start:.0f} s: {outcomes.get('exit 0', 0)} checked clean (exit 0), "
          f"{outcomes.get('exit 1', 0)} reported at their file and line (exit 1); {clean}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())

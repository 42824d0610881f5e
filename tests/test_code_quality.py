"""The code passes the type checker and the linter, as configured in pyproject.toml.

Both run as the developer runs them, with this interpreter's packages (the dev extra), so that the
test command CI runs checks types and style along with behaviour.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: What ruff looks at: all the Python of the project, the package's stubs for untyped libraries too.
LINTED = ["docsite", "tests", "benchmarks", "docs", "build.py", "typings"]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False)


def test_mypy_finds_no_error_in_the_package() -> None:
    result = run("mypy")  # the files, strictness and stubs: [tool.mypy] in pyproject.toml
    assert result.returncode == 0, f"mypy found problems:\n{result.stdout}{result.stderr}"
    assert "Success: no issues found" in result.stdout


@pytest.mark.parametrize("target", LINTED)
def test_ruff_finds_nothing(target: str) -> None:
    result = run("ruff", "check", target)
    assert result.returncode == 0, f"ruff check {target} found problems:\n{result.stdout}{result.stderr}"

"""The package as a deployer installs it: a wheel with its data files, whose `docsite` command
checks and builds the shipped site from a folder outside the repository, with a version and a
help that shows every option."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from conftest import ROOT

from docsite import cli


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed, and this one's dependencies (nothing
    is downloaded); returns its bin folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"  # built from a copy: a build leaves build/ and *.egg-info behind
    shutil.copytree(ROOT / "docsite", source / "docsite", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", str(source),
                    "-w", str(tmp / "dist")], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp / "dist").glob("docsite-*.whl")
    env = tmp / "env"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    # The dependencies, from this environment: after the new one's own packages on the path, and
    # without this environment's .pth files (its editable docsite).
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True, env=CLEAN).stdout.strip()
    (Path(purelib) / "dependencies.pth").write_text(
        "\n".join(dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])) + "\n")
    return env / "bin"


#: The environment of the installed command: without a PYTHONPATH that would lead to this checkout.
CLEAN = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / "docsite"), *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env=CLEAN)


def test_the_wheel_holds_the_package_and_its_data(installed: Path) -> None:
    where = subprocess.run([str(installed / "python"), "-c", "import docsite, pathlib; print(pathlib.Path("
                            "docsite.__file__).parent)"], cwd=installed, capture_output=True, text=True,
                           check=True, env=CLEAN).stdout.strip()
    package = Path(where)
    assert package.is_relative_to(installed.parent), package  # the wheel's, not this checkout's
    data = {p.relative_to(package).as_posix() for p in package.rglob("*") if p.suffix in (".yaml", ".json")}
    shipped = {p.relative_to(ROOT / "docsite").as_posix() for p in (ROOT / "docsite").rglob("*")
               if p.suffix in (".yaml", ".json")}
    assert shipped and data == shipped


def test_the_docsite_command_checks_and_builds_the_shipped_site(installed: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for name in ("site.yaml", "content", "templates", "static"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, site / name)
    check = run(installed, "check", "--strict", cwd=site)
    assert check.returncode == 0, check.stderr
    assert "check passed: 0 errors, 0 warnings" in check.stderr
    build = run(installed, "build", "--out", str(tmp_path / "out"), "--base-url", "https://example.org/t/", cwd=site)
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "out" / "zh-hant" / "treaty" / "index.html").is_file()
    assert (tmp_path / "out" / "sitemap.xml").is_file()


def test_the_installed_command_names_itself_in_what_it_prints(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: x\n", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("keep", encoding="utf-8")
    refused = run(installed, "build", "--out", "notes", cwd=tmp_path)  # a folder the build did not make
    assert refused.returncode == 2 and refused.stderr.startswith("docsite: error: --out"), refused.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = run(installed, "serve", "--port", str(busy.getsockname()[1]), cwd=tmp_path)
    assert taken.returncode == 2 and taken.stderr.startswith("docsite: error: "), taken.stderr
    assert "build.py" not in refused.stderr + taken.stderr


def test_version(installed: Path, tmp_path: Path) -> None:
    result = run(installed, "--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == "docsite 0.1.0"


def test_help_shows_every_option_of_every_command(installed: Path, tmp_path: Path) -> None:
    shown = run(installed, "--help", cwd=tmp_path).stdout
    parser = cli._parser("docsite")
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, command in commands.items():
        assert f"usage: docsite {name}" in shown, name
        for action in command._actions:
            for option in action.option_strings:
                assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", shown), (name, option)
    assert "--out" in shown and "--base-url" in shown and "--format" in shown


def test_the_readme_names_the_docsite_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^\s+docsite (check|build|serve)", readme, re.MULTILINE)

"""The deployer's workflows: tests and the strict check on every push and pull request, publishing only
from main after both, actions pinned to commits, dependencies locked and cached."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def workflow(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job.get("steps", []) if "run" in step]


def uses(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for step in job.get("steps", []) if "uses" in step]


def test_ci_runs_the_tests_and_the_strict_check_on_every_push_and_pull_request() -> None:
    ci = workflow("ci.yml")
    assert "push" in ci["on"] and "pull_request" in ci["on"]
    for event in ("push", "pull_request"):  # no branch filter: every push, every pull request
        assert not (ci["on"][event] or {}).get("branches")
    commands = {name: " ".join(runs(job)) for name, job in ci["jobs"].items()}
    assert any(".ci/run" in text for text in commands.values())
    assert any(re.search(r"build\.py check --strict", text) for text in commands.values())


def test_pages_deploy_only_from_main_after_tests_and_check() -> None:
    ci = workflow("ci.yml")
    jobs = ci["jobs"]
    tester = next(name for name, job in jobs.items() if any(".ci/run" in r for r in runs(job)))
    checker = next(name for name, job in jobs.items() if any("check --strict" in r for r in runs(job)))
    publisher = next(name for name, job in jobs.items() if job.get("uses") == "./.github/workflows/pages.yml")
    assert set(jobs[publisher]["needs"]) == {tester, checker}
    condition = jobs[publisher]["if"]
    assert "github.ref == 'refs/heads/main'" in condition and "pull_request" in condition
    assert jobs[publisher]["permissions"]["pages"] == "write"
    pages = workflow("pages.yml")
    assert list(pages["on"]) == ["workflow_call"]  # never on its own, so never untested
    assert pages["jobs"]["deploy"]["needs"] == "build"
    assert any("--base-url" in r for r in runs(pages["jobs"]["build"]))


def test_actions_are_pinned_to_commits_with_their_version() -> None:
    found = 0
    for path in WORKFLOWS.glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*(?:-\s*)?uses:\s*(\S+)(.*)$", line)
            if not match or match.group(1).startswith("./"):
                continue
            found += 1
            assert PINNED.match(match.group(1)), f"{path.name}: {line.strip()}"
            assert re.search(r"#\s*v\d+\.\d+\.\d+", match.group(2)), f"{path.name}: no version beside {line.strip()}"
    assert found >= 6


def test_pip_and_the_build_cache_are_cached() -> None:
    for name, job in [*workflow("ci.yml")["jobs"].items(), *workflow("pages.yml")["jobs"].items()]:
        commands = " ".join(runs(job))
        if "pip install" not in commands and ".ci/run" not in commands:
            continue
        steps = uses(job)
        pip_cached = any(s["uses"].startswith("actions/setup-python@") and s["with"].get("cache") == "pip"
                         and "constraints.txt" in s["with"].get("cache-dependency-path", "") for s in steps) \
            or any(s["uses"].startswith("actions/cache@") and "pip" in s["with"]["path"]
                   and "hashFiles('constraints.txt'" in s["with"]["key"] for s in steps)
        assert pip_cached, name
        if "build.py" in commands:
            cached = [s["with"] for s in steps
                      if s["uses"].startswith("actions/cache@") and s["with"]["path"] == ".cache"]
            assert cached and "content/**" in cached[0]["key"] and cached[0].get("restore-keys"), name


def test_every_install_takes_the_locked_versions() -> None:
    installs = [r for wf in ("ci.yml", "pages.yml") for job in workflow(wf)["jobs"].values() for r in runs(job)
                if "pip install" in r]
    installs += [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if "pip install" in line]
    assert len(installs) >= 3
    assert all("-c constraints.txt" in line for line in installs), installs


def test_the_lock_pins_every_dependency_within_its_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    for spec in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        requirement = Requirement(spec)
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not in constraints.txt: run .ci/lock"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {requirement.specifier}"


def test_ci_runs_exactly_the_test_command_the_readme_gives() -> None:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Run the tests", 1)[1]
    command = next(line.strip() for line in section.splitlines() if line.startswith("    "))
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1] == command

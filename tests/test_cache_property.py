"""The cache is never stale: random sequences of edits, drawn from every kind of input a site is made
from (and build.py's options: a base URL, drafts), and after each one the command line's cached
build (.cache/), the command line itself (what it keeps in .cache/ between builds, and its output
folder updated in place; with the options, then without), the preview server's build (its memory
and .cache/) and a preview started then (from what build.py kept) give byte for byte what a build
from nothing gives, or the same errors; and the previews the same warnings (the lint's, which they
keep from build to build).

CI runs a few examples; more, as many as time allows:

    CACHE_EXAMPLES=500 .venv/bin/python -m pytest tests/test_cache_property.py -q

(``CACHE_STEPS`` sets the edits per example.) A failure prints the sequence of edits that led to it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from conftest import MiniSite, on_disk
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from docsite.commands import build as build_command
from docsite.commands.serve import Preview
from docsite.incremental.buildcache import BuildCache
from docsite.model.result import BuildResult
from docsite.pipeline import build

EXAMPLES = int(os.environ.get("CACHE_EXAMPLES", "6"))
STEPS = int(os.environ.get("CACHE_STEPS", "12"))

#: 宋干海 is a name at risk (s2tw writes 宋幹海): as a person's title it comes and goes from the lint's names.
TITLES = ["甲", "乙", "丙", "周恩来", "维辛斯基", "莫斯科", "长春铁路", "条约", "宋干海"]
SUMMARIES = ["外交官", "外交部长", "苏联的城市", "一九五〇年的会谈"]
DATES = ["1950-02-14", "1950-02", "1949", "1950~", "1949-12/1950-02", "1953/1955", "1945-08-14", "1960-07-16"]
PERIODS = ["1949/1955", "1950/1957", "1945/1950", "1956/1968-12-24", "1955-09-01/1957-10-15"]
WORDS = ["条约", "签订", "会谈", "长春铁路", "旅顺口", "维辛斯基", "后来", "外交", "发表声明", "里面", "宋干海"]
KINDS = {"people": "人物", "places": "地点", "events": "事件", "topics": "专题", "timelines": "时间线"}
TAGS = {"alliance": "同盟", "railway": "铁路", "diplomacy": "外交"}
SOURCES = ["shen1999", "yang2001"]


class Edits(RuleBasedStateMachine):
    """A small site, kept as data (``pages``: front matter and body by id) and written to disk."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="cache-property-"))
        self.mini = MiniSite(self.folder)
        self.root = self.folder
        self.pages: dict[str, dict[str, Any]] = {}
        self.glossary = [{"zh-hans": "维辛斯基", "zh-hant": "維辛斯基"}]
        self.sources = {
            "shen1999": {"type": "book", "author": "沈志华", "title": "中苏同盟与朝鲜战争研究", "year": 1999},
            "yang2001": {"type": "journal", "author": "杨奎松", "title": "中苏关系史纲", "year": 2001},
        }
        self.preview = Preview(self.root, self.root / ".cache" / "serve", drafts=False, log=lambda message: None)
        self.edits = 0
        self.base_url: str | None = None  # the options of build.py and of a preview started
        self.drafts = False

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the site as files ------------------------------------------------------------------------

    def save(self, pid: str) -> None:
        page = self.pages[pid]
        head = yaml.safe_dump(page["fields"], allow_unicode=True, default_flow_style=None, sort_keys=False)
        self.mini.write(f"{pid}.md", f"---\n{head}---\n{page['body']}\n")

    def save_data(self) -> None:
        self.mini.write("glossary.yaml", yaml.safe_dump(self.glossary, allow_unicode=True))
        self.mini.write("sources.yaml", yaml.safe_dump(self.sources, allow_unicode=True))
        self.mini.write("tags.yaml", yaml.safe_dump(TAGS, allow_unicode=True))

    def ids(self, kind: str | None = None) -> list[str]:
        return sorted(pid for pid in self.pages if kind is None or pid.startswith(kind + "/"))

    def body(self, data: st.DataObject) -> str:
        words = data.draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))
        parts = ["".join(words)]
        others = self.ids()
        for _ in range(data.draw(st.integers(0, 2))):
            target = data.draw(st.sampled_from(others + [self.pages[p]["fields"]["title"] for p in others]))
            parts.append(f"见[[{target}]]")
        if data.draw(st.booleans()):
            parts.append(f"[@{data.draw(st.sampled_from(SOURCES))}]")
        if data.draw(st.booleans()):
            parts.append("-{zh-hans:鼠标;zh-hant:滑鼠;}-")
        return "，".join(parts) + "。"

    @initialize()
    def start(self) -> None:
        self.pages = {
            "people/a": {"fields": {"title": "甲", "summary": "外交官"}, "body": "甲的生平[@shen1999]。"},
            "people/b": {"fields": {"title": "乙", "related": ["people/a"]}, "body": "乙认识[[people/a]]和维辛斯基。"},
            "places/moscow": {"fields": {"title": "莫斯科"}, "body": "莫斯科。"},
            "events/meeting": {"fields": {"title": "会面", "date": "1950-02", "related": ["people/a"]},
                               "body": "会面。"},
            "events/signing": {"fields": {"title": "签字", "date": "1950-02-14", "related": ["places/moscow"]},
                               "body": "签字。"},
            "timelines/talks": {"fields": {"title": "会谈", "events": ["events/meeting"],
                                           "concerning": ["places/moscow"]}, "body": "会谈的经过。"},
            "topics/alliance": {"fields": {"title": "同盟", "tags": ["alliance"]}, "body": "同盟。"},
        }
        self.save_data()
        for pid in self.pages:
            self.save(pid)

    # -- edits, one kind of input each -------------------------------------------------------------

    def edit(self, data: st.DataObject, kind: str | None = None) -> tuple[str, dict[str, Any]]:
        pid = data.draw(st.sampled_from(self.ids(kind)), label="page")
        return pid, self.pages[pid]

    @rule(data=st.data())
    def body_edit(self, data: st.DataObject) -> None:
        pid, page = self.edit(data)
        page["body"] = self.body(data)
        self.save(pid)

    @rule(data=st.data())
    def title(self, data: st.DataObject) -> None:
        pid, page = self.edit(data)
        page["fields"]["title"] = data.draw(st.sampled_from(TITLES))
        self.save(pid)

    @rule(data=st.data())
    def summary(self, data: st.DataObject) -> None:
        pid, page = self.edit(data)
        self.toggle(page, "summary", data.draw(st.sampled_from([None, *SUMMARIES])))
        self.save(pid)

    @precondition(lambda self: self.ids("events"))
    @rule(data=st.data())
    def date(self, data: st.DataObject) -> None:
        pid, page = self.edit(data, "events")
        self.toggle(page, "date", data.draw(st.sampled_from([None, *DATES])))
        self.save(pid)

    @rule(data=st.data())
    def period(self, data: st.DataObject) -> None:
        pid, page = self.edit(data)
        self.toggle(page, "period", data.draw(st.sampled_from([None, *PERIODS])))
        self.save(pid)

    @rule(data=st.data())
    def related(self, data: st.DataObject) -> None:
        pid, page = self.edit(data)
        self.toggle(page, "related", data.draw(st.lists(st.sampled_from(self.ids()), max_size=3, unique=True)))
        self.save(pid)

    @rule(data=st.data())
    def tags(self, data: st.DataObject) -> None:
        pid, page = self.edit(data)
        self.toggle(page, "tags", data.draw(st.lists(st.sampled_from(sorted(TAGS)), max_size=2, unique=True)))
        self.save(pid)

    @precondition(lambda self: self.ids("timelines"))
    @rule(data=st.data())
    def named_timeline(self, data: st.DataObject) -> None:
        pid, page = self.edit(data, "timelines")
        for name in ("events", "concerning"):
            self.toggle(page, name, data.draw(st.lists(st.sampled_from(self.ids()), max_size=2, unique=True)))
        self.save(pid)

    @rule(data=st.data())
    def draft(self, data: st.DataObject) -> None:
        pid, page = self.edit(data)
        if pid != "index":
            self.toggle(page, "draft", None if page["fields"].get("draft") else True)
            self.save(pid)

    @rule(data=st.data(), kind=st.sampled_from(sorted(KINDS)))
    def new_page(self, data: st.DataObject, kind: str) -> None:
        pid = f"{kind}/p{self.edits}"
        self.edits += 1
        fields: dict[str, Any] = {"title": data.draw(st.sampled_from(TITLES))}
        if kind == "events":
            fields["date"] = data.draw(st.sampled_from(DATES))
        if data.draw(st.booleans()):
            fields["related"] = data.draw(st.lists(st.sampled_from(self.ids()), max_size=2, unique=True))
        self.pages[pid] = {"fields": fields, "body": ""}
        self.pages[pid]["body"] = self.body(data)
        self.save(pid)

    @precondition(lambda self: len(self.pages) > 2)
    @rule(data=st.data(), mend=st.booleans())
    def delete(self, data: st.DataObject, mend: bool) -> None:
        pid, _ = self.edit(data)
        del self.pages[pid]
        (self.root / "content" / f"{pid}.md").unlink()
        if mend:
            self.unlink(pid, None)

    @precondition(lambda self: len(self.pages) > 1)
    @rule(data=st.data(), mend=st.booleans())
    def rename(self, data: st.DataObject, mend: bool) -> None:
        pid, _ = self.edit(data)
        new = f"{pid}-r{self.edits}"
        self.edits += 1
        (self.root / "content" / f"{pid}.md").rename(self.root / "content" / f"{new}.md")
        self.pages[new] = self.pages.pop(pid)
        if mend:
            self.unlink(pid, new)

    @rule(data=st.data())
    def glossary_edit(self, data: st.DataObject) -> None:
        forms = data.draw(st.sampled_from([("维辛斯基", "維辛斯基"), ("维辛斯基", "維希斯基"), ("后来", "後來"),
                                           ("里面", "裡面"), ("长春铁路", "長春鐵路"),
                                           ("数据", "資料")]))  # a word of the templates alone
        entry = {"zh-hans": forms[0], "zh-hant": forms[1]}
        if entry in self.glossary:
            self.glossary.remove(entry)
        else:
            self.glossary.append(entry)
        self.save_data()

    @rule(data=st.data())
    def source(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(SOURCES))
        titles = ["中苏同盟与朝鲜战争研究", "中苏关系史纲（修订本）", "冷战与中国"]
        self.sources[key]["title"] = data.draw(st.sampled_from(titles))
        self.save_data()

    @rule(tagline=st.sampled_from(["一九五〇年条约", "条约的文本与人物", "中苏关系"]))
    def site_yaml(self, tagline: str) -> None:
        path = self.root / "site.yaml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        config["tagline"] = tagline
        path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")

    @rule(words=st.sampled_from(["页脚", "编者", "版权所有"]))
    def template(self, words: str) -> None:
        path = self.root / "templates" / "base.html"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("</body>", f"<p>{{{{ '{words}'|t }}}}</p></body>", 1), encoding="utf-8")

    @rule(data=st.data())
    def static(self, data: st.DataObject) -> None:
        if data.draw(st.booleans()):
            with (self.root / "static" / "style.css").open("a", encoding="utf-8") as file:
                file.write(f"\n.edit-{self.edits} {{ color: black; }}\n")
        else:
            (self.root / "static" / f"note-{self.edits}.txt").write_text("注\n", encoding="utf-8")
        self.edits += 1

    @rule(base_url=st.sampled_from([None, "https://example.org/treaty/"]), drafts=st.booleans())
    def options(self, base_url: str | None, drafts: bool) -> None:
        """The options of build.py, which each step also runs without them (and drafts, of a preview
        started then)."""
        self.base_url, self.drafts = base_url, drafts

    def toggle(self, page: dict[str, Any], name: str, value: Any) -> None:
        if value is None or value == []:
            page["fields"].pop(name, None)
        else:
            page["fields"][name] = value

    def unlink(self, gone: str, new: str | None) -> None:
        """References to ``gone`` now name ``new``, or are dropped."""
        for pid, page in self.pages.items():
            fields = page["fields"]
            for name in ("related", "events", "concerning"):
                if gone in fields.get(name, []):
                    self.toggle(page, name, [new if ref == gone else ref for ref in fields[name] if new or ref != gone])
            page["body"] = page["body"].replace(f"[[{gone}]]", f"[[{new}]]" if new else "")
            self.save(pid)

    # -- after every edit: each way of building agrees with a build from nothing -----------------

    @invariant()
    def builds_agree(self) -> None:
        made: dict[tuple[str | None, bool], BuildResult] = {}

        def fresh(base_url: str | None = None, drafts: bool = False) -> BuildResult:
            if (base_url, drafts) not in made:
                made[base_url, drafts] = build(self.root, base_url=base_url, drafts=drafts)
            return made[base_url, drafts]

        _agree("the command line", build(self.root, cache=BuildCache(stored=True)), fresh())
        # build.py with the options chosen, then without: each starts from what the other kept.
        out = self.root / "_site"
        for base_url, drafts in dict.fromkeys([(self.base_url, self.drafts), (None, False)]):
            chosen, who = fresh(base_url, drafts), f"build.py (base_url {base_url}, drafts {drafts})"
            assert build_command.run(self.root, out, base_url, drafts, 1, False) == (0 if chosen.ok else 1), who
            if chosen.ok:
                _same(who, on_disk(out), chosen.files)
        _previewed("the preview", self.preview, fresh(), first=True)
        # A preview started now begins from what build.py kept in .cache/.
        started = Preview(self.root, self.root / ".cache" / "started", drafts=self.drafts, log=lambda message: None)
        _previewed("a preview started now", started, fresh(drafts=self.drafts))


def _previewed(who: str, preview: Preview, fresh: BuildResult, first: bool = False) -> None:
    """``preview`` rebuilt, as after a save: its problems and the files it wrote are a build from
    nothing's. ``first``: as the server does, the page saved first (its files already a build from
    nothing's), then the rest."""
    preview.rebuild(first=first)
    if preview.pending is not None:
        written = on_disk(preview.out)
        assert [path for path in preview.pending if path in written and written[path] != fresh.files[path]] == [], \
            f"{who}: the page made first"
        preview.settle()
    assert preview.errors == _errors(fresh), who
    if fresh.ok:
        _same(who, on_disk(preview.out), fresh.files)
        assert preview.result is not None
        assert _warnings(preview.result) == _warnings(fresh), f"{who}: warnings"


def _errors(result: BuildResult) -> list[str]:
    return [d.format() for d in result.diagnostics.sorted()] if not result.ok else []


def _warnings(result: BuildResult) -> list[str]:
    return [d.format() for d in result.diagnostics.sorted() if d.severity == "warning"]


def _agree(who: str, cached: BuildResult, fresh: BuildResult) -> None:
    assert _errors(cached) == _errors(fresh), who
    if fresh.ok:
        _same(who, cached.files, fresh.files)



def _same(who: str, cached: Mapping[str, bytes], fresh: Mapping[str, bytes]) -> None:
    assert sorted(cached) == sorted(fresh), who
    assert [path for path in fresh if cached[path] != fresh[path]] == [], f"{who}: stale files"


# CI runs the same few examples every time; CACHE_EXAMPLES draws new ones. Shrinking a failure takes
# minutes of builds: the failing sequence is printed as found (CACHE_SHRINK=1 shrinks it).
Edits.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, suppress_health_check=list(HealthCheck),
    derandomize="CACHE_EXAMPLES" not in os.environ,
    phases=[phase for phase in Phase if phase is not Phase.shrink or os.environ.get("CACHE_SHRINK")])
test_the_cache_is_never_stale = Edits.TestCase

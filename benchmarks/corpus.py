"""Synthetic documentary content for the benchmark: the same pages for docsite, Pelican, MkDocs and Hugo.

    .venv/bin/python benchmarks/corpus.py 1000 /tmp/corpus-1000

A corpus of N pages is the shipped site (its site.yaml, templates, home, treaty, documents, the
pages its navigation names) plus generated people, places, projects, topics and events, about
1,500 characters each: Chinese prose mixed word by word from simplified and traditional forms, with
front matter (title, summary, related pages, tags, sources, dates in every EDTF form the site uses),
links ``[[id]]`` and ``[[id|label]]``, citations ``[@key]``, now and then conversion markup
``-{...}-``, headings, lists, tables and footnotes. The same seed gives the same bytes.
``write_plain`` writes the same pages for the other generators: front matter they read, links as
Markdown links, citations and markup as plain text.
"""

from __future__ import annotations

import posixpath
import random
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from docsite.text.opencc_fast import converter

ROOT = Path(__file__).resolve().parent.parent
SEED = 1950
BODY_CHARACTERS = 1500
KINDS = [("events", 0.3), ("people", 0.2), ("places", 0.15), ("projects", 0.15), ("topics", 0.2)]
SINGULAR = {"events": "event", "people": "person", "places": "place", "projects": "project", "topics": "topic"}

SUBJECTS = ("中苏两国政府 苏联专家组 中国代表团 政务院 外交部 铁道部 第一机械工业部 东北人民政府 国家计划委员会 "
            "苏联部长会议 "
            "长春铁路管理局 武汉大桥工程局 沈阳飞机制造厂 大连港务局 旅顺口海军基地 中国科学院 驻华大使馆 新华社记者 "
            "当地工人 年轻的技术员 翻译人员 档案馆 研究者 历史学家").split()
VERBS = ("签订了 讨论了 批准了 援建了 移交了 修改了 公布了 派出了 接收了 审查了 规划了 建设了 参观了 记录了 整理了 "
         "翻译了 提出了 拒绝了 推迟了 完成了 恢复了 扩建了 检查了 报告了 说明了").split()
OBJECTS = ("条约的草案 补充协定 贷款协定 铁路的管理权 港口的设施 第一个五年计划 一百五十六项工程 钢铁联合企业 发电厂 "
           "拖拉机厂 汽车制造厂 飞机的图纸 大桥的钢梁 技术资料 专家的名单 会谈的纪要 批准书 边界的地图 通讯线路 "
           "学校与医院 粮食与煤炭 机器与设备 双方的分歧 谈判的记录 历史档案").split()
TIMES = ("一九五〇年初 同年二月 当年秋天 此后数年间 第二年 会谈期间 条约生效以后 五十年代中期 六十年代初 "
         "一九五七年十月 此前 其后 不久 多年以后").split()
PLACES = "莫斯科 北京 旅顺 大连 长春 哈尔滨 沈阳 武汉 西安 兰州 满洲里 乌鲁木齐 克里姆林宫 天安门".split()
LINKERS = "因此 同时 然而 此外 据记载 根据档案 按照协定 另一方面 后来 事实上".split()
ENDINGS = ("这一点在当时的报纸上有详细的报道 其中的细节至今仍有争议 双方对此的说法并不一致 这项工作持续了很长时间 "
           "相关的文件后来陆续公开 当事人在回忆录里也提到了这件事 这对后来的发展影响很大").split()
SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹".split()
GIVEN = "国 华 建 明 志 伟 东 文 海 平 德 学 军 力 庆 立 晓 汉 锋 岩 沈 钧 荣 远 贤 书 发 干 后 里 面".split()
NAME_ENDS = {"places": "站 港 厂 镇 县 区 岛 口".split(), "projects": "工程 大桥 工厂 铁路 电站 基地".split(),
             "topics": "问题 关系 政策 交涉 合作 谈判".split(), "events": "签字 会谈 通车 移交 开工 访问".split()}


@dataclass
class Page:
    """One page as an editor would write it."""

    id: str
    title: str
    body: str
    meta: dict = field(default_factory=dict)  # front matter beyond the title

    @property
    def date(self) -> str:
        return str(self.meta.get("date") or "1950-02-14")


class Writer:
    """Prose from a small vocabulary, each word in simplified or traditional form at random."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        to_traditional = converter("s2t").convert
        words = {w for group in (SUBJECTS, VERBS, OBJECTS, TIMES, PLACES, LINKERS, ENDINGS) for w in group}
        self.traditional = {w: to_traditional(w) for w in words}

    def word(self, words: list[str]) -> str:
        w = self.rng.choice(words)
        return self.traditional[w] if self.rng.random() < 0.3 else w

    def sentence(self) -> str:
        r, w = self.rng, self.word
        parts = [w(TIMES), "，", w(SUBJECTS), "在", w(PLACES), w(VERBS), w(OBJECTS)]
        if r.random() < 0.5:
            parts += ["，", w(LINKERS), "，", w(ENDINGS)]
        return "".join(parts) + "。"


def generate(pages: int, seed: int = SEED) -> list[Page]:
    """The shipped pages, then generated ones up to ``pages`` in all."""
    rng = random.Random(seed)
    shipped = [_read(path) for path in sorted((ROOT / "content").rglob("*.md"))]
    writer = Writer(rng)
    sources = sorted(yaml.safe_load((ROOT / "content" / "sources.yaml").read_text(encoding="utf-8")))
    tags = sorted(yaml.safe_load((ROOT / "content" / "tags.yaml").read_text(encoding="utf-8")))
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    ids = [p.id for p in shipped]
    made: list[tuple[str, str]] = []
    for i in range(pages - len(shipped)):
        kind = rng.choices(kinds, weights)[0]
        made.append((f"{kind}/{SINGULAR[kind]}-{i:05d}", kind))
    ids += [pid for pid, _ in made]
    titles = {pid: _title(rng, kind) for pid, kind in made}
    out = list(shipped)
    for pid, kind in made:
        body = _body(rng, writer, ids, sources)
        meta: dict = {"summary": writer.sentence(), "related": rng.sample(ids, 3),
                      "tags": rng.sample(tags, rng.randint(0, 2)), "sources": rng.sample(sources, 2)}
        if kind == "events":
            meta["date"] = _date(rng)
        out.append(Page(pid, titles[pid], body, meta))
    return out


def _read(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front) or {}
    relative = path.relative_to(ROOT / "content").with_suffix("").as_posix()
    pid = relative.removesuffix("/index")
    return Page(pid, str(meta.pop("title")), body, meta)


def _title(rng: random.Random, kind: str) -> str:
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
    return name if kind == "people" else rng.choice(PLACES) + name + rng.choice(NAME_ENDS[kind])


def _date(rng: random.Random) -> str:
    year, month, day = rng.randint(1945, 1980), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice([f"{year}-{month:02d}-{day:02d}"] * 4 + [f"{year}-{month:02d}", f"{year}", f"{year}~",
                       f"{year}-{month:02d}/{year + 1}-{month:02d}"])


def _body(rng: random.Random, writer: Writer, ids: list[str], sources: list[str]) -> str:
    """Paragraphs with links and citations, under headings now and then, some followed by a list or a
    table, some with a footnote: what real pages hold."""
    blocks: list[str] = []
    notes: list[str] = []
    size = 0
    while size < BODY_CHARACTERS:
        if blocks and rng.random() < 0.3:
            blocks.append(("### " if rng.random() < 0.3 else "## ") + writer.word(OBJECTS))
        sentences = [writer.sentence() for _ in range(rng.randint(3, 6))]
        at = rng.randrange(len(sentences))
        link = rng.choice(ids)
        sentences[at] = sentences[at][:-1] + (f"（见[[{link}]]）" if rng.random() < 0.5 else
                                              f"，参看[[{link}|{writer.word(OBJECTS)}]]") + "。"
        if rng.random() < 0.6:
            sentences[-1] = sentences[-1][:-1] + f"[@{rng.choice(sources)}]。"
        if rng.random() < 0.2:
            notes.append(f"[^{len(notes) + 1}]: {writer.sentence()}")
            sentences[0] = sentences[0][:-1] + f"[^{len(notes)}]。"
        if rng.random() < 0.1:
            sentences.append("王世-{杰}-的名字在两种文字里写法相同。")
        blocks.append("".join(sentences))
        choice = rng.random()
        if choice < 0.15:
            blocks.append("\n".join(f"- {writer.sentence()}" for _ in range(rng.randint(3, 5))))
        elif choice < 0.22:
            rows = [f"| {rng.randint(1945, 1980)} | {writer.word(OBJECTS)} | {writer.word(PLACES)} |"
                    for _ in range(rng.randint(3, 4))]
            blocks.append("\n".join(["| 年份 | 事项 | 地点 |", "|---|---|---|", *rows]))
        size += len(blocks[-1]) + (len(blocks[-2]) if choice < 0.22 else 0)
    return "\n\n".join(blocks + notes) + "\n"


def write_docsite(root: Path, pages: list[Page]) -> None:
    """A complete site in this project's format under ``root``."""
    if root.exists():
        shutil.rmtree(root)
    for name in ("templates", "static"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site.yaml", root / "site.yaml")
    for name in ("sources.yaml", "tags.yaml", "glossary.yaml"):
        (root / "content").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "content" / name, root / "content" / name)
    for page in pages:
        path = root / "content" / (f"{page.id}/index.md" if page.id == "treaty" else f"{page.id}.md")
        path.parent.mkdir(parents=True, exist_ok=True)
        front = yaml.safe_dump({"title": page.title, **page.meta}, allow_unicode=True, sort_keys=False,
                               default_flow_style=None, width=1000)
        path.write_text(f"---\n{front}---\n\n{page.body}", encoding="utf-8")


LINK = re.compile(r"\[\[([^\]|#]+)(#[^\]|]*)?(?:\|([^\]]*))?\]\]")
CITATION = re.compile(r"\[@([^\]]+)\]")
MARKUP = re.compile(r"-\{(?:[A-Za-z]\|)?([^}]*)\}-")


def plain_body(page: Page, titles: dict[str, str], url: Callable[[str, str], str]) -> str:
    """The body in plain Markdown: links to ``url(from_id, to_id)``, citations and markup as text."""
    def link(match: re.Match[str]) -> str:
        target, anchor, label = match.group(1), match.group(2) or "", match.group(3)
        return f"[{label or titles.get(target, target)}]({url(page.id, target)}{anchor})"
    body = LINK.sub(link, page.body)
    body = CITATION.sub(lambda m: "〔" + m.group(1).replace("@", "") + "〕", body)
    return MARKUP.sub(lambda m: m.group(1).split(";")[0].split(":")[-1], body)


def write_plain(root: Path, pages: list[Page], tool: str) -> None:
    """The same pages for Pelican, MkDocs or Hugo, in a folder ready for ``tool``'s build command."""
    if root.exists():
        shutil.rmtree(root)
    titles = {p.id: p.title for p in pages}
    for page in pages:
        tags = [str(t) for t in page.meta.get("tags", [])]
        summary = MARKUP.sub(lambda m: m.group(1), str(page.meta.get("summary", "")))
        if tool == "pelican":
            slug = _pelican_slug(page.id)
            body = plain_body(page, titles, lambda _, to: f"/{_pelican_slug(to)}.html")
            head = (f"Title: {page.title}\nDate: {_day(page.date)}\nSlug: {slug}\nSummary: {summary}\n"
                    + (f"Tags: {', '.join(tags)}\n" if tags else ""))
            path, text = root / "content" / f"{slug}.md", f"{head}\n{body}"
        else:
            name = "index" if page.id == "index" else page.id
            if tool == "mkdocs":
                body = plain_body(page, titles, lambda frm, to: posixpath.relpath(
                    f"{'index' if to == 'index' else to}.md", posixpath.dirname(f"{frm}.md") or "."))
                folder = root / "docs"
            else:
                body = plain_body(page, titles, lambda _, to: "/" if to == "index" else f"/{to}/")
                folder = root / "content"
                name = "_index" if page.id == "index" else name
            front = yaml.safe_dump({"title": page.title, "date": _day(page.date), "summary": summary, "tags": tags},
                                   allow_unicode=True, sort_keys=False, width=1000)
            path, text = folder / f"{name}.md", f"---\n{front}---\n\n{body}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name, text in CONFIGS[tool].items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def _pelican_slug(pid: str) -> str:
    return "home" if pid == "index" else pid.replace("/", "-")  # Pelican writes its own index.html


def _day(edtf: str) -> str:
    """An ISO day the other generators accept, from an EDTF date (its earliest day)."""
    first = edtf.split("/")[0].rstrip("~?").replace("X", "0")
    year, month, day = ([*first.split("-"), "01", "01"])[:3]
    return f"{year}-{month}-{day}"


_HUGO_BASE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav><a href="/">首页</a></nav><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
_HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1><p><time>{{ .Date.Format "2006-01-02" }}</time></p>
{{ .Content }}<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>{{ end }}
"""
_HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}
"""
CONFIGS: dict[str, dict[str, str]] = {
    "pelican": {"pelicanconf.py": "SITENAME = '中苏友好同盟互助条约'\nSITEURL = ''\nPATH = 'content'\n"
                                  "TIMEZONE = 'Asia/Shanghai'\nDEFAULT_LANG = 'zh'\nFEED_ALL_ATOM = None\n"
                                  "CATEGORY_FEED_ATOM = None\n"},
    "mkdocs": {"mkdocs.yml": "site_name: 中苏友好同盟互助条约\nnav:\n  - index.md\nvalidation:\n"
                             "  omitted_files: ignore\n  links:\n    not_found: ignore\n"
                             "markdown_extensions:\n  - toc:\n      permalink: true\n  - tables\n  - footnotes\n"
                             "  - admonition\n  - attr_list\n"},
    "hugo": {"hugo.toml": "baseURL = 'https://example.org/'\nlanguageCode = 'zh'\ntitle = '中苏友好同盟互助条约'\n",
             "layouts/baseof.html": _HUGO_BASE, "layouts/single.html": _HUGO_SINGLE, "layouts/list.html": _HUGO_LIST},
}


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    write_docsite(target, generate(count))

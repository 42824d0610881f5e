"""Load stage: content files -> validated ``Page`` records, plus sources, tags and the glossary.

Nothing here knows about other pages: whether a link or a source exists is the resolve stage's
question. Every problem becomes a diagnostic naming the file and line.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from functools import partial
from pathlib import Path
from typing import Any

from docsite.diagnostics import Diagnostic, Diagnostics
from docsite.incremental.signatures import signature
from docsite.model import files, urls
from docsite.model.config import PageType, SiteConfig
from docsite.model.fields import GLOSSARY_ENTRY, GLOSSARY_HINT, FieldError, Written, rule
from docsite.model.page import Content, Page, Source
from docsite.processes import process_map
from docsite.stages import history, unfinished
from docsite.text import markdown, pinyin
from docsite.text.sourcetext import LocMap, as_kept, not_text, parse_yaml, read_text
from docsite.text.variants import PLACEHOLDER_BASE, Block, MarkupError, Rule, Text, protect

ID_SEGMENT = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATA_FILES = {"sources.yaml", "glossary.yaml", "tags.yaml"}
SOURCE_TYPES = {"book": "M", "journal": "J", "newspaper": "N", "web": "EB/OL", "collection": "G",
                "chapter": "M", "archive": "A", "thesis": "D", "report": "R", "other": "Z"}
SOURCE_FIELDS = {"type", "author", "title", "container", "editor", "place", "publisher", "year", "date",
                 "volume", "issue", "pages", "url", "accessed", "note"}


@dataclass
class LoadCache:
    """What the preview server keeps of the files it loaded: each page with its file's
    ``signature``, by path, and each data file with its bytes. A page is taken from it while its
    file's signature holds and the files its links and images name are there (``_named_still``)."""

    pages: dict[str, tuple[tuple[int, ...], Page]] = field(default_factory=dict)  # by path below content/
    data: dict[Path, tuple[bytes, Any]] = field(default_factory=dict)
    # Signatures the preview server has just taken (``inputs``), by path, not to be taken again.
    taken: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def clear(self) -> None:
        self.pages.clear()
        self.data.clear()


def _mark(entry: os.DirEntry[str], cache: LoadCache | None) -> tuple[int, ...] | None:
    """The signature of a page's file, for ``cache``; None without a cache, or for a file that
    cannot be read (a link that leads nowhere, a loop), which ``_page_file`` then reports."""
    if cache is None:
        return None
    try:
        return cache.taken.get(entry.path) or signature(entry.stat())
    except OSError:
        return None


def load_content(config: SiteConfig, diags: Diagnostics, placeholders: Mapping[str, unfinished.Placeholders],
                 cache: LoadCache | None = None, jobs: int = 1,
                 parsed: Callable[[str, int], None] | None = None) -> Content:
    """Every page and data file, pages parsed by ``jobs`` processes; ``placeholders``: by page type,
    what its archetype writes (unfinished.by_type), noted in each page that still has it
    (``Page.unfinished``). ``cache`` (kept by the preview server) skips pages whose file's
    ``signature`` holds, and data files whose bytes are the same. ``parsed`` is told of each page
    parsed, and of the process that parsed it."""
    content = Content()
    _check_folders(config, diags)
    root = config.content_dir
    if not root.is_dir():
        diags.error(root, 0, "the content folder is missing")
        return content
    found: list[tuple[str, Path | None, Any, Page | None, str]] = []  # a page loaded before, else its path to load
    seen: dict[str, str] = {}  # each page id's file
    prefix = len(str(root)) + 1
    for entry in files_under(root):
        mark = _mark(entry, cache)
        relative = entry.path[prefix:].replace(os.sep, "/")  # as git names it
        hit = cache.pages.get(relative) if cache is not None else None
        # A page loaded before, its file unchanged: by its signature, or else (touched, copied,
        # checked out again, saved within the tick of the last look at it) by its text.
        if hit is not None and mark is not None and (hit[0] == mark or as_kept(entry.path) == hit[1].written) \
                and _named_still(hit[1], config.root):
            page: Page | None = hit[1]
            if hit[1].file != entry.path:  # the site's folder was moved (not compared, see Page.file:
                hit[1].moved(entry.path)  # what was made of the page still holds)
            pid, path = hit[1].id, None
        else:
            named = _page_file(entry, root, content, diags)
            if named is None:
                continue
            (pid, path), page = named, None
        if pid in seen:
            diags.error(Path(entry.path), 0, f"page id '{pid}' is also used by "
                        f"{Path(seen[pid]).relative_to(root).as_posix()}",
                        "a page is either name.md or name/index.md, not both")
            continue
        seen[pid] = entry.path
        found.append((pid, path, mark, page, relative))
    todo = [(pid, path) for pid, path, _, _, _ in found if path is not None]
    loaded = dict(zip(todo, _load_pages(todo, config, diags, jobs, parsed or (lambda pid, process: None),
                                        placeholders), strict=True))
    kept: dict[str, tuple[tuple[int, ...], Page]] = {}
    days = history.last_changes(root)
    for pid, path, mark, page, relative in found:
        # A page with mistakes is read again, and its mistakes reported again: a link to a file not
        # there is kept out of its record, which the file put there would not bring back.
        page, mistaken = (page, False) if path is None else loaded[pid, path]
        if page is None:
            assert path is not None, "a page loaded before is no broken file"
            content.broken[pid] = path
            continue
        page = _dated(page, days.get(relative))
        content.pages.append(page)
        if not mistaken:
            kept[relative] = (mark, page)
    if cache is not None:
        cache.pages = kept  # without the files gone
    for name, attribute, loader in (("sources.yaml", "sources", _load_sources), ("tags.yaml", "tags", _load_tags),
                                    ("glossary.yaml", "glossary", _load_glossary)):
        if name in content.data_paths:
            data = _load_data(content.data_paths[name], loader, cache.data if cache is not None else {}, diags)
            if data is None:
                content.unread.add(name)
            else:
                setattr(content, attribute, data)
    return content


def _dated(page: Page, committed: str | None) -> Page:
    """``page`` with the day its source last changed: the `changed:` field when given, else the day
    of its last commit. A page whose day is new is a new record (a commit changes no file), so that
    the preview server and the build cache, which keep a page while its record is the same, see it."""
    changed = page.stated or committed
    return page if changed == page.changed else replace(page, changed=changed)


def _named_still(page: Page, root: Path) -> bool:
    """Whether the files ``page`` links to or shows (in content/ or static/) are all still there:
    one gone is a mistake in the page, which reading it again reports at its line."""
    return all((root / ref.target).is_file() for ref in page.files)


def _page_file(entry: os.DirEntry[str], root: Path, content: Content, diags: Diagnostics) -> tuple[str, Path] | None:
    """The id and path of a page file; None for a data file (noted in ``content``) or a file that
    cannot be a page (reported)."""
    path = Path(entry.path)
    relative = path.relative_to(root)
    if not readable(path, root, "the content folder", diags):
        return None
    if len(relative.parts) == 1 and relative.name in DATA_FILES:
        content.data_paths[relative.name] = path
        return None
    if path.suffix.lower() in files.IMAGE_SUFFIXES:  # shown by the pages beside it
        return None
    if path.suffix != ".md":
        diags.error(path, 0, "content/ holds only Markdown pages (.md), their images and sources.yaml, tags.yaml, "
                    "glossary.yaml", "put other files in static/")
        return None
    bad = next((p for p in relative.with_suffix("").parts if not ID_SEGMENT.match(p)), None)
    if bad is not None:
        diags.error(path, 0, f"'{bad}' cannot be part of a page id: ids are lowercase ASCII letters, "
                    f"digits and single hyphens", f"rename the file, e.g. to '{_suggest_segment(bad)}'")
        return None
    return files.page_id(relative), path


def _check_folders(config: SiteConfig, diags: Diagnostics) -> None:
    """Report what in templates/ and static/ the build may not read (see ``readable``)."""
    for name in ("templates", "static"):
        folder = config.root / name
        for entry in files_under(folder, hidden=True) if folder.is_dir() else ():
            readable(Path(entry.path), config.root, "the site's folder", diags)


def readable(path: Path, inside: Path, named: str, diags: Diagnostics) -> bool:
    """Whether the build may read ``path``, a file or link that ``files_under`` listed: a link must
    lead to a regular file inside ``inside`` (``named`` for the editor), so that nothing outside the
    site (/etc/passwd, /proc/self/environ) is published; a pipe would hang the build. Else reported."""
    try:
        target = path.resolve(strict=True)
        regular = stat.S_ISREG(target.stat().st_mode)
    except FileNotFoundError:
        return _refused(path, diags, "this link leads nowhere: what it points to is missing",
                        "remove the link or put back what it points to")
    except (OSError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
        return _refused(path, diags, "this link cannot be followed (a loop of links)", "remove the link")
    if path.is_symlink() and not target.is_relative_to(inside.resolve()):
        return _refused(path, diags, f"this link points outside {named}", "copy the file in instead")
    if target.is_dir():
        return _refused(path, diags, "this link to a folder is not followed", "move the files into this folder instead")
    if not regular:
        return _refused(path, diags, "this is not a file but a pipe, socket or device", "remove it")
    return True


def _refused(path: Path, diags: Diagnostics, message: str, hint: str) -> bool:
    diags.error(path, 0, message, hint)
    return False


def files_under(folder: Path, hidden: bool = False) -> Iterator[os.DirEntry[str]]:
    """The files (and links) below ``folder`` in the order of their sorted paths; hidden ones
    (editor swap files and the like) only if ``hidden``. Linked folders are listed, not entered."""
    with os.scandir(folder) as listing:
        entries = sorted((e for e in listing if hidden or not e.name.startswith(".")), key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from files_under(Path(entry.path), hidden)
        else:
            yield entry


#: Pages per part of the loading sent to a process, at most (see processes.process_map).
PAGES_PER_PART = 100


def _load_pages(todo: list[tuple[str, Path]], config: SiteConfig, diags: Diagnostics,
                jobs: int, parsed: Callable[[str, int], None], placeholders: Mapping[str, unfinished.Placeholders]
                ) -> list[tuple[Page | None, bool]]:
    """The pages of ``todo`` (id, file), in order, parsed by ``jobs`` processes, each with whether
    an error was found in it; their problems in ``diags``."""
    size = max(1, min(PAGES_PER_PART, -(-len(todo) // jobs)))  # a part for every process, at least
    parts = [todo[i:i + size] for i in range(0, len(todo), size)]
    types = {t.name: t for t in config.types}
    pages: list[tuple[Page | None, bool]] = []
    made = process_map(partial(_load_part, config, diags.root, placeholders), parts, jobs)
    for part, (loaded, problems, process, read) in zip(parts, made, strict=True):
        diags.items += problems
        pinyin.learn(read)
        for (pid, _), (page, mistaken) in zip(part, loaded, strict=True):
            parsed(pid, process)
            if page is not None:
                page.type = types[page.type.name]  # the configuration's own, not a copy from another process
            pages.append((page, mistaken))
    return pages


def _load_part(config: SiteConfig, root: Path, placeholders: Mapping[str, unfinished.Placeholders],
               part: list[tuple[str, Path]]
               ) -> tuple[list[tuple[Page | None, bool]], list[Diagnostic], int, pinyin.Readings]:
    """Pages of one part (their tokens packed, as a page leaves a process), each with whether a
    mistake was found in it (loading finds errors only), the problems found in them, the process
    that loaded them, and what it read in pinyin (its headings')."""
    diags = Diagnostics(root)
    count = len(pinyin.known())
    pages = []
    for pid, path in part:
        reported = len(diags.items)
        pages.append((_load_page(pid, path, config, diags, placeholders), len(diags.items) > reported))
    return pages, diags.items, os.getpid(), pinyin.since(count)


def _load_data(path: Path, loader: Callable[[Path, Diagnostics], Any], cache: dict[Path, tuple[bytes, Any]],
               diags: Diagnostics) -> Any:
    """A data file, parsed again only when its bytes changed (and kept only when it had no errors);
    None when it cannot be read as a whole (reported)."""
    data = path.read_bytes()
    if path in cache and cache[path][0] == data:
        return cache[path][1]
    errors = len(diags.errors)
    value = loader(path, diags)
    if len(diags.errors) == errors:
        cache[path] = (data, value)
    return value


def _suggest_segment(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"


def _type_of(pid: str, config: SiteConfig) -> PageType | None:
    return next((t for t in config.types if fnmatchcase(pid, t.pattern)), None)


def _load_page(pid: str, path: Path, config: SiteConfig, diags: Diagnostics,
               placeholders: Mapping[str, unfinished.Placeholders]) -> Page | None:
    text = read_text(path, diags)
    if text is None:
        return None
    ptype = _type_of(pid, config)
    if ptype is None:
        patterns = ", ".join(t.pattern for t in config.types)
        diags.error(path, 0, f"no page type in site.yaml matches '{pid}'", f"types match: {patterns}")
        return None
    lines = text.split("\n")
    if lines[0].strip() != "---":
        diags.error(path, 1, "the page must start with front matter between two '---' lines",
                    "begin the file with:\n  ---\n  title: 标题\n  ---")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        diags.error(path, 1, "the front matter is not closed", "add a line '---' after the last field")
        return None
    parsed = parse_yaml("\n".join(lines[1:end]), path, diags, first_line=2)
    if parsed is None:
        return None
    meta, locs = parsed
    if not isinstance(meta, dict):
        diags.error(path, 2, "the front matter must be a list of 'field: value' lines")
        return None
    fields, faulty = _validate_fields(meta, locs, ptype, path, diags)
    body_line = end + 2
    try:
        body = protect("\n".join(lines[end + 1:]))
    except MarkupError as exc:
        body_text = "\n".join(lines[end + 1:])
        line = body_line + body_text.count("\n", 0, exc.offset)
        col = exc.offset - (body_text.rfind("\n", 0, exc.offset) + 1) + 1
        diags.error(path, line, str(exc), exc.hint, col=col)
        return None
    if "title" in faulty:  # so that the rest of the page is still checked; the build stops at its mistake
        fields["title"] = protect(pid)
    markup_rules = tuple(r for value in fields.values() if isinstance(value, Text) for r in value.rules)
    title = body.title or fields["title"].title
    if title is not None:  # -{T|...}- sets the title each variant displays
        fields["title"] = Text(chr(PLACEHOLDER_BASE), (Block("choice", rule=title.rule),))
    tokens = markdown.parse(body.source, body.blocks, config.allow_html)
    layers = (markup_rules, tuple(fields.get("glossary", ())))
    page = Page(pid, ptype, str(path), path.relative_to(config.root).as_posix(), fields, fields["title"],
                markdown.pack_references([]),
                markdown.anchors(tokens), body.blocks, body_line, layers,
                markdown.pack(tokens), *Page.as_written(text, locs), stated=fields.get("changed"),
                draft=bool(fields.get("draft")), faulty=tuple(sorted(faulty)))
    page.unfinished = unfinished.found(page, placeholders.get(ptype.name, unfinished.NONE), lines[end + 1:])
    for problem in markdown.problems(tokens):
        line, col = page.locate(problem.line, problem.raw)
        diags.error(path, line, problem.message, problem.hint, col=col)
    refused = _refused_addresses(page, markdown.addresses(tokens, body.blocks, config.allow_html), diags)
    page.references = [named for ref in markdown.references(tokens, body.blocks, config.allow_html)
                       if ref.target not in refused and (named := _named_file(ref, page, config.root, diags))]
    return None if refused else page


def _named_file(ref: markdown.Reference, page: Page, root: Path, diags: Diagnostics) -> markdown.Reference | None:
    """``ref``, with a Markdown link's or image's path made the file it names below the site's folder
    (a link to a page's file, a link to that page); None for an address on the web, or a mistake
    (reported): a path out of content/ and static/, a file that is not there, an image that is none."""
    if ref.kind not in markdown.FILE_KINDS:
        return ref
    try:
        named = files.local(ref.target, page.source)
    except files.Outside:
        line, col = page.locate(ref.line, ref.raw)
        diags.error(page.path, line, f"'{ref.target}' leads out of content/ and static/, which alone are published",
                    "put the file in static/ (or beside the page, for an image) and write its path from here",
                    col=col)
        return None
    if named is None:
        return None
    problem = ""
    if not (root / named.path).is_file():
        problem = f"no file {named.path}" + (f" (from '{ref.raw}')" if ref.raw != "/" + named.path else "")
    elif ref.kind == "image" and not named.is_image:
        problem = f"'{ref.target}' is no image: a page shows {', '.join(sorted(files.IMAGE_SUFFIXES))}"
    if problem:
        line, col = page.locate(ref.line, ref.raw)
        hint = (f"a page is linked by its path from this file, or by its id: [[{named.page}]]" if named.page else
                "the path is relative to this file, or starts with /static/ for static/")
        diags.error(page.path, line, problem, hint, col=col)
        return None
    if named.page is not None:
        return ref._replace(kind="link", target=named.page, anchor=named.anchor)
    return ref._replace(target=named.path)


def _refused_addresses(page: Page, addresses: list[tuple[str, int]], diags: Diagnostics) -> set[str]:
    """The addresses of the body's links that no reader may follow (see ``urls.refused``), each reported."""
    refused = set()
    for address, line in addresses:
        problem = urls.refused(address)
        if problem is not None:
            at, col = page.locate(line, address)
            diags.error(page.path, at, f"the link to '{address}': {problem}", urls.LINK_HINT, col=col)
            refused.add(address)
    return refused


def _validate_fields(meta: dict[Any, Any], locs: LocMap, ptype: PageType, path: Path,
                     diags: Diagnostics) -> tuple[dict[str, Any], set[str]]:
    """The fields that are right, and the names of those missing or wrong (each reported)."""
    specs = ptype.every_field
    required = {"title"} | {f.name for f in ptype.fields if f.required}
    fields: dict[str, Any] = {}
    faulty = required - meta.keys()
    for name in sorted(faulty):
        diags.error(path, 1, f"the field '{name}' is missing", f"add a line '{name}: ...' to the front matter")
    for name, value in meta.items():
        line, col = locs.get((name, "__key__"), (1, 0))
        if name not in specs:
            close = difflib.get_close_matches(str(name), specs, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"fields of a {ptype.name}: {', '.join(sorted(specs))}"
            diags.error(path, line, f"unknown field '{name}'", hint, col=col)
            faulty.add(str(name))
            continue
        written = Written(name, path, locs, diags)
        try:
            fields[name] = specs[name].kind.parse(value, written)
        except FieldError as problem:
            written.fail(problem)
            faulty.add(name)
    return fields, faulty


def _load_mapping(path: Path, diags: Diagnostics) -> tuple[Any, LocMap] | None:
    text = read_text(path, diags)
    return parse_yaml(text, path, diags) if text is not None else None


def _load_sources(path: Path, diags: Diagnostics) -> dict[str, Source] | None:
    """The sources; one with a mistake is reported and kept, so that citing it is no mistake too."""
    parsed = _load_mapping(path, diags)
    if parsed is None:
        return None
    data, locs = parsed
    if not isinstance(data, dict):
        diags.error(path, 1, "sources.yaml maps each key to a source")
        return None
    sources = {}
    for key, entry in data.items():
        line = locs.get((key, "__key__"), (1, 0))[0]
        if not isinstance(entry, dict) or "title" not in entry:
            diags.error(path, line, f"source '{key}' needs at least a title")
            sources[str(key)] = Source(str(key), SOURCE_TYPES["other"], {}, line)
            continue
        unknown = sorted(set(entry) - SOURCE_FIELDS)
        if unknown:
            diags.error(path, locs.get((key, unknown[0], "__key__"), (line, 0))[0], f"unknown field '{unknown[0]}' "
                        f"in source '{key}'", f"fields of a source: {', '.join(sorted(SOURCE_FIELDS))}")
        kind = entry.get("type", "other")
        if not isinstance(kind, str) or kind not in SOURCE_TYPES:
            diags.error(path, locs.get((key, "type"), (line, 0))[0], "unknown source type",
                        f"types: {', '.join(SOURCE_TYPES)}")
            kind = "other"
        for field_name, value in entry.items():
            problem = None if field_name == "type" else _source_value(field_name, value)  # the type: above
            if problem is not None:
                diags.error(path, locs.get((key, field_name), (line, 0))[0],
                            f"source '{key}', '{field_name}': {problem[0]}", problem[1])
        sources[str(key)] = Source(str(key), SOURCE_TYPES[kind], dict(entry), line)
    return sources


#: The fields of a source that may list several people.
SOURCE_NAMES = {"author", "editor"}


def _source_value(name: str, value: Any) -> tuple[str, str] | None:
    """What is wrong with the value of a source's field, with a hint, if anything: an address must
    be one readers may follow, names a text or a list of texts, the rest text."""
    if name == "url":
        problem = urls.refused(value)
        return None if problem is None else (problem, urls.LINK_HINT)
    for item in value if name in SOURCE_NAMES and isinstance(value, list) else [value]:
        if not isinstance(item, str) and name in SOURCE_NAMES:  # a number is text as written (sourcetext.Unquoted)
            return "expected a text or a list of texts", "for example: author: [沈志华, 李丹慧]"
        if not isinstance(item, str):
            return not_text(item)
        try:
            protect(item)
        except MarkupError as exc:
            return str(exc), exc.hint
    return None


def _load_tags(path: Path, diags: Diagnostics) -> dict[str, Text] | None:
    parsed = _load_mapping(path, diags)
    if parsed is None:
        return None
    data, locs = parsed
    if not isinstance(data, dict):
        diags.error(path, 1, "tags.yaml maps each tag's slug to its name", "e.g. sino-soviet-relations: 中苏关系")
        return None
    tags = {}
    for slug, title in data.items():
        line = locs.get((slug, "__key__"), (1, 0))[0]
        if not ID_SEGMENT.match(str(slug)):
            diags.error(path, line, f"tag '{slug}': write it as 'ascii-slug: 中文名'",
                        "e.g. sino-soviet-relations: 中苏关系")
            continue
        if not isinstance(title, str):  # a number is text as written (see sourcetext.Unquoted)
            message, hint = not_text(title)
            diags.error(path, line, f"tag '{slug}': {message}", hint)
            continue
        try:
            tags[str(slug)] = protect(title)
        except MarkupError as exc:
            diags.error(path, line, str(exc), exc.hint)
    return tags


def _load_glossary(path: Path, diags: Diagnostics) -> tuple[Rule, ...] | None:
    parsed = _load_mapping(path, diags)
    if parsed is None:
        return None
    data, locs = parsed
    if not isinstance(data, list):
        diags.error(path, 1, "glossary.yaml is a list of entries", "- {zh-hans: 维辛斯基, zh-hant: 維辛斯基}")
        return None
    rules = []
    for i, entry in enumerate(data):
        found = rule(entry)
        if found is None:
            diags.error(path, locs.get((i,), (1, 0))[0], GLOSSARY_ENTRY, GLOSSARY_HINT)
        else:
            rules.append(found)
    return tuple(rules)

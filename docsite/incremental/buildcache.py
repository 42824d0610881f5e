"""The one cache object a build is given: what builds keep for the builds after them.

``BuildCache()`` keeps nothing (a cold build: every part is made); ``BuildCache(stored=True)`` keeps
each part of the output in .cache/ (the command line, see cache.py); with ``memory=True`` it also
keeps, between builds in one process (the preview server), what makes an edit cheap to rebuild:
pages loaded by their file's signature (their tokens packed), each variant's conversions of what
many pages show (titles, summaries, labels), each page's lint warnings, digests of each page's HTML
and of what it was rendered from, the compiled templates, the parts of the output with what they
read (not their files: the output folder and the store hold them), the values the views remember
(each page's description, each event's timeline entry and record), the last good build's keys and
the digests of what parts read, the search index's pieces and the values' fingerprints. What it
keeps in memory is bounded by the site: what each file of the output was made from, and what the
last two builds used of conversions and fingerprints; a change to site.yaml or a template starts it
afresh (a file of static/ does not: see cache.shared_files).

With ``persisted=True`` (the command line), the part of that memory which lets a build after an edit
look only at what changed is kept in .cache/ between builds (``save``, ``restore``): the pages
loaded by their file's signature, the last good build's site and keys, each part's key and reads
(not its output: the output folder and the store hold it), each page's lint warnings, the 404
page, the search index's pieces and what they were made of (so that an edit changes only the edited
pages' lines in it, see search.Memo.kept), what was read in pinyin (text/pinyin.py: a page
parsed again needs no dictionary for the headings and names it had); as a
base and the changes since it (see kept.py); and the compiled templates (Jinja's bytecode cache).
Not kept: what is quicker to make again than to read (the converters' memory) or is as large as the
site's HTML. The preview server starts from what the command line kept, and does not write that
memory back: it holds its own.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import defaultdict
from collections.abc import Collection, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from docsite.diagnostics import program
from docsite.incremental import FOLDER, cache, kept
from docsite.incremental.program import digest as program_digest
from docsite.incremental.reads import Fingerprints, Memo
from docsite.model.config import SiteConfig, Variant
from docsite.model.site import Site
from docsite.stages import search
from docsite.stages.load import LoadCache
from docsite.stages.render import Missing, RenderMemo, environment
from docsite.text import pinyin
from docsite.text.lint import LintMemo
from docsite.text.variants import Converter, Rule


@dataclass
class BuildCache:
    """See the module's docstring; the pipeline asks it for each thing a build may take from before."""

    stored: bool = False
    memory: bool = False
    persisted: bool = False
    held: bool = False  # the output goes to a folder holding the last good build's (see cache.Recall)
    keeps: bool = True  # the store keeps what the build made (see cache.Store, commands/check.py)
    folder: Path | None = None  # that folder, where the preview reads back pages not rendered again
    stamp: bytes = b""  # of the files every page is made with, when the memory was filled
    files: LoadCache = field(default_factory=LoadCache)
    glossary: tuple[Rule, ...] = ()
    converters: dict[Variant, Converter] = field(default_factory=dict)  # for ``glossary``
    rendered: RenderMemo = field(default_factory=RenderMemo)
    parts: dict[str, cache.Kept] = field(default_factory=dict)
    env: jinja2.Environment | None = None
    keys: cache.Keys | None = None  # the last good build's
    search_memo: search.Memo = field(default_factory=search.Memo)
    fingerprints: Fingerprints = field(default_factory=Fingerprints)
    lint: LintMemo = field(default_factory=dict)
    not_found: NotFound | None = None  # the last 404 page made
    remembered: dict[str, defaultdict[str, Memo]] = field(default_factory=dict)  # by variant (views.Localizer.memos)
    base: kept.Base | None = None  # of what ``restore`` read

    def begin(self, root: Path) -> cache.Keys | None:
        """Start a build: forget everything when what every page is made with has changed. Returns
        the last good build's keys: until this build is good, no build follows them, for what a
        failed build put in the memory may not agree with them."""
        if not (self.memory or self.persisted):
            return None
        stamp = cache.files_digest(root, cache.shared_files(root))
        if stamp != self.stamp:
            self.__dict__.update(BuildCache(stored=self.stored, memory=self.memory, persisted=self.persisted,
                                            held=self.held, keeps=self.keeps, folder=self.folder,
                                            stamp=stamp).__dict__)
        self.rendered.begin()
        previous, self.keys = self.keys, None
        return previous

    def images(self, root: Path) -> Path | None:
        """Where the images processed are kept (see stages/images.py), if this cache keeps them."""
        return root / FOLDER / "images" if self.stored else None

    def loading(self) -> LoadCache | None:
        return self.files if self.memory or self.persisted else None

    def environment(self, config: SiteConfig) -> jinja2.Environment:
        if self.env is None or not self.memory:
            self.env = environment(config, _CompiledTemplates.kept(config.root / FOLDER / "templates")
                                   if self.stored else None)
        return self.env

    def converter(self, variant: Variant, glossary: tuple[Rule, ...]) -> Converter:
        """A variant's converter, kept (with all it converted) while the glossary is the same. The
        pages rendered are forgotten when it changes: the templates' own words (the ``t`` filter)
        are converted with it, and a page's view may not show the change."""
        if not self.memory:
            return Converter(variant.code, variant.opencc, glossary)
        if glossary != self.glossary:
            self.glossary, self.converters, self.rendered = glossary, {}, RenderMemo()
        if variant not in self.converters:
            self.converters[variant] = Converter(variant.code, variant.opencc, glossary)
        return self.converters[variant]

    def view_memos(self, variant: Variant) -> defaultdict[str, Memo] | None:
        """What a variant's views remember, if this cache keeps a memory: values many parts show."""
        return self.remembered.setdefault(variant.code, defaultdict(Memo)) if self.memory else None

    def recall(self, site: Site, names: list[str], previous: cache.Keys | None) -> cache.Recall:
        """The parts ``names`` of ``site``'s output, as made before or to be made now (see cache.Recall)."""
        keys = cache.Keys(site, cache.stamp(site), self.fingerprints, previous)
        for memo in self._remembered():
            memo.begin(keys.still)
        store = cache.Store(site.config.root, _warn, self.keeps) if self.stored else cache.NoStore()
        memory: MutableMapping[str, cache.Kept] = self.parts if self.memory or self.persisted else cache.Forgetful()
        return cache.Recall(names, keys, store, memory, entries=self.memory, held=self.held)

    def memos(self) -> tuple[RenderMemo | None, search.Memo | None]:
        """What rendering and the search page remember, if this cache keeps a memory."""
        self.rendered.folder, self.rendered.held = self.folder, self.held
        return (self.rendered if self.memory else None, self.search_memo if self.memory or self.persisted else None)

    def lint_memo(self) -> LintMemo | None:
        """What the conversion lint found on each page, if this cache keeps a memory."""
        return self.lint if self.memory or self.persisted else None

    def end(self, recall: cache.Recall, good: bool, files: Collection[str], whole: bool = True) -> None:
        """Finish a build: what a good one made is kept, and its keys followed. The memory keeps
        what each of the output's ``files`` was made from, and of the rest what the last two builds
        used (conversions, fingerprints, the search index's pieces). A build that made part of the
        site (not ``whole``, see pipeline.build) forgets nothing: the next one makes the rest, and
        looks at what this one did not (see cache.Keys)."""
        for memo in self._remembered():
            memo.end(good, whole)
        if not good:
            recall.abandon()
        else:
            recall.commit(whole)
            if self.memory or self.persisted:
                self.keys = recall.keys
                self.keys.whole = whole
                if whole:
                    self.search_memo.turn()
            if whole and self.memory:
                self.rendered.keep_only(files)
                self.fingerprints.turn()
                for converter in self.converters.values():
                    converter.turn()
        recall.store.close()


    def _remembered(self) -> list[Memo]:
        return [memo for memos in self.remembered.values() for memo in memos.values()]

    def save(self, root: Path, token: str) -> None:
        """Keep in .cache/ what ``persisted`` names, as the build ``token`` (the record of the last
        build names its own, see lastbuild.py) left it; a cache that cannot be written costs time only."""
        memory = kept.Memory(self.stamp, self.keys, self.parts, self.lint, self.files.pages, self.files.data,
                             self.not_found, self.search_memo.kept(), pinyin.known(), kept.site_tables(self.keys))
        with contextlib.suppress(OSError):
            kept.save(root / FOLDER, memory, token, self.base)

    @classmethod
    def restore(cls, root: Path, record: dict[str, Any] | None, held: bool = False,
                preview: Path | None = None) -> BuildCache:
        """The command line's cache, or the preview server's (``preview``: its output folder), with
        what ``save`` kept for the last good build (``record``, see lastbuild.py; None: none), if
        this program kept it; else empty, and said so when what was kept cannot be read; ``held``:
        whether the output folder holds that build's files (which may be told after). Pages
        saved within the tick of that build's look at them (its racy ones) are loaded again if
        their content changed (their signatures may not tell). The
        preview starts from it as a build from the command line does: its first build then
        parses, lints and indexes only what changed since, not the whole site."""
        made = cls(stored=True, memory=preview is not None, persisted=preview is None, held=held, folder=preview)
        try:
            found = kept.restore(root / FOLDER, record["token"] if record else None)
        except kept.Damaged as damaged:
            _warn(f"{damaged}; building without what the last build kept")
            return made
        if found is not None:
            memory, made.base = found
            made.stamp, made.keys, made.parts, made.lint, made.not_found = (
                memory.stamp, memory.keys, memory.parts, memory.lint, memory.not_found)
            made.files = LoadCache(memory.pages, memory.data)
            made.search_memo = search.Memo.restored(memory.search, held)
            pinyin.learn(memory.pinyin)
            content = os.path.join(root, "content", "")
            for path in record["racy"] if record else ():  # its signature may hold while its content changed
                below = path[len(content):].replace(os.sep, "/")  # as the memory names it (see load.LoadCache)
                if path.startswith(content) and below in made.files.pages:  # so its content is compared (see load.py)
                    made.files.pages[below] = ((), made.files.pages[below][1])
        return made


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's own cache of compiled templates, in .cache/templates/: compiling a site's templates
    costs a process 65 ms (each process that renders pages), reading them 4 ms. Jinja knows a
    template there by its name and source; the files' names add this program, which decides how
    templates compile (the loader's compaction, the environment's options): other programs' are
    removed. A file that cannot be written costs time only."""

    @classmethod
    def kept(cls, folder: Path) -> _CompiledTemplates | None:
        mine = program_digest().hex()[:16]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for stale in folder.iterdir():
                if not stale.name.startswith(mine):
                    stale.unlink()
        except OSError:
            return None
        return cls(str(folder), f"{mine}-%s.cache")

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class NotFound(NamedTuple):
    """The 404 page as made (``missing``), with what it was made from: a digest of the ids it lists,
    the paths it read of the site and its key (as a part's, see cache.Keys)."""

    ids: bytes
    key: str
    read: cache.Paths
    missing: Missing



def _warn(message: str) -> None:
    """A problem of the machine the build runs on, not of the site: one line on standard error."""
    print(f"{program()}: warning: {message}", file=sys.stderr)

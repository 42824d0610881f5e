"""What a build reports: its diagnostics, what it made and, for the tests and the preview, how."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field

from docsite.diagnostics import Diagnostics


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    files: MutableMapping[str, bytes] = field(default_factory=dict)
    pages_per_variant: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # about the output as a whole, for the deployer
    seconds: float = 0.0
    work: Work = field(default_factory=lambda: Work())
    deferred: bool = False  # only the pages asked for first were made (see pipeline.build)

    @property
    def ok(self) -> bool:
        return not self.diagnostics.errors


@dataclass
class Work:
    """What a build did, as it went: the pages it parsed (by id), the parts of the output it made
    and those it recalled from its cache (by cache.name), the HTML files it rendered (not taken from
    the preview server's memory), the processes that parsed pages, made parts and merged the search
    indexes, the images it processed (not taken from .cache/images/), and of what the whole site has
    once, what it made again rather than took from its cache (the 404 page: ``NOT_FOUND``)."""

    parsed: list[str] = field(default_factory=list)
    made: list[str] = field(default_factory=list)
    recalled: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    parsers: set[int] = field(default_factory=set)
    makers: set[int] = field(default_factory=set)
    indexers: set[int] = field(default_factory=set)
    images: list[str] = field(default_factory=list)
    whole: list[str] = field(default_factory=list)

    def note_parsed(self, pid: str, process: int) -> None:
        self.parsed.append(pid)
        self.parsers.add(process)

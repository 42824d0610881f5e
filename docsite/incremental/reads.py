"""The one way a part of the output reads the site: ``Reading``, which notes each path it reads.

A part (a variant's page, content or generated, with the data files made with it) is made from
the site through a ``Reading`` of it, never from the site itself. A path is what was read, from
the site down (steps apart by SEP, written / here): attributes of records (``chronology/overview``),
keys of mappings (``titles/周恩来``), both (``pages/people/a/fields``), whether a key is there
(``pages/people/a/PRESENT``), or a whole mapping when the part went through it all (``pages``).
Records and mappings are entered as they are read, down to the fields of the records that
mappings hold (a page's fields, its type, its body, each read whole), so a part that shows another
page's title notes that page's front matter, not its body. A record is read whole (its path
noted) when a reader takes what it keeps apart from its fields (a page's parsed body,
``compare=False``): that is made from the whole record. So a part's key is made of what it read
by construction: a new field, a new record of the resolved site or a new generated page is noted
as soon as something reads it, and there is no list of them to keep.

``Fingerprints`` hashes a value canonically (the same in every process, whatever its hash seed);
``changes`` finds the paths whose values differ between two sites.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import PurePath
from types import FunctionType, MethodType
from typing import Any, TypeVar

from docsite.model.fields import FieldKind

T = TypeVar("T")
#: What was read: attribute names and mapping keys from the site down (see the module's docstring),
#: each after a SEP: one string, whose hash Python keeps (parts are checked by the thousand).
Read = str
SEP = "\x1f"
#: The last step of a path that asks whether a mapping has a key, not what it holds there.
PRESENT = "\x1dpresent"


def steps(path: Read) -> list[str]:
    return path.split(SEP)[1:]


def prefixes(path: Read) -> Iterator[Read]:
    """``path`` and the paths above it, up to the site's attribute."""
    while path:
        yield path
        path = path.rpartition(SEP)[0]
#: What a path leads to when nothing is there.
ABSENT = object()


class Reads:
    """The paths read so far, for the part being made; ``apart`` collects a memo's reads on their own."""

    def __init__(self) -> None:
        self.paths: set[Read] = set()

    def note(self, path: Read) -> None:
        self.paths.add(path)

    def sorted(self) -> tuple[Read, ...]:
        return tuple(sorted(self.paths))

    @contextmanager
    def apart(self) -> Iterator[set[Read]]:
        """The reads made inside the block, kept apart and then added to these."""
        outer, self.paths = self.paths, set()
        try:
            yield self.paths
        finally:
            outer |= self.paths
            self.paths = outer


class Reading:
    """``target`` (the site, or a record in it) as its readers see it, each path they read noted in
    ``reads``. Methods and properties of the target run on the reading, so that what they read is
    noted too; it passes for the target's class (``isinstance``)."""

    def __init__(self, target: Any, reads: Reads, path: Read = "", deep: bool = True):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_reads", reads)
        object.__setattr__(self, "_deep", deep)  # False: its fields are read whole

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(self._target)

    def __getattr__(self, name: str) -> Any:
        """What is read of ``name`` (only called the first time, for a method, a mapping or a
        record: those are kept as attributes of the reading, and note their own reads)."""
        kind, member = _member(type(self._target), name)
        if kind == "property":
            return member.fget(self)
        if kind == "method":
            value = MethodType(member, self)
            object.__setattr__(self, name, value)
            return value
        value = getattr(self._target, name)
        if kind == "read":
            read = _read(value, self._path + SEP + name, self._reads, DEEP if self._deep else WHOLE)
            if read is not value:
                object.__setattr__(self, name, read)
            return read
        if kind == "kept":  # made from the whole record
            self._reads.note(self._path)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        """What a record keeps apart (a page's parsed body) is kept by the record itself."""
        setattr(self._target, name, value)


def _member(kind: type, name: str) -> tuple[str, Any]:
    """How a reader reads ``name`` of a record of class ``kind``: by a method or a property run on
    the reading; a field (compared) or a value computed once from the record (read, as a path of
    its own); what the record keeps apart (read as the whole record); or the class's own constant."""
    if (kind, name) not in _MEMBERS:
        _MEMBERS[kind, name] = _classified(kind, name)
    return _MEMBERS[kind, name]


#: ``_member`` by class and name: the records' classes and their attributes, a few hundred at most.
_MEMBERS: dict[tuple[type, str], tuple[str, Any]] = {}


def _classified(kind: type, name: str) -> tuple[str, Any]:
    member = inspect.getattr_static(kind, name, None)
    fields = {spec.name: spec for spec in dataclasses.fields(kind)} if dataclasses.is_dataclass(kind) else {}
    if isinstance(member, FunctionType):
        return "method", member
    if isinstance(member, property) and member.fget is not None:
        return "property", member
    if (name in fields and fields[name].compare) or isinstance(member, cached_property):
        return "read", None
    if name in fields or member is None:
        return "kept", None
    return "constant", None


class _MappingReading(Mapping[str, Any]):
    """A mapping of the site: a key asked for is noted (whether it is there, then what of its value
    is read), going through them all notes the mapping."""

    __slots__ = ("_data", "_path", "_reads")

    def __init__(self, data: Mapping[str, Any], path: Read, reads: Reads):
        self._data, self._path, self._reads = data, path, reads

    def _at(self, key: object) -> Read | None:
        """The path of ``key``; None for a key that is no string, or holds SEP (the mapping is read
        whole). Reading what a key holds notes that, and so whether it is there; asking whether it
        is there notes only that."""
        if not isinstance(key, str) or SEP in key:
            self._reads.note(self._path)
            return None
        return self._path + SEP + key

    def __getitem__(self, key: str) -> Any:
        path = self._at(key)
        value = self._data[key]
        return value if path is None else _read(value, path, self._reads, HELD)

    def __contains__(self, key: object) -> bool:
        path = self._at(key)
        if path is not None:
            self._reads.note(path + SEP + PRESENT)
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        path = self._at(key)
        if key in self._data:
            return self._data[key] if path is None else _read(self._data[key], path, self._reads, HELD)
        if path is not None:
            self._reads.note(path + SEP + PRESENT)
        return default

    def __iter__(self) -> Iterator[str]:
        self._reads.note(self._path)
        return iter(self._data)

    def __len__(self) -> int:
        self._reads.note(self._path)
        return len(self._data)


#: How a value is read (see ``_read``).
DEEP, HELD, WHOLE = "deep", "held", "whole"


def _read(value: Any, path: Read, reads: Reads, how: str) -> Any:
    """``value``, read at ``path``: a mapping is entered key by key, a record field by field (one
    ``HELD`` by a mapping down to its fields only, which are read ``WHOLE``); anything else, and
    anything read whole, is noted."""
    if how == WHOLE or not (isinstance(value, Mapping) or _is_record(value)):
        reads.note(path)
        return value
    if how == HELD:  # what of it is read is noted as it is read; that it is there, now
        reads.note(path + SEP + PRESENT)
    if isinstance(value, Mapping):
        return _MappingReading(value, path, reads)
    return Reading(value, reads, path, deep=how == DEEP)


def remembered(site: Any, memo: Memo | None, key: Any, make: Callable[[], T]) -> T:
    """``make()``, kept in ``memo`` by ``key`` across parts: the paths it read are kept with it and
    noted again for each part that takes it from ``memo``, so that a memo hides no read. Made from
    the site itself (not a reading: outside the making of parts), it is not kept; nor without a
    ``memo``."""
    if memo is None:
        return make()
    if not isinstance(site, Reading):
        return memo[key][0] if key in memo else make()
    if key not in memo:
        with site._reads.apart() as paths:
            value = make()
        memo[key] = (value, tuple(map(sys.intern, sorted(paths))))  # shared by the values and parts that read them
    value, read = memo[key]
    site._reads.paths.update(read)
    return value


class Memo(dict[Any, tuple[Any, tuple[Read, ...]]]):
    """What ``remembered`` keeps: each value with the paths it read, sorted. In the preview a memo
    lives from build to build: a build takes over a value the last good build had, while nothing
    it read has changed since (``still``, see cache.Keys), as a part's output is taken over."""

    def __init__(self) -> None:
        super().__init__()
        self.earlier: dict[Any, tuple[Any, tuple[Read, ...]]] = {}
        self.still: Callable[[tuple[Read, ...]], bool] | None = None

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        kept = self.earlier.get(key)
        if kept is None or self.still is None or not self.still(kept[1]):
            return False
        self[key] = kept
        return True

    def begin(self, still: Callable[[tuple[Read, ...]], bool]) -> None:
        """A build starts, whose values have changed where ``still`` says not."""
        self.clear()
        self.still = still

    def end(self, good: bool, whole: bool = True) -> None:
        """A build is done: a good one's values are what the next takes over, with those before
        that it did not ask for and that hold still; a failed one's are forgotten. After a build
        of part of the site (not ``whole``) those before are kept unasked: the next build's keys
        tell from the changes of both whether they hold still (see cache.Keys)."""
        if good:
            still = self.still  # None: a memo that began with this build, which has nothing before
            if whole:
                self.earlier = {key: kept for key, kept in self.earlier.items()
                                if still is not None and not dict.__contains__(self, key) and still(kept[1])}
            self.earlier.update(self)
        self.clear()
        self.still = None


def value_at(root: Any, path: Read) -> Any:
    """What ``path`` leads to from ``root``, or ABSENT; for a path ending in PRESENT, whether the key is there."""
    if path.endswith(SEP + PRESENT):
        above, _, key = path[:-len(SEP + PRESENT)].rpartition(SEP)
        container = value_at(root, above)
        return isinstance(container, Mapping) and key in container
    value = root
    for step in steps(path):
        if isinstance(value, Mapping):
            value = value.get(step, ABSENT)
        elif _is_record(value):
            value = getattr(value, step, ABSENT)
        else:
            return ABSENT
        if value is ABSENT:
            return ABSENT
    return value


class Fingerprints:
    """Canonical hashes of values (the same in every process, whatever its hash seed), kept by the
    values' identity while they are asked for: a page loaded once is hashed once, in the preview
    server however many builds follow. ``turn`` (after a build) forgets what the build did not ask for."""

    def __init__(self) -> None:
        self._now: dict[int, tuple[Any, bytes]] = {}
        self._earlier: dict[int, tuple[Any, bytes]] = {}

    def __call__(self, value: Any) -> bytes:
        kept = self._now.get(id(value)) or self._earlier.get(id(value))
        if kept is None or kept[0] is not value:
            out: list[bytes] = []
            if _is_record(value):
                self._fields(value, out)
            else:
                self._encode(value, out)
            kept = (value, hashlib.sha256(b"".join(out)).digest())
        self._now[id(value)] = kept
        return kept[1]

    def turn(self) -> None:
        self._earlier, self._now = self._now, {}

    def _encode(self, value: Any, out: list[bytes]) -> None:
        """Equal values give equal bytes (put in ``out``): sets are sorted, a record is its class
        and its compared fields (each record by its own fingerprint, kept). A value of another
        kind is an error: the cache would not know it. One call a value, its class's form looked
        up once (``_form``): every value a build's parts read goes through it."""
        kind = type(value)
        if kind is str:
            out.append(b"s%d:" % len(value) + value.encode("utf-8", "surrogatepass"))
            return
        form = _FORMS.get(kind) or _form(kind)
        if form == "list":
            out.append(b"[%d:" % len(value))
            for item in value:
                self._encode(item, out)
        elif form == "record":
            out.append(b"#" + self(value))
        elif form == "plain":
            out.append(f"{kind.__name__}:{value!r}\0".encode())
        elif form == "text":
            self._encode(str(value), out)
        elif form == "bytes":
            out.append(b"b%d:" % len(value) + value)
        elif form == "mapping":
            out.append(b"{%d:" % len(value))
            for key, item in value.items():
                self._encode(key, out)
                self._encode(item, out)
        elif form == "set":
            out.append(b"<%d:" % len(value))
            items = []
            for item in value:
                encoded: list[bytes] = []
                self._encode(item, encoded)
                items.append(b"".join(encoded))
            out.extend(sorted(items))
        elif form == "kind":  # one object per kind, without state: known by its class
            out.append(f"&{kind.__module__}.{kind.__qualname__}:".encode())
        elif value is ABSENT:
            out.append(b"-")
        else:
            raise TypeError(f"no canonical form for a {kind.__qualname__} in the site")

    def _fields(self, record: Any, out: list[bytes]) -> None:
        """A record: its class and its compared fields."""
        head, names = _compared(type(record))
        out.append(head)
        for name in names:
            self._encode(getattr(record, name), out)


#: The form of each class of values met (see ``_form``).
_FORMS: dict[type, str] = {}


def _form(kind: type) -> str:
    """How ``Fingerprints`` encodes values of class ``kind``: the first rule that holds for it."""
    rules = [("plain", (type(None), bool, int, float)), ("text", (str, PurePath, dt.date)), ("bytes", (bytes,)),
             ("list", (list, tuple)), ("mapping", (Mapping,)), ("set", (set, frozenset))]
    form = next((form for form, classes in rules if issubclass(kind, classes)), "other")
    if form == "other" and dataclasses.is_dataclass(kind):
        form = "record"
    elif form == "other" and issubclass(kind, FieldKind):
        form = "kind"
    _FORMS[kind] = form
    return form


def _compared(kind: type) -> tuple[bytes, tuple[str, ...]]:
    """What a record of class ``kind`` starts with, and the names of its compared fields."""
    found = _COMPARED.get(kind)
    if found is None:
        found = _COMPARED[kind] = (f"@{kind.__module__}.{kind.__qualname__}:".encode(),
                                   tuple(spec.name for spec in dataclasses.fields(kind) if spec.compare))
    return found


#: Each record class's ``_compared``.
_COMPARED: dict[type, tuple[bytes, tuple[str, ...]]] = {}


def _is_record(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def changes(before: Any, now: Any, fingerprint: Callable[[Any], bytes], path: Read) -> Iterator[tuple[Read, bool]]:
    """The paths, from ``path`` down, whose values differ from ``before`` to ``now``, each with
    whether what was below it may have been read (a mapping or a record there was replaced by
    something else, came or went). The same object has not changed; records are compared field by field and
    mappings key by key, as readers read them; other values by their fingerprint."""
    if before is now:
        return
    if isinstance(before, Mapping) and isinstance(now, Mapping):
        keys = before.keys() | now.keys()
        if not all(isinstance(key, str) for key in keys):  # read whole (see _MappingReading)
            if fingerprint(before) != fingerprint(now):
                yield path, True
            return
        for key in keys:
            there = (key in before, key in now)
            if there != (True, True):
                yield path + SEP + key + SEP + PRESENT, False
                yield path + SEP + key, _entered(before.get(key), now.get(key))
            else:
                yield from changes(before[key], now[key], fingerprint, path + SEP + key)
    elif _is_record(before) and type(before) is type(now):
        for spec in dataclasses.fields(before):
            if spec.compare:
                yield from changes(getattr(before, spec.name), getattr(now, spec.name), fingerprint,
                                   path + SEP + spec.name)
        for name in _computed(type(before)):  # values computed once from the record (functools.cached_property)
            yield from changes(getattr(before, name), getattr(now, name), fingerprint, path + SEP + name)
    elif fingerprint(before) != fingerprint(now):
        yield path, _entered(before, now)


def _entered(*values: Any) -> bool:
    """Whether readers may have read below any of ``values``: a mapping or a record, entered as read."""
    return any(isinstance(value, Mapping) or _is_record(value) for value in values)


def _computed(kind: type) -> list[str]:
    """The names of ``kind``'s values computed once from a record (functools.cached_property)."""
    if kind not in _COMPUTED:
        members = inspect.getmembers_static(kind)
        _COMPUTED[kind] = [name for name, member in members if isinstance(member, cached_property)]
    return _COMPUTED[kind]


#: ``_computed`` by class: a few.
_COMPUTED: dict[type, list[str]] = {}

"""Chinese text read in pinyin (pypinyin's ``lazy_pinyin``: syllables without tones), remembered.

Headings' fragments (text/fragments.py) and search's readings of names (text/searchtext.py) are
made of it. pypinyin's dictionaries take a quarter of a second to load, as much as the rest of
a command-line build after an edit to a page's text; so what a process has read is kept, collected
from the processes of a build (``since``, ``learn``) and kept in .cache/ between builds (see
incremental/kept.py: a build by another program or pypinyin keeps nothing of it). A build after an
edit then reads only new text, and loads no dictionary when there is none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from itertools import islice

from docsite.text import opencc_fast

#: What was read, by text and by whether ü is written ü (else v, as pypinyin writes it by default).
Readings = dict[tuple[str, bool], tuple[str, ...]]

_READ: Readings = {}


def read(text: str, v_to_u: bool = False) -> tuple[str, ...]:
    """``lazy_pinyin(text, v_to_u=v_to_u)``: a syllable for each Chinese character, read in its
    words; other runs of text as they are.

    Read from the text made simplified (OpenCC's t2s, which keeps its length): pypinyin's words are
    written in simplified characters, so that it reads traditional text a character at a time, and
    polyphonic characters wrong (長春 as zhang chun, 重慶 as zhong qing, 銀行 as yin xing)."""
    key = (text, v_to_u)
    found = _READ.get(key)
    if found is None:
        found = _READ[key] = tuple(_lazy_pinyin()(opencc_fast.converter("t2s").convert(text), v_to_u=v_to_u))
    return found


@cache
def _lazy_pinyin() -> Callable[..., list[str]]:
    from pypinyin import lazy_pinyin

    return lazy_pinyin


def load() -> None:
    """Load the dictionaries now: in a process about to fork those that make pages, so that they
    share one copy (some 45 MB) instead of each loading its own."""
    _lazy_pinyin()(opencc_fast.converter("t2s").convert("中文"))


def known() -> Readings:
    """Everything read so far, in the order read."""
    return _READ


def since(count: int) -> Readings:
    """What was read after the first ``count`` (for a process to tell the one that started it)."""
    return dict(islice(_READ.items(), count, None))


def learn(readings: Mapping[tuple[str, bool], tuple[str, ...]]) -> None:
    """Take what another process or an earlier build (of the same program and pypinyin) read."""
    _READ.update(readings)

"""The pinyin of each character of the CJK blocks, as pypinyin reads it alone, with which search.js
reads a query that found nothing as it sounds.

pypinyin takes about a second and a half for the 27,000 characters, as much as the rest of a small
site's build: the table is made once, by ``python -m docsite.text.readings``, and shipped in
``readings.json``. tests/test_search.py fails when the installed pypinyin reads a character
otherwise, so that a new release is taken by making the table again. (A page's names are read by
pypinyin as the build runs: see ``searchtext.pinyin_lines``.)
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("readings.json")
#: CJK Unified Ideographs Extension A, and the CJK Unified Ideographs block.
BLOCKS = (range(0x3400, 0x4DC0), range(0x4E00, 0xA000))


@cache
def shipped() -> dict[str, str]:
    """Each character's reading without tones (ü as ü), by character; a character without is left out."""
    table: dict[str, str] = json.loads(TABLE.read_text(encoding="utf-8"))
    return table


def from_pypinyin() -> dict[str, str]:
    """The table as the installed pypinyin gives it."""
    from pypinyin import lazy_pinyin

    characters = [chr(code) for block in BLOCKS for code in block]
    def none(text: str) -> Any:
        """An empty reading a character: a list keeps the items one a character, where an empty
        string (what pypinyin's types say) would be dropped."""
        return [""] * len(text)

    found = lazy_pinyin(characters, v_to_u=True, errors=none)  # one call: its per call cost would be most
    return {character: reading for character, reading in zip(characters, found, strict=True) if reading}


if __name__ == "__main__":
    TABLE.write_text(json.dumps(from_pypinyin(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")

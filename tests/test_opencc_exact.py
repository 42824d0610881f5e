"""The fast converter gives exactly what opencc-python-reimplemented gives, on a large corpus.

The corpus is made to be hard: text cut from the dictionaries' own keys and values, so that keys
overlap and nest everywhere and the order in which the reference picks them decides the output,
mixed with separators, Latin text and characters outside the Basic Multilingual Plane; plus the
shipped content as real prose.
"""

from __future__ import annotations

import random
from pathlib import Path

import opencc
import pytest

from docsite.text import opencc_fast
from docsite.text.opencc_fast import FAST_AFTER, OnDemand, converter, translation

ROOT = Path(__file__).resolve().parent.parent
SEPARATORS = [" ", "\n", "-", "，", "。", "、", "“", "”", "《", "》", "（", "）", "．", "—", "　"]
OTHER = ["Treaty of 1950 ", "1950年2月14日", "𠮷", "𩸽", "ｶﾀｶﾅ", "é", "[[people/zhou-enlai]]", "[@shen1999]"]


def _hard_text(config: str, characters: int, seed: int) -> str:
    """Random text made of the configuration's keys, their pieces and their values."""
    reference = opencc.OpenCC(config)
    words = sorted({word for group in reference._dict_chain_data for _, _, table in group
                    for key, values in table.items() for word in (key, *values.split(" "))})
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < characters:
        roll = rng.random()
        if roll < 0.55:
            piece = rng.choice(words)
        elif roll < 0.8:  # a piece of a word, so that matches overlap the ends of others
            word = rng.choice(words)
            start = rng.randrange(len(word))
            piece = word[start:rng.randint(start + 1, len(word))]
        elif roll < 0.93:
            piece = rng.choice(SEPARATORS)
        else:
            piece = rng.choice(OTHER)
        out.append(piece)
        size += len(piece)
    return "".join(out)


def _content_text() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").rglob("*.md")))


@pytest.mark.parametrize(("config", "characters"), [
    ("s2tw", 120_000), ("t2s", 120_000), ("s2twp", 40_000), ("s2hk", 40_000), ("s2t", 30_000), ("tw2sp", 30_000),
    ("t2tw", 20_000), ("hk2s", 20_000),
])
def test_same_output_as_the_reference(config: str, characters: int) -> None:
    reference = opencc.OpenCC(config)
    for seed, text in enumerate((_content_text(), _hard_text(config, characters, seed=1950))):
        expected, got = reference.convert(text), converter(config).convert(text)
        if got != expected:
            same_length = len(got) == len(expected)
            at = next(i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b) if same_length else 0
            pytest.fail(f"{config}, corpus {seed}: differs from the reference near {at}: "
                        f"{got[max(0, at - 20):at + 20]!r} != {expected[max(0, at - 20):at + 20]!r}")


@pytest.mark.parametrize(("text", "expected"), [("大斗心眼", "大鬥心眼"), ("大曲江宴", "大曲江宴")])
def test_longest_key_wins_wherever_it_starts(text: str, expected: str) -> None:
    """斗心眼 and 曲江宴 outrank 大斗 and 大曲 (大麴), which start earlier: the reference's order."""
    assert opencc.OpenCC("s2tw").convert(text) == expected
    assert converter("s2tw").convert(text) == expected


def test_every_shipped_configuration_builds() -> None:
    configs = sorted(p.stem for p in (Path(opencc.__file__).parent / "config").glob("*.json"))
    for config in configs:
        assert converter(config).convert("") == ""


@pytest.mark.parametrize("config", ["s2tw", "t2s", "s2hk"])
@pytest.mark.parametrize("given", [0, FAST_AFTER], ids=["by the reference", "by the automaton"])
def test_texts_converted_together_come_out_as_each_alone(config: str, given: int) -> None:
    """convert_many joins texts with a separator: no match may cross from one text into the next."""
    reference = opencc.OpenCC(config)
    text = _hard_text(config, 30_000, seed=14)
    rng = random.Random(2)
    cuts = sorted(rng.sample(range(1, len(text)), 3000))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    for batch in ([p for p in pieces if "\n" not in p], pieces):  # with and without texts that hold the separator
        conversion = OnDemand(config)
        conversion.given = given
        assert conversion.convert_many(batch) == [reference.convert(p) for p in batch]
    assert OnDemand(config).convert_many([]) == []


def test_the_automaton_is_built_once_its_cost_is_outweighed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few texts (an edit's) are converted by the reference, without building the automaton,
    which a process builds once it has been given ``FAST_AFTER`` characters; the output is the
    same either way."""
    built: list[str] = []
    monkeypatch.setattr(opencc_fast, "converter", lambda config: built.append(config) or converter(config))
    conversion, reference = OnDemand("s2tw"), opencc.OpenCC("s2tw")
    short = "中苏友好同盟互助条约于一九五〇年二月十四日在莫斯科签订。"
    assert conversion.convert(short) == reference.convert(short) and built == []
    long = short * (FAST_AFTER // len(short))
    assert conversion.convert(long) == reference.convert(long) and built == ["s2tw"]


def test_a_translation_maps_every_character_as_str_translate_does() -> None:
    """Characters beyond the Basic Multilingual Plane (OpenCC's tables hold about 1,100, and
    conversion markup leaves private-use ones in the text) are mapped, or kept, as by a dict."""
    table = {ord("发"): "發", ord("𠀾"): "𠁀", ord("丟"): "𢇁", ord("𪚥"): "龘"}
    translate = translation(table)
    for text in ["出发", "𠀾发𪚥", "丟\U000f0000发", "\U000f0001", "", "abc 𠀀", "𠀾" * 3 + "发" * 3]:
        assert translate(text) == text.translate(table)

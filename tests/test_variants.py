"""Conversion, character by character: markup, glossary, fallbacks, OpenCC."""

from __future__ import annotations

import pytest

from docsite.variants import Converter, MarkupError, Rule, protect, restore

GLOSSARY = (
    Rule((("zh-hans", "维辛斯基"), ("zh-hant", "維辛斯基"))),
    Rule((("zh-hans", "签订"), ("zh-hant", "簽訂"))),
    Rule((("zh-hans", "克里姆林宫"), ("zh-hant", "克里姆林宮"))),
)
HANS = Converter("zh-hans", "t2s", GLOSSARY)
HANT = Converter("zh-hant", "s2tw", GLOSSARY)
HK = Converter("zh-hk", "s2hk", GLOSSARY)


@pytest.mark.parametrize(("source", "hans", "hant"), [
    ("王世-{杰}-", "王世杰", "王世杰"),
    ("王世杰", "王世杰", "王世傑"),  # without markup OpenCC changes the name: why the markup exists
    ("王世-{杰}-和王世傑", "王世杰和王世杰", "王世杰和王世傑"),
    ("-{zh-hans:长春铁路;zh-hant:長春鐵路;}-", "长春铁路", "長春鐵路"),
    ("由维辛斯基签訂", "由维辛斯基签订", "由維辛斯基簽訂"),  # a glossary form in either script matches
    ("在克里姆林宮签订", "在克里姆林宫签订", "在克里姆林宮簽訂"),
    ("蘇維埃社會主義共和國聯盟", "苏维埃社会主义共和国联盟", "蘇維埃社會主義共和國聯盟"),
    ("-{H|zh-hans:旅顺口;zh-hant:旅順港;}-旅顺口", "旅顺口", "旅順港"),
    ("-{A|zh-hans:大连;zh-hant:大連市;}-与大连", "大连与大连", "大連市與大連市"),
])
def test_conversion(source: str, hans: str, hant: str) -> None:
    text = protect(source)
    assert HANS(text, text.rules) == hans
    assert HANT(text, text.rules) == hant


def test_fallback_chain_zh_hk_takes_the_zh_hant_form() -> None:
    text = protect("-{zh-hans:鼠标;zh-hant:滑鼠;}-")
    assert HK(text) == "滑鼠"


def test_last_resort_converts_the_first_form() -> None:
    text = protect("-{zh-hans:后来;}-")
    assert HANT(text) == "後來"


def test_empty_markup_stops_a_phrase_match() -> None:
    assert HANT(protect("头发")) == "頭髮"
    assert HANT(protect("头-{}-发")) == "頭發"


def test_verbatim_keeps_every_character() -> None:
    for conv in (HANS, HANT, HK):
        assert conv(protect("-{後来發展的干部}-")) == "後来發展的干部"


def test_restore_gives_back_the_source() -> None:
    source = "甲-{乙}-丙-{zh-hans:丁;zh-hant:戊;}-己-{H|zh-hans:庚;zh-hant:辛;}-"
    text = protect(source)
    assert restore(text.source, text.blocks) == source


@pytest.mark.parametrize(("source", "message", "offset"), [
    ("abc-{def", "is not closed", 3),
    ("abc}-def", "never opened", 3),
    ("-{a-{b}-}-", "cannot be nested", 3),
    ("-{zh-hanz:甲;}-", "unknown variant code 'zh-hanz'", 2),
    ("-{H|甲}-", "needs variant forms", 4),
])
def test_malformed_markup(source: str, message: str, offset: int) -> None:
    with pytest.raises(MarkupError, match=message) as info:
        protect(source)
    assert info.value.offset == offset


def test_each_distinct_text_is_converted_once() -> None:
    conv = Converter("zh-hant", "s2tw")
    calls = []
    original = conv.plain
    conv.plain = lambda s: calls.append(s) or original(s)  # type: ignore[method-assign]
    for _ in range(3):
        assert conv("条约") == "條約"
    assert calls == ["条约"]

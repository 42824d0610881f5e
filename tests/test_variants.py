"""Conversion, character by character: markup, glossary, fallbacks, OpenCC."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from docsite.text import opencc_fast
from docsite.text.variants import Converter, MarkupError, Rule, Text, protect, restore

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


# One-to-many characters in context: what a reader in Taipei (s2tw) and Hong Kong (s2hk) must see.
HARD_CASES = [
    ("干部与干杯", "幹部與乾杯", "幹部與乾杯"),
    ("干涉内政", "干涉內政", "干涉內政"),
    ("皇后与后来", "皇后與後來", "皇后與後來"),
    ("头发与发展", "頭髮與發展", "頭髮與發展"),
    ("三公里以外的里面", "三公里以外的裡面", "三公里以外的裏面"),
    ("面积与面条", "面積與麵條", "面積與麪條"),
    ("关系与联系", "關係與聯繫", "關係與聯繫"),
    ("台湾的台风", "臺灣的颱風", "台灣的颱風"),
    ("只有一只", "只有一隻", "只有一隻"),
    ("并且合并", "並且合併", "並且合併"),
    ("其余的人", "其餘的人", "其餘的人"),
    ("征收与长征", "徵收與長征", "徵收與長征"),
    ("制度与制造", "制度與製造", "制度與製造"),
    ("白云与云南", "白雲與雲南", "白雲與雲南"),
    ("松树与放松", "松樹與放鬆", "松樹與放鬆"),
    ("历史与日历", "歷史與日曆", "歷史與日曆"),
    ("复杂的答复", "複雜的答覆", "複雜的答覆"),
    ("签订书签", "簽訂書籤", "簽訂書籤"),
]


@pytest.mark.parametrize(("source", "taipei", "hong_kong"), HARD_CASES)
def test_one_to_many_characters_in_context(source: str, taipei: str, hong_kong: str) -> None:
    assert Converter("zh-tw", "s2tw")(source) == taipei
    assert Converter("zh-hk", "s2hk")(source) == hong_kong
    assert Converter("zh-hans", "t2s")(taipei) == source


@pytest.mark.parametrize(("source", "hant"), [
    # Cases OpenCC gets wrong on its own, settled with markup the way an editor would.
    ("双方-{zh-hans:并;zh-hant:並;}-为此目的", "雙方並為此目的"),
    ("双方并为此目的", "雙方併為此目的"),  # without the markup: the mistake the markup is there for
    ("王世-{杰}-与周恩來", "王世杰與周恩來"),
    ("蘇聯与中华人民共和国簽訂条约", "蘇聯與中華人民共和國簽訂條約"),  # mixed-script paragraph
])
def test_markup_settles_what_opencc_gets_wrong(source: str, hant: str) -> None:
    assert HANT(protect(source)) == hant


def test_describe_shows_every_form_in_its_own_script() -> None:
    for conv in (HANS, HANT, HK):
        assert conv(protect("-{D|zh-hans:鼠标;zh-hant:滑鼠;}-")) == "简体：鼠标；繁體：滑鼠；"


def test_title_block_shows_nothing() -> None:
    text = protect("正文-{T|zh-hans:苏联;zh-hant:蘇聯;}-")
    assert HANT(text) == "正文"
    assert text.title is not None and text.title.rule.form_for("zh-hant") == "蘇聯"


def test_one_way_rule_applies_only_to_the_variants_it_names() -> None:
    text = protect("-{H|鼠标=>zh-hant:滑鼠;}-鼠标")
    assert HANT(text, text.rules) == "滑鼠"
    assert HANS(text, text.rules) == "鼠标"
    assert Converter("zh-tw", "s2tw")(text, text.rules) == "鼠標"  # not named: no rule, OpenCC alone


def test_raw_flag_keeps_what_looks_like_forms() -> None:
    assert HANT(protect("-{R|zh-hans:甲;zh-hant:乙;}-")) == "zh-hans:甲;zh-hant:乙;"


def test_rule_layers_markup_before_page_glossary_before_site_glossary() -> None:
    site = (Rule((("zh-hans", "维辛斯基"), ("zh-hant", "維辛斯基"))),)
    page = (Rule((("zh-hans", "维辛斯基"), ("zh-hant", "維希斯基"))),)
    markup = (Rule((("zh-hans", "维辛斯基"), ("zh-hant", "維辛斯基（外長）"))),)
    conv = Converter("zh-hant", "s2tw", site)
    assert conv("维辛斯基") == "維辛斯基"
    assert conv("维辛斯基", page) == "維希斯基"
    assert conv("维辛斯基", markup, page) == "維辛斯基（外長）"


def test_a_shorter_page_rule_beats_a_longer_site_rule() -> None:
    site = (Rule((("zh-hans", "莫斯科克里姆林宫"), ("zh-hant", "莫斯科克里姆林宮"))),)
    page = (Rule((("zh-hans", "克里姆林"), ("zh-hant", "克林姆林"))),)
    assert Converter("zh-hant", "s2tw", site)("莫斯科克里姆林宫", page) == "莫斯科克林姆林宮"


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


def test_restore_keeps_every_one_way_form_of_a_source() -> None:
    source = "`-{H|鼠标=>zh-hant:滑鼠;鼠标=>zh-tw:滑鼠;}-`"
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


def test_each_distinct_text_is_converted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = opencc_fast.conversion("s2tw")

    class Spy:
        def convert_many(self, texts: list[str]) -> list[str]:
            calls.extend(texts)
            return real.convert_many(texts)

    monkeypatch.setattr(opencc_fast, "conversion", lambda config: Spy())
    conv = Converter("zh-hant", "s2tw")
    for _ in range(3):
        assert conv("条约") == "條約"
    conv.prefetch([(Text("条约"), ()), (Text("协定"), ()), (Text("协定"), ())])
    assert conv("协定") == "協定"
    assert calls == ["条约", "协定"]


BATCH_GLOSSARIES = [
    (Rule((("zh-hans", "斯大林"), ("zh-hant", "史達林"))),),
    # A key that holds the separator texts are joined by: joined, it could match across two texts.
    (Rule((("zh-hans", "斯大林"), ("zh-hant", "史達林"))), Rule((("zh-hans", "发\n表"), ("zh-hant", "發\n佈")))),
]
BATCH_TEXTS = st.lists(st.lists(st.sampled_from(
    ["斯大林", "史達林", "发", "表", "\n", "里", "后", "头发", "-{R|甲\n乙}-", "-{zh-hans:后;zh-hant:后\n}-"]),
    max_size=6).map("".join), max_size=8)


@pytest.mark.parametrize("glossary", BATCH_GLOSSARIES)
@given(sources=BATCH_TEXTS)
@example(sources=["斯大", "林", "发", "表", "里"])
@example(sources=["斯大", "林", "后\n", "发", "表"])
def test_texts_converted_in_one_batch_come_out_as_each_alone(glossary: tuple[Rule, ...], sources: list[str]) -> None:
    """prefetch plans a batch's texts joined by a separator; no rule or phrase may match across two
    texts, and a text whose output holds the separator must not shift the others."""
    layer = (Rule((("zh-hans", "里"), ("zh-hant", "裏"))),)
    for code, config in (("zh-hant", "s2tw"), ("zh-hans", "t2s")):
        together = Converter(code, config, glossary)
        together.prefetch([(protect(s), (layer,)) for s in sources])
        for source in sources:
            assert together(protect(source), layer) == Converter(code, config, glossary)(protect(source), layer)


MARKUP_TEXT = st.text(alphabet=st.sampled_from(list("-{}|;:=>zh-anst甲乙后发里\n ")), max_size=40)
# Text that is not itself markup syntax (a flag "X|" or forms "zh-hans:..."); -{R|...}- takes any.
PLAIN = st.text(alphabet=st.characters(blacklist_characters="-{}|:", blacklist_categories=("Cs", "Co")), max_size=30)
ANY = st.text(alphabet=st.characters(blacklist_characters="-{}", blacklist_categories=("Cs", "Co")), max_size=30)


@given(MARKUP_TEXT)
def test_markup_parser_never_crashes(source: str) -> None:
    try:
        text = protect(source)
    except MarkupError as exc:
        assert 0 <= exc.offset <= len(source)
        return
    for conv in (HANS, HANT, HK):
        conv(text, text.rules)


@given(PLAIN)
def test_verbatim_markup_returns_its_text_unchanged_in_every_variant(text: str) -> None:
    for conv in (HANS, HANT, HK, Converter("zh-tw", "s2twp")):
        assert conv(protect("-{" + text + "}-")) == text


@given(ANY)
def test_raw_markup_returns_its_text_unchanged_in_every_variant(text: str) -> None:
    for conv in (HANS, HANT, HK):
        assert conv(protect("-{R|" + text + "}-")) == text

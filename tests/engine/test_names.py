"""Name normalisation and party splitting: scripts, widths, invisible characters, legal forms, cells."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.engine.data import name_tables
from screening.engine.names import is_generic, is_legal_form, name_tokens, normalise, split_parties

# --- normalise ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Huawei Technologies Co., Ltd.", "huawei technology"),
        ("HUAWEI TECHNOLOGIES CO.,LTD", "huawei technology"),
        ("Huawei Tech. Co Ltd", "huawei technology"),
        ("Huawei Technologies Company", "huawei technology"),
        ("华为技术有限公司", "huawei technology"),
        ("華為技術有限公司", "huawei technology"),
        ("华为 技术 有限公司", "huawei technology"),
        ("華為技術有限責任公司", "huawei technology"),
        ("华为", "huawei"),
        ("ＨＵＡＷＥＩ", "huawei"),
        ("Hua\u200bwei", "huawei"),
        ("\ufeffHua\u00adwei\u200d", "huawei"),
        ("\u200fHuawei\u200e", "huawei"),
        ("Huawei\u00a0Technologies", "huawei technology"),
        ("中兴通讯股份有限公司", "zhongxing communication"),
        ("杭州海康威视数字技术股份有限公司", "hangzhou haikangweishi digital technology"),
        ("海康威视", "haikangweishi"),
        ("浙江大华技术股份有限公司", "zhejiang dahua technology"),
        ("АО «Лаборатория Касперского»", "laboratoriya kasperskogo"),
        ("Лаборатория Касперского", "laboratoriya kasperskogo"),
        ("AO Kaspersky Lab", "kaspersky lab"),
        ("Rohde & Schwarz GmbH & Co. KG", "rohde schwarz"),
        ("Telefonaktiebolaget LM Ericsson (publ)", "telefonaktiebolaget lm ericsson"),
        ("Nokia Solutions and Networks Oy", "nokia solution network"),
        ("ZTE中兴", "zte zhongxing"),
    ],
)
def test_normalise_gives_one_spelling_per_company(written, expected):
    # given a company name as a BOM or a list writes it
    # when it is normalised
    normalised = normalise(written)
    # then scripts, widths, invisible characters and legal forms no longer matter
    assert normalised == expected


LEGAL_FORMS = (
    "Co., Ltd.",
    "Co Ltd",
    "CO.,LTD",
    "Company Limited",
    "Limited",
    "Ltd",
    "Ltd.",
    "Corp.",
    "Corporation",
    "Inc.",
    "Incorporated",
    "LLC",
    "L.L.C.",
    "PLC",
    "GmbH",
    "GmbH & Co. KG",
    "AG",
    "KG",
    "S.A.",
    "S.A.U.",
    "SA",
    "SAS",
    "SARL",
    "S.p.A.",
    "SpA",
    "S.r.l.",
    "B.V.",
    "BV",
    "N.V.",
    "Oy",
    "Oyj",
    "AB",
    "AB (publ)",
    "publ",
    "AS",
    "ASA",
    "A/S",
    "ApS",
    "Sp. z o.o.",
    "s.r.o.",
    "a.s.",
    "d.o.o.",
    "EOOD",
    "OOD",
    "AD",
    "Kft",
    "Zrt",
    "Pte Ltd",
    "Pty Ltd",
    "K.K.",
    "Kabushiki Kaisha",
    "株式会社",
    "有限公司",
    "有限 公司",
    "有限责任公司",
    "有限責任公司",
    "股份有限公司",
    "股份 有限公司",
    "集团",
    "公司",
    "АО",
    "ЗАО",
    "ОАО",
    "ПАО",
    "ООО",
    "ИП",
    "AO",
    "ZAO",
    "OAO",
    "PAO",
    "OOO",
)


@pytest.mark.parametrize("form", LEGAL_FORMS)
def test_trailing_legal_forms_are_removed(form):
    # given a name ending in a legal form
    written = f"Acme Widget {form}"
    # when it is normalised
    # then the legal form is gone
    assert normalise(written) == "acme widget"


@pytest.mark.parametrize("form", ["АО", "ЗАО", "ОАО", "ПАО", "ООО", "ИП", "AO", "OOO", "株式会社"])
def test_leading_legal_forms_are_removed(form):
    # given a name written with its legal form first, as Russian and Japanese do, guillemets and all
    written = f"{form} «Acme»"
    # when it is normalised, then only the name is left
    assert normalise(written) == "acme"


def test_chinese_legal_forms_are_removed_with_a_group_form_before_them():
    # given a Chinese name ending in group + limited company, written with and without spaces
    # when normalised, then both legal forms go
    assert normalise("华为技术集团有限公司") == "huawei technology"
    assert normalise("华为技术 集团 有限公司") == "huawei technology"


@pytest.mark.parametrize("written", ["Company Limited", "Ltd", "有限公司", "AG", "The"])
def test_a_name_made_only_of_legal_words_keeps_its_words(written):
    # given a name that is nothing but a legal form
    # when normalised, then it does not become empty
    assert normalise(written) != ""


def test_name_tokens_are_the_words_of_the_normalised_name():
    # given a name
    # when split into tokens, then they are the normalised words in order
    assert name_tokens("Hangzhou Hikvision Digital Technology Co., Ltd.") == (
        "hangzhou",
        "hikvision",
        "digital",
        "technology",
    )


@pytest.mark.parametrize("written", ["", "   ", "---", "\u200b", "()"])
def test_a_name_with_no_letters_normalises_to_empty(written):
    assert normalise(written) == ""


def test_normalise_accepts_non_text_without_raising():
    # given a spreadsheet cell that was read as a number or left empty
    # when normalised, then it is treated as text
    assert normalise(None) == ""  # type: ignore[arg-type]
    assert normalise(12345) == "12345"  # type: ignore[arg-type]


def test_generic_and_legal_words_are_known():
    # given words that say what a company does or where it is
    # then they are generic, and brand words are not
    generic = ("technology", "communication", "shenzhen", "china", "ltd", "2000")
    assert all(is_generic(word) for word in generic)
    assert not any(is_generic(word) for word in ("huawei", "hikvision", "zte", "hytera"))
    assert is_legal_form("Co., Ltd.") and is_legal_form("有限公司") and not is_legal_form("Huawei Ltd")


def test_word_variants_fold_once():
    # given the spelling-variant table
    # then no folded spelling is itself folded again (normalisation must be idempotent)
    variants = name_tables.WORD_VARIANTS
    assert not set(variants.values()) & set(variants)


# --- split_parties --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "parties"),
    [
        ("Ericsson / Huawei", ["Ericsson", "Huawei"]),
        ("Ericsson/Huawei", ["Ericsson", "Huawei"]),
        ("Nokia; ZTE", ["Nokia", "ZTE"]),
        ("Nokia | ZTE", ["Nokia", "ZTE"]),
        ("Ericsson\nHuawei", ["Ericsson", "Huawei"]),
        ("Ericsson\r\nHuawei\n", ["Ericsson", "Huawei"]),
        ("Ericsson + ZTE", ["Ericsson", "ZTE"]),
        ("Nokia, Ericsson", ["Nokia", "Ericsson"]),
        ("华为、中兴", ["华为", "中兴"]),
        ("- Huawei\n- ZTE", ["Huawei", "ZTE"]),
        ("Huawei; n/a", ["Huawei"]),
        ("Samsung Electronics Co., Ltd., Huawei", ["Samsung Electronics Co., Ltd.", "Huawei"]),
        ("Ericsson AB (publ), Nokia Oyj", ["Ericsson AB (publ)", "Nokia Oyj"]),
        # one company each
        ("Rohde & Schwarz", ["Rohde & Schwarz"]),
        ("AT&T", ["AT&T"]),
        ("Huawei Technologies Co., Ltd.", ["Huawei Technologies Co., Ltd."]),
        ("Huawei Technologies Co.,Ltd", ["Huawei Technologies Co.,Ltd"]),
        ("Cisco Systems, Inc.", ["Cisco Systems, Inc."]),
        ("I/O Devices Ltd", ["I/O Devices Ltd"]),
        ("Foo A/S", ["Foo A/S"]),
        ("TCP/IP Systems", ["TCP/IP Systems"]),
        ("C++ Labs", ["C++ Labs"]),
        ("Nokia Solutions and Networks Oy", ["Nokia Solutions and Networks Oy"]),
        ("Huawei and Nokia", ["Huawei and Nokia"]),  # not split: "and" is part of names; both still match
        ("Acme (Nokia; Ericsson)", ["Acme (Nokia; Ericsson)"]),
        ("АО «Лаборатория Касперского»", ["АО «Лаборатория Касперского»"]),
    ],
)
def test_split_parties_names_each_company_once(cell, parties):
    # given a manufacturer or supplier cell
    # when it is split
    # then each company it names comes out once, as written
    assert split_parties(cell) == parties


@pytest.mark.parametrize("cell", ["", "  ", "-", "—", "n/a", "N/A", "none", "None", "TBD", "tbd", " ; ; "])
def test_a_placeholder_cell_names_nobody(cell):
    assert split_parties(cell) == []


# --- properties -----------------------------------------------------------------------------------------

NAME_PIECES = st.sampled_from(
    [
        "Co., Ltd.",
        "有限公司",
        "股份",
        "集团",
        "АО",
        "ИП",
        "ООО",
        "«",
        "»",
        "Ltd",
        "AG",
        "S.A.",
        "the",
        "and",
        "Group",
        "Huawei",
        "华为",
        "華為",
        "ＨＵＡＷＥＩ",
        " ",
        ",",
        "/",
        "+",
        ";",
        "\n",
        "\u200b",
        "\u00a0",
        "\u00ad",
        "Technologies",
        "x",
        "ß",
        "ﬁ",
        "①",
        "İ",
        "ǅ",
        "\u0301",
        "e\u0301",
        "(",
        ")",
    ]
)
NAMES = st.one_of(st.text(), st.lists(NAME_PIECES, max_size=12).map("".join))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(NAMES)
def test_normalise_never_raises_and_is_idempotent(text):
    # given any text at all
    # when it is normalised
    normalised = normalise(text)
    # then the result is plain lower-case ASCII words, and normalising it again changes nothing
    assert normalised == normalised.strip() and "  " not in normalised
    assert normalised.isascii() and normalised == normalised.lower()
    assert normalise(normalised) == normalised
    assert " ".join(name_tokens(text)) == normalised


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(NAMES)
def test_split_parties_never_raises_and_returns_parts_of_the_cell(cell):
    # given any cell
    # when it is split
    parties = split_parties(cell)
    # then every part is a non-empty, stripped piece of the cell as written
    for party in parties:
        assert party and party == party.strip() and party in cell

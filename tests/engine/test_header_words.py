"""engine.bom headers in the officers' languages, with and without diacritics, and an officer's own mapping."""

from __future__ import annotations

import io

import pytest
from anyascii import anyascii

from screening.engine import bom
from screening.engine.bom import BomReader, header_mapping, read_declaration
from screening.engine.data.header_words import HEADER_WORDS, LANGUAGES
from screening.engine.records import BomReadError, Field
from tests.engine.bom_samples import csv_bytes

# Per language, the words of the issue and of a real BOM from that country, as written there.
WORDS = {
    "cs": {
        Field.MANUFACTURER: "Výrobce", Field.SUPPLIER: "Dodavatel", Field.SUBCONTRACTOR: "Subdodavatel",
        Field.CONTRACTOR: "Zhotovitel", Field.COUNTRY: "Země původu", Field.PART_NUMBER: "Katalogové číslo",
        Field.DESCRIPTION: "Popis", Field.QUANTITY: "Množství", Field.UNIT_PRICE: "Jednotková cena",
        Field.TOTAL_PRICE: "Cena celkem", Field.CURRENCY: "Měna", Field.DOMAIN: "Síťová doména",
        Field.LINE: "Pořadové číslo", Field.UNIT: "MJ",
    },
    "bg": {
        Field.MANUFACTURER: "Производител", Field.SUPPLIER: "Доставчик", Field.SUBCONTRACTOR: "Подизпълнител",
        Field.CONTRACTOR: "Изпълнител", Field.COUNTRY: "Държава на произход", Field.PART_NUMBER: "Каталожен номер",
        Field.DESCRIPTION: "Описание", Field.QUANTITY: "Количество", Field.UNIT_PRICE: "Единична цена",
        Field.TOTAL_PRICE: "Обща стойност", Field.CURRENCY: "Валута", Field.DOMAIN: "Мрежов домейн",
        Field.LINE: "№ по ред", Field.UNIT: "Мярка",
    },
    "mk": {
        Field.MANUFACTURER: "Производител", Field.SUPPLIER: "Добавувач", Field.SUBCONTRACTOR: "Подизведувач",
        Field.CONTRACTOR: "Изведувач", Field.COUNTRY: "Земја на потекло", Field.PART_NUMBER: "Шифра",
        Field.DESCRIPTION: "Опис", Field.QUANTITY: "Количина", Field.UNIT_PRICE: "Единечна цена",
        Field.TOTAL_PRICE: "Вкупно", Field.CURRENCY: "Валута", Field.DOMAIN: "Мрежен домен",
        Field.LINE: "Реден број", Field.UNIT: "Единица мерка",
    },
    "sq": {
        Field.MANUFACTURER: "Prodhuesi", Field.SUPPLIER: "Furnizuesi", Field.SUBCONTRACTOR: "Nënkontraktori",
        Field.CONTRACTOR: "Kontraktori", Field.COUNTRY: "Vendi i origjinës", Field.PART_NUMBER: "Kodi i artikullit",
        Field.DESCRIPTION: "Përshkrimi", Field.QUANTITY: "Sasia", Field.UNIT_PRICE: "Çmimi për njësi",
        Field.TOTAL_PRICE: "Vlera totale", Field.CURRENCY: "Monedha", Field.DOMAIN: "Domeni i rrjetit",
        Field.LINE: "Nr. rendor", Field.UNIT: "Njësia",
    },
    "sv": {
        Field.MANUFACTURER: "Tillverkare", Field.SUPPLIER: "Leverantör", Field.SUBCONTRACTOR: "Underleverantör",
        Field.CONTRACTOR: "Huvudentreprenör", Field.COUNTRY: "Ursprungsland", Field.PART_NUMBER: "Artikelnummer",
        Field.DESCRIPTION: "Beskrivning", Field.QUANTITY: "Antal", Field.UNIT_PRICE: "À-pris",
        Field.TOTAL_PRICE: "Summa", Field.CURRENCY: "Valuta", Field.DOMAIN: "Nätdomän",
        Field.LINE: "Radnr", Field.UNIT: "Enhet",
    },
    "de": {
        Field.MANUFACTURER: "Hersteller", Field.SUPPLIER: "Lieferant", Field.SUBCONTRACTOR: "Unterauftragnehmer",
        Field.CONTRACTOR: "Auftragnehmer", Field.COUNTRY: "Ursprungsland", Field.PART_NUMBER: "Artikelnummer",
        Field.DESCRIPTION: "Bezeichnung", Field.QUANTITY: "Menge", Field.UNIT_PRICE: "Einzelpreis",
        Field.TOTAL_PRICE: "Gesamtpreis", Field.CURRENCY: "Währung", Field.DOMAIN: "Netzdomäne",
        Field.LINE: "Pos.-Nr.", Field.UNIT: "Einheit",
    },
}
CASES = [(language, word, fld) for language, words in WORDS.items() for fld, word in words.items()]


def without_diacritics(text: str) -> str:
    """How the word is typed on a keyboard without the language's letters (Cyrillic as Latin)."""
    return anyascii(text)


@pytest.mark.parametrize(("language", "word", "fld"), CASES, ids=lambda v: str(v))
def test_each_languages_header_words_map_to_their_field(language, word, fld):
    # given a header as that country's spreadsheets write it / then it means the field, however it is typed
    assert bom._field_for_header(word) is fld
    assert bom._field_for_header(without_diacritics(word)) is fld
    assert bom._field_for_header(word.upper()) is fld
    assert bom._field_for_header(f" {word.lower()}  ") is fld


def test_every_language_names_every_field():
    for fld, by_language in HEADER_WORDS.items():
        assert set(by_language) == set(LANGUAGES), fld
    assert set(HEADER_WORDS) == set(bom.HEADER_ALIASES)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Stueckpreis", Field.UNIT_PRICE),
        ("Waehrung", Field.CURRENCY),
        ("Haendler", Field.SUPPLIER),
        ("Zeme puvodu", Field.COUNTRY),
        ("ZEMĚ PŮVODU", Field.COUNTRY),
        ("Proizvoditel", Field.MANUFACTURER),
        ("Nenkontraktori", Field.SUBCONTRACTOR),
        ("Leverantor", Field.SUPPLIER),
        ("Výrobce (obchodní firma)", Field.MANUFACTURER),
        ("Einzelpreis (EUR)", Field.UNIT_PRICE),
    ],
)
def test_spellings_people_type(header, expected):
    assert bom._field_for_header(header) is expected


@pytest.mark.parametrize("header", ["Výrobce:", "Nabídka dodavatele Baltic Mobile", "Angebot 5G-Funknetz", "Kina"])
def test_titles_labels_and_values_are_not_headers(header):
    assert bom._field_for_header(header) is None


def test_a_czech_csv_in_cp1250_is_read_by_its_czech_headers():
    rows = [
        ["Nabídka – rozpis materiálu"],
        [],
        ["Poř. č.", "Katalogové číslo", "Popis", "Výrobce", "Dodavatel", "Země původu", "Množství", "Jedn. cena"],
        ["1", "HW-AAU5613", "Anténní jednotka", "Huawei Technologies Co., Ltd.", "Baltic", "Čína", "18", "9 800,00"],
    ]
    reader = BomReader(io.BytesIO(csv_bytes(rows, delimiter=";", encoding="cp1250")), filename="rozpis.csv")
    [row] = list(reader.rows())
    assert reader.sheets[0].header_row == 3
    assert row.get(Field.MANUFACTURER) == "Huawei Technologies Co., Ltd."
    assert row.get(Field.COUNTRY) == "Čína" and row.country_codes == ("CN",)
    assert row.headers["country_code"] == "Země původu (ISO 3166-1)"
    assert row.get(Field.UNIT_PRICE) == "9 800,00"


def test_a_german_subcontractor_declaration_is_read_by_its_german_headers():
    rows = [["Auftragnehmer", "Unterauftragnehmer", "Leistungsumfang", "Anteil (%)", "Netzdomäne"],
            ["Baltic Mobile Integrators Ltd", "Nordic Site Services AB", "Montage", "12", "RAN"]]
    edges, errors = read_declaration(io.BytesIO(csv_bytes(rows, delimiter=";")), filename="nu.csv")
    assert not errors
    assert [(e.contractor, e.subcontractor, e.scope, e.share, e.domain) for e in edges] == [
        ("Baltic Mobile Integrators Ltd", "Nordic Site Services AB", "Montage", "12", "RAN")
    ]


# --- an officer's own mapping ---------------------------------------------------------------------------

UNKNOWN = [["Pozice", "Firma", "Obchodník", "Ks"], ["1", "ZTE Corporation", "Baltic Mobile Integrators Ltd", "4"]]


def test_a_bom_whose_company_column_no_table_knows_is_refused_with_what_was_found():
    with pytest.raises(BomReadError) as caught:
        BomReader(io.BytesIO(csv_bytes(UNKNOWN)), filename="firmy.csv")
    assert "found: Pozice, Firma, Obchodník, Ks (row 1)" in caught.value.message


def test_the_officers_mapping_makes_the_column_a_party_column():
    mapping = {"Firma": "manufacturer", "obchodnik": "supplier", "KS": "quantity"}
    reader = BomReader(io.BytesIO(csv_bytes(UNKNOWN)), filename="firmy.csv", extra_headers=mapping)
    [row] = list(reader.rows())
    assert row.get(Field.MANUFACTURER) == "ZTE Corporation"
    assert row.get(Field.SUPPLIER) == "Baltic Mobile Integrators Ltd"
    assert row.get(Field.QUANTITY) == "4"
    assert row.headers[str(Field.MANUFACTURER)] == "Firma"  # findings name the column as written


def test_the_officers_mapping_wins_over_the_tables_and_can_leave_a_column_out():
    rows = [["Hersteller", "Quelle", "Lieferant", "Menge"], ["Nokia", "ZTE Corporation", "Baltic", "3"]]
    mapping = {"Quelle": "manufacturer", "Lieferant": "ignore"}
    reader = BomReader(io.BytesIO(csv_bytes(rows)), filename="x.csv", extra_headers=mapping)
    [row] = list(reader.rows())
    assert row.values[str(Field.MANUFACTURER)] == "Nokia"
    assert row.values["manufacturer~2"] == "ZTE Corporation"
    assert str(Field.SUPPLIER) not in row.values


def test_a_mapping_to_no_field_is_refused_with_the_fields_that_exist():
    with pytest.raises(ValueError, match=r"column 'Firma': 'maker' is not a field; use one of line, .*ignore"):
        header_mapping({"Firma": "maker"})
    with pytest.raises(ValueError, match="has no letters or digits"):
        header_mapping({" - ": "manufacturer"})


@pytest.mark.parametrize(
    ("word", "expected"),
    [("manufacturer", Field.MANUFACTURER), ("Country of origin", Field.COUNTRY), ("Výrobce", Field.MANUFACTURER),
     ("Lieferant", Field.SUPPLIER), ("unit_price", Field.UNIT_PRICE), ("company", None)],
)
def test_an_officer_may_name_a_field_by_its_name_or_any_header_word(word, expected):
    assert bom.field_named(word) is expected

"""engine.countries: country-of-origin cells in the officers' languages, English and Chinese as ISO codes."""

from __future__ import annotations

import pytest

from screening.engine.countries import country_code, country_codes


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("CN", "CN"), ("cn", "CN"), ("CHN", "CN"), ("China", "CN"), ("PRC", "CN"), ("P.R. China", "CN"),
        ("中国", "CN"), ("中國", "CN"), ("Čína", "CN"), ("Cina", "CN"), ("ČÍNA", "CN"), ("Китай", "CN"),
        ("Кина", "CN"), ("Kina", "CN"), ("Kinë", "CN"), ("Kine", "CN"), ("Volksrepublik China", "CN"),
        ("Deutschland", "DE"), ("Německo", "DE"), ("Nemecko", "DE"), ("Германия", "DE"), ("Германија", "DE"),
        ("Gjermani", "DE"), ("Tyskland", "DE"), ("DEU", "DE"),
        ("Kosovo", "XK"), ("Kosova", "XK"), ("XK", "XK"), ("Косово", "XK"),
        ("UK", "GB"), ("Great Britain", "GB"), ("Vereinigtes Königreich", "GB"), ("Spojené království", "GB"),
        ("USA", "US"), ("U.S.A.", "US"), ("United States", "US"), ("САЩ", "US"), ("SHBA", "US"),
        ("Russia", "RU"), ("Russian Federation", "RU"), ("Русия", "RU"),
        ("Korea", "KR"), ("South Korea", "KR"), ("Korea, Republic of", "KR"), ("Sydkorea", "KR"),
        ("Südkorea", "KR"), ("North Korea", "KP"), ("Taiwan", "TW"), ("Тайван", "TW"),
        ("Česko", "CZ"), ("Czech Republic", "CZ"), ("Чехия", "CZ"), ("Tjeckien", "CZ"), ("Tschechien", "CZ"),
        ("Severní Makedonie", "MK"), ("Северна Македонија", "MK"), ("Nordmakedonien", "MK"),
        ("Shqipëria", "AL"), ("Албания", "AL"), ("Sverige", "SE"), ("Швеция", "SE"), ("България", "BG"),
        ("Mexiko", "MX"), ("Estonsko", "EE"), ("Finsko", "FI"), ("Japonsko", "JP"), ("Япония", "JP"),
        ("Congo", "CG"), ("  Finland ", "FI"),
    ],
)
def test_a_country_in_any_of_the_languages_reads_as_its_iso_code(cell, expected):
    assert country_code(cell) == expected
    assert country_codes(cell) == (expected,)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("SE/CN", ("SE", "CN")), ("FI / CN", ("FI", "CN")), ("Švédsko a Čína", ("SE", "CN")),
     ("Deutschland, China", ("DE", "CN")), ("US; US", ("US",))],
)
def test_a_cell_naming_several_countries_gives_each(cell, expected):
    assert country_codes(cell) == expected
    assert country_code(cell) == ("" if len(expected) > 1 else expected[0])


@pytest.mark.parametrize("cell", [None, "", "  ", "N/A", "n.a.", "NA", "TBD", "Atlantis", "EU", "CN/Atlantis", "-"])
def test_blanks_unknowns_and_half_known_cells_give_no_code(cell):
    assert country_codes(cell) == ()
    assert country_code(cell) == ""

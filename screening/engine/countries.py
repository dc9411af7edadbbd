"""Country-of-origin cells as people write them ("Čína", "Китай", "Kina", "PRC", "中国", "DE", "Kosovo") read as
ISO 3166-1 alpha-2 codes.

The names come from pycountry's ISO 3166-1 data and its translations (gettext catalogues) for English, the
officers' languages and Chinese, plus the short forms BOMs use (PRC, UK, USA, Russia, Korea...). Keys are folded
for case, punctuation, spacing and diacritics; a key that two countries share is dropped rather than guessed.
The table is built once, on first use.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

from anyascii import anyascii

# The catalogues read besides English: the officers' languages, and Chinese for Chinese-made equipment.
NAME_LANGUAGES: tuple[str, ...] = ("cs", "bg", "mk", "sq", "sv", "de", "zh_CN", "zh_TW")

# Short and everyday forms that the ISO names and their translations do not give.
ALIASES: dict[str, tuple[str, ...]] = {
    "CN": ("PRC", "P.R.C.", "P.R. China", "PR China", "China PRC", "China (PRC)", "Mainland China", "China Mainland",
           "ČLR", "Čínská lidová republika", "КНР", "Народна република Китай", "Volksrepublik China", "VR China",
           "Kina", "Folkrepubliken Kina", "Republika Popullore e Kinës", "中华人民共和国", "中國", "大陆", "中国大陆"),
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland",
           "Velká Británie", "Великобритания", "Велика Британија", "Britania e Madhe", "Storbritannien",
           "Großbritannien", "Grossbritannien", "英国"),
    "US": ("USA", "U.S.A.", "U.S.", "United States of America", "America", "USA (United States)", "САЩ", "САД",
           "SHBA", "ShBA", "Amerika", "Vereinigte Staaten", "Spojené státy americké", "美国"),
    "RU": ("Russia", "Rusko", "Русия", "Русија", "Rusia", "Rusi", "Ryssland", "Russland", "Россия", "俄罗斯"),
    "KR": ("Korea", "South Korea", "Republic of Korea", "ROK", "Korea (South)", "Jižní Korea", "Южна Корея",
           "Јужна Кореја", "Korea e Jugut", "Sydkorea", "Südkorea", "韩国"),
    "KP": ("North Korea", "DPRK", "Korea (North)", "Severní Korea", "Северна Корея", "Северна Кореја",
           "Korea e Veriut", "Nordkorea", "朝鲜"),
    "TW": ("Taiwan", "Taiwan (ROC)", "ROC", "Republic of China", "Tchaj-wan", "Тайван", "Тајван", "Tajvani",
           "台湾", "臺灣"),
    "HK": ("Hong Kong", "Hongkong", "Hong Kong SAR", "香港"),
    "MO": ("Macau", "Macao", "澳门"),
    "VN": ("Vietnam", "Viet Nam"),
    "IR": ("Iran",),
    "SY": ("Syria",),
    "CZ": ("Czech Republic", "Czechia", "Česko", "Česká republika", "ČR", "Tschechische Republik"),
    "SK": ("Slovakia", "Slovensko", "Slowakei"),
    "MK": ("North Macedonia", "Macedonia", "FYROM", "Македонија", "Северна Македонија", "Република Северна Македонија",
           "Република Македонија", "Maqedonia", "Mazedonien", "Makedonie", "Makedonien"),
    "NL": ("Holland", "The Netherlands"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "MD": ("Moldova",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "TZ": ("Tanzania",),
    "LA": ("Laos",),
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "DE": ("Germany", "BRD", "Deutschland", "Federal Republic of Germany", "Gjermania", "SRN"),
    "SE": ("Sweden", "Sverige", "Švédsko", "Швеция", "Шведска", "Suedia"),
    "BG": ("Bulgaria", "България", "Bulgarien", "Bullgaria"),
    "AL": ("Albania", "Shqipëria", "Shqipëri", "Албания", "Албанија"),
    "XK": ("Kosovo", "Kosova", "Kosovë", "Republika e Kosovës", "Republic of Kosovo", "Косово", "Република Косово",
           "XKX", "XKK"),
}

# Kosovo has a user-assigned code (XK) that ISO 3166-1 itself does not list, so pycountry does not either.
EXTRA_CODES: frozenset[str] = frozenset({"XK"})

# "N/A" and its kind mean "not known", never Namibia.
NOT_KNOWN: frozenset[str] = frozenset({"na", "nv", "tbd", "tba", "unknown", "none", "nichtbekannt", "neznamo"})

_NON_WORD = re.compile(r"[\W_]+")
_SPLIT = re.compile(r"\s*(?:[/;|,+&]|\band\b|\bund\b|\bа\b|\ba\b|\boch\b|\bdhe\b|\bи\b)\s*", re.IGNORECASE)


def fold(text: str) -> str:
    """The key a country name is looked up by: case, punctuation, spacing and diacritics do not matter."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = anyascii(text)
    return _NON_WORD.sub("", text.casefold())


def _names(country) -> Iterator[str]:
    for attribute in ("name", "official_name", "common_name"):
        value = getattr(country, attribute, None)
        if value:
            yield value


def _weak_spellings(name: str) -> Iterator[str]:
    """Other ways of writing an inverted ISO name: "Korea, Republic of" -> "Republic of Korea", "Korea"."""
    if ", " in name:
        head, _, tail = name.partition(", ")
        yield f"{tail} {head}"
        yield head


@cache
def _table() -> dict[str, str]:
    """Folded name or code -> alpha-2 code, built once from pycountry and ALIASES."""
    import pycountry

    locales = Path(pycountry.__file__).resolve().parent / "locales"
    catalogues = []
    for language in NAME_LANGUAGES:
        try:
            catalogues.append(gettext.translation("iso3166-1", str(locales), languages=[language]))
        except OSError:  # a pycountry without this language: English and the aliases still work
            continue
    table: dict[str, str] = {}
    ambiguous: set[str] = set()  # keys two countries' names share: left out, not guessed

    def add(text: str, code: str, *, strong: bool = False, weak: bool = False) -> None:
        key = fold(text)
        if not key or (key in ambiguous and not strong):
            return
        known = table.get(key)
        if strong or known is None:
            table[key] = code
        elif known != code and not weak:
            ambiguous.add(key)
            del table[key]

    # Codes first and aliases last (strong): "Kina" is China, whatever a catalogue says.
    for country in pycountry.countries:
        add(country.alpha_2, country.alpha_2, strong=True)
        add(country.alpha_3, country.alpha_2, strong=True)
    names: list[tuple[str, str]] = []
    for country in pycountry.countries:
        for name in _names(country):
            names.append((name, country.alpha_2))
            for catalogue in catalogues:
                translated = catalogue.gettext(name)
                if translated != name:
                    names.append((translated, country.alpha_2))
    for name, code in names:
        add(name, code)
    for name, code in names:  # only where no full name says otherwise ("Congo" stays the Republic of the Congo)
        for spelling in _weak_spellings(name):
            add(spelling, code, weak=True)
    for code in EXTRA_CODES:
        add(code, code, strong=True)
    for code, aliases in ALIASES.items():
        for alias in aliases:
            add(alias, code, strong=True)
    return table


@lru_cache(maxsize=4096)
def country_codes(text: str | None) -> tuple[str, ...]:
    """The ISO 3166-1 alpha-2 codes of the countries a cell names, in order ("SE/CN" -> ("SE", "CN")).

    Empty when the cell is blank or any part of it is not a country this table knows: a half-read cell is not
    given as if it were whole.
    """
    if not text:
        return ()
    text = str(text).strip()
    if not text:
        return ()
    table = _table()
    key = fold(text)
    if key in NOT_KNOWN:
        return ()
    whole = table.get(key)
    if whole is not None:
        return (whole,)
    parts = [part for part in _SPLIT.split(text) if part and part.strip()]
    if len(parts) < 2:
        return ()
    codes: list[str] = []
    for part in parts:
        code = table.get(fold(part))
        if code is None:
            return ()
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def country_code(text: str | None) -> str:
    """The alpha-2 code of a cell that names one country ("Čína" -> "CN"), else ""."""
    codes = country_codes(text)
    return codes[0] if len(codes) == 1 else ""

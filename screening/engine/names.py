"""Company names made comparable: one lower-case ASCII token string per name, whatever its script, width,
invisible characters or legal form; and BOM cells that name several companies split into one name each.

Normalisation runs in two stages. The first turns any text into ASCII tokens (NFKC, invisible characters
out, traditional -> simplified Chinese, known Chinese words -> English, transliteration). The second works
on those tokens only (spelling variants, stopwords, legal forms at either end), so normalising a normalised
name changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import zhconv
from anyascii import anyascii

from .data import name_tables as tables

__all__ = [
    "DESCRIPTOR_WORDS",
    "GENERIC_WORDS",
    "LEGAL_WORDS",
    "canonical_word",
    "is_generic",
    "is_legal_form",
    "name_tokens",
    "normalise",
    "split_parties",
    "trim_descriptors",
]

_ASCII_WORD = re.compile(r"[a-z0-9]+")

# Format characters (Unicode category Cf) that render as nothing: zero-width space and joiners, bidi
# marks and embeddings, word joiner, BOM, soft hyphen, and their rarer kin; plus variation selectors.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)
# Han ideographs and kana: runs of these are transliterated as one token ("华为" -> "huawei").
_CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_CHINESE_WORD = re.compile("|".join(sorted(map(re.escape, tables.CHINESE_WORDS), key=len, reverse=True)))
_CYRILLIC_WORD = re.compile(r"\b(" + "|".join(map(re.escape, tables.CYRILLIC_WORDS)) + r")\b")


def _ascii_words(text: str) -> list[str]:
    """Stage one: any text -> lower-case ASCII words."""
    if text.isascii():
        return _ASCII_WORD.findall(text.lower())
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    if _CJK_RUN.search(text):
        text = zhconv.convert(text, "zh-hans")
        text = _CHINESE_WORD.sub(lambda m: f" {tables.CHINESE_WORDS[m.group()]} ", text)
        # Keep a CJK run apart from Latin letters next to it: "ZTE中兴" is two words.
        text = _CJK_RUN.sub(lambda m: f" {m.group()} ", text)
    text = text.casefold()
    text = _CYRILLIC_WORD.sub(lambda m: f" {tables.CYRILLIC_WORDS[m.group()]} ", text)
    return _ASCII_WORD.findall(anyascii(text).lower())


def _fold(words: list[str]) -> tuple[str, ...]:
    return tuple(map(_VARIANTS.get, words, words))


def _phrases(forms) -> frozenset[tuple[str, ...]]:
    """Table entries -> token tuples, with dotted single letters also written solid ("s a u" -> "sau")."""
    phrases = set()
    for form in forms:
        words = _fold(_ascii_words(form))
        if words:
            phrases.add(words)
            if len(words) > 1 and all(len(word) == 1 for word in words):
                phrases.add(("".join(words),))
    return frozenset(phrases)


_VARIANTS: dict[str, str] = dict(tables.WORD_VARIANTS)
_TRAILING = _phrases(form for forms in tables.TRAILING_LEGAL_FORMS.values() for form in forms)
_LEADING = _phrases(tables.LEADING_LEGAL_FORMS)
_LONGEST_FORM = max(len(phrase) for phrase in _TRAILING | _LEADING)
_TRAILING_LAST = frozenset(phrase[-1] for phrase in _TRAILING)
_LEADING_FIRST = frozenset(phrase[0] for phrase in _LEADING)
_STOPWORDS = frozenset(tables.STOPWORDS)
LEGAL_WORDS: frozenset[str] = frozenset(word for phrase in _TRAILING | _LEADING for word in phrase)
GENERIC_WORDS: frozenset[str] = (
    frozenset(_fold(tables.GENERIC_WORDS.split())) | frozenset(_VARIANTS.values()) | LEGAL_WORDS
)
DESCRIPTOR_WORDS: frozenset[str] = frozenset(tables.DESCRIPTOR_WORDS)
_NO_PARTY = frozenset(tables.NO_PARTY_CELLS)


def _core_words(words: tuple[str, ...]) -> list[str]:
    """Stage two: drop stopwords, then legal forms at either end until none is left there."""
    core = list(words) if _STOPWORDS.isdisjoint(words) else [word for word in words if word not in _STOPWORDS]
    changed = True
    while core and changed and (core[-1] in _TRAILING_LAST or core[0] in _LEADING_FIRST):
        changed = False
        for size in range(min(_LONGEST_FORM, len(core)), 0, -1):
            if tuple(core[-size:]) in _TRAILING:
                del core[-size:]
                changed = True
                break
            if tuple(core[:size]) in _LEADING:
                del core[:size]
                changed = True
                break
    return core


def _strip_legal_forms(words: tuple[str, ...]) -> tuple[str, ...]:
    # A name made only of legal words ("Company Limited") keeps its words rather than becoming nothing.
    return tuple(_core_words(words)) or words


@lru_cache(maxsize=65_536)
def _tokens(name: str) -> tuple[str, ...]:
    return _strip_legal_forms(_fold(_ascii_words(name)))


def name_tokens(name: str) -> tuple[str, ...]:
    """The words of the normalised name, in order."""
    if not isinstance(name, str):
        name = "" if name is None else str(name)
    try:
        return _tokens(name)
    except Exception:  # a name the tables cannot handle must still be screened, as plain text
        return tuple(_ASCII_WORD.findall(anyascii(str(name)).lower()))


def normalise(name: str) -> str:
    """`name` as a lower-case ASCII token string for comparison; never raises, idempotent.

    "华为技术有限公司", "華為技術有限公司" and "HUAWEI TECHNOLOGIES CO., LTD." all give "huawei technology";
    "АО «Лаборатория Касперского»" gives "laboratoriya kasperskogo"; "ＨＵＡＷＥＩ" and "Hua\\u200bwei" (a
    zero-width space inside) give "huawei".
    """
    return " ".join(name_tokens(name))


def canonical_word(word: str) -> str:
    """The one spelling kept for a normalised word: "technologies" -> "technology"."""
    return _VARIANTS.get(word, word)


def is_generic(word: str) -> bool:
    """True for a normalised word that says what or where a company is, not who: "technology", "shenzhen"."""
    return word in GENERIC_WORDS or word.isdigit() or len(word) < 2


def is_legal_form(text: str) -> bool:
    """True when `text` is nothing but a legal form ("Ltd.", "Co., Ltd.", "Inc", "有限公司")."""
    words = _fold(_ascii_words(text)) if isinstance(text, str) else ()
    return bool(words) and not _core_words(words)


def trim_descriptors(words: tuple[str, ...]) -> tuple[str, ...]:
    """`words` without trailing descriptor words ("dahua technology" -> "dahua"), or ()
    when there are none to trim or nothing distinctive would be left."""
    end = len(words)
    while end and words[end - 1] in DESCRIPTOR_WORDS:
        end -= 1
    trimmed = words[:end]
    if end == len(words) or not any(not is_generic(word) for word in trimmed):
        return ()
    return trimmed


# --- cells naming several companies ---------------------------------------------------------------------

_OPENERS = "([{«‹「『（【"
_CLOSERS = ")]}»›」』）】"
_ALWAYS_SPLIT = "\n\r\t;|；｜、"
_COMMAS = ",，"
_SLASHES = "/／"
_BULLETS = "•·*▪‣◦-–— "


def _letters_around(cell: str, at: int) -> tuple[int, int]:
    before = after = 0
    i = at - 1
    while i >= 0 and cell[i].isalpha():
        before += 1
        i -= 1
    i = at + 1
    while i < len(cell) and cell[i].isalpha():
        after += 1
        i += 1
    return before, after


def _is_separator(cell: str, at: int) -> bool:
    char = cell[at]
    if char in _ALWAYS_SPLIT or char in _COMMAS:
        return True
    spaced_before = at > 0 and cell[at - 1].isspace()
    spaced_after = at + 1 < len(cell) and cell[at + 1].isspace()
    if char in _SLASHES:
        if spaced_before or spaced_after:
            return True
        # "Ericsson/Huawei" splits; "I/O Devices", "N/A", "A/S", "TCP/IP" do not.
        before, after = _letters_around(cell, at)
        return before >= 3 and after >= 3
    if char == "+":
        return spaced_before and spaced_after
    return False


def split_parties(cell: str) -> list[str]:
    """The companies a BOM cell names, as written: "Ericsson / Huawei" -> ["Ericsson", "Huawei"].

    Splits on new lines, ";", "|", "、", commas, "+" between spaces, and "/" between spaces or between
    words of three letters or more. Keeps "Rohde & Schwarz", "AT&T", "I/O Devices Ltd", text in brackets,
    and a comma before a legal form ("Huawei Technologies Co., Ltd.", "Cisco Systems, Inc."). Does not split
    on "and": it belongs to names ("Nokia Solutions and Networks"), and a cell such as "Huawei and Nokia"
    still matches both companies as possible matches, so it reaches review either way. A cell of "-",
    "n/a", "none", "tbd" and the like names nobody.
    """
    if not isinstance(cell, str) or not cell.strip():
        return []
    try:
        return _split(cell)
    except Exception:  # an odd cell is still screened whole rather than failing the BOM
        stripped = cell.strip()
        return [] if stripped.casefold() in _NO_PARTY else [stripped]


def _split(cell: str) -> list[str]:
    spans: list[tuple[int, int, bool]] = []  # start, end, ended by a comma
    depth = 0
    start = 0
    for at, char in enumerate(cell):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and _is_separator(cell, at):
            spans.append((start, at, char in _COMMAS))
            start = at + 1
    spans.append((start, len(cell), False))

    # A part that is only a legal form belongs to the part before it: "Co.," + " Ltd." -> "Co., Ltd.".
    merged: list[list[int]] = []
    previous_comma = False
    for begin, end, comma in spans:
        text = cell[begin:end]
        if merged and previous_comma and text.strip() and is_legal_form(text):
            merged[-1][1] = end
        elif text.strip():
            merged.append([begin, end])
        previous_comma = comma

    parties = []
    for begin, end in merged:
        text = cell[begin:end].strip().lstrip(_BULLETS).strip()
        if text and text.casefold() not in _NO_PARTY:
            parties.append(text)
    return parties

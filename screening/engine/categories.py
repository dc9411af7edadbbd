"""Product categories on a list (the FCC Covered List's foreign-made drones, say): which of them a BOM line's
description, part numbers and product codes describe.

Cheap per line: keywords are looked up word by word in a set (phrases by their first word), product codes by
their prefixes in a dict, so a line costs a few dict look-ups whatever the number of categories.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .records import EntityKind, Field, ListedEntity

_WORD = re.compile(r"[^\W_]+")
_NOT_CODE = re.compile(r"[^0-9A-Z]")
MIN_CODE_PREFIX = 2


def code_key(code: str) -> str:
    """A product code as it is compared: letters and digits only, upper case ("8806.21" -> "880621")."""
    return _NOT_CODE.sub("", unicodedata.normalize("NFKC", code).upper())


def keyword_tokens(text: str) -> tuple[str, ...]:
    """The words of a keyword or a description, case and width folded ("Drone," -> "drone")."""
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _plural(word: str) -> str:
    """The singular of an English plural, crudely: enough for "drones", "routers", "batteries"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class CategoryMatch:
    """A listed category a line's cell describes, and the evidence."""

    entity: ListedEntity
    field: str  # the BOM field whose cell matched
    value: str  # that cell as written
    term: str  # the keyword or product code, as the list gives it
    how: str  # "keyword", "product code" or "part number"


class CategoryIndex:
    """The keywords and product codes of every listed category, ready for many look-ups."""

    def __init__(self, entities: Iterable[ListedEntity]):
        self._words: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}  # first word -> (phrase, entity, term)
        self._codes: dict[str, list[tuple[int, str]]] = {}  # code key -> (entity, code as written)
        self._entities: list[ListedEntity] = []
        for entity in entities:
            if entity.kind != EntityKind.CATEGORY:
                continue
            entity_id = len(self._entities)
            self._entities.append(entity)
            for term in entity.keywords:
                phrase = tuple(_plural(word) for word in keyword_tokens(term))
                if phrase:
                    self._words.setdefault(phrase[0], []).append((phrase, entity_id, term))
            for code in entity.product_codes:
                key = code_key(code)
                if len(key) >= MIN_CODE_PREFIX:
                    self._codes.setdefault(key, []).append((entity_id, code))

    def __bool__(self) -> bool:
        return bool(self._entities)

    @property
    def category_count(self) -> int:
        return len(self._entities)

    def match_text(self, text: str) -> list[tuple[int, str]]:
        """(category, keyword) pairs whose keyword is a whole word or phrase of `text`."""
        words = [_plural(word) for word in keyword_tokens(text)]
        found: list[tuple[int, str]] = []
        for i, word in enumerate(words):
            for phrase, entity_id, term in self._words.get(word, ()):
                if len(phrase) == 1 or tuple(words[i : i + len(phrase)]) == phrase:
                    found.append((entity_id, term))
        return found

    def match_code(self, text: str, *, prefix: bool) -> list[tuple[int, str]]:
        """(category, code) pairs whose code is the cell's code or, with `prefix`, a leading part of it
        (HS code 8806 covers 8806.21.00)."""
        key = code_key(text)
        if not key:
            return []
        if not prefix:
            return list(self._codes.get(key, ()))
        found: list[tuple[int, str]] = []
        for end in range(MIN_CODE_PREFIX, len(key) + 1):
            found.extend(self._codes.get(key[:end], ()))
        return found

    def match_line(self, values: Mapping[str, str]) -> list[CategoryMatch]:
        """The categories a line's product cells describe, one match per category: its product code column
        first (by prefix), then keywords in the description, part number and model, then part numbers equal
        to a listed code."""
        best: dict[int, CategoryMatch] = {}

        def keep(pairs: list[tuple[int, str]], field: str, how: str) -> None:
            for entity_id, term in pairs:
                if entity_id not in best:
                    best[entity_id] = CategoryMatch(self._entities[entity_id], field, values[field], term, how)

        code_cell = values.get(Field.PRODUCT_CODE)
        if code_cell and self._codes:
            keep(self.match_code(code_cell, prefix=True), str(Field.PRODUCT_CODE), "product code")
        if self._words:
            for name in (Field.DESCRIPTION, Field.PART_NUMBER, Field.MPN):
                cell = values.get(name)
                if cell:
                    keep(self.match_text(cell), str(name), "keyword")
        if self._codes:
            for name in (Field.PART_NUMBER, Field.MPN):
                cell = values.get(name)
                if cell:
                    keep(self.match_code(cell, prefix=False), str(name), "part number")
        return list(best.values())

"""An index of listed entities that finds which of them a company name from a BOM refers to, with evidence.

Approach: names are normalised (names.normalise) and their words sorted into generic (technology, shenzhen,
ltd...) and distinctive (huawei, hikvision, zte). Equal names, or equal but for spacing, word order or a
trailing descriptor ("Huawei" / "Huawei Technologies"), are confirmed. Otherwise every distinctive word of the
listed name must be in the BOM name, exactly or within a typo (5+ letters, same first letter), with at most
one distinctive word to spare; generic words only nudge the score; all-generic names match only exactly.
Typo candidates come from one rapidfuzz cdist per first letter over the distinctive words, not per name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .data.name_tables import WORD_VARIANTS
from .names import GENERIC_WORDS, LEGAL_WORDS, canonical_word, is_generic, name_tokens, trim_descriptors
from .records import EntityKind, ListedEntity, Match, Message, gettext_noop

__all__ = ["EntityIndex"]

FUZZY_MIN_LENGTH = 5  # shorter distinctive words ("zte", "dji", "hyt", "smic") match exactly or not at all
INDEL_MIN_LENGTH = 6  # a letter more or less counts as a typo from this length on
TWO_TYPOS_MIN_LENGTH = 9
MAX_TYPOS = 2

# Score of a possible match: 1, less these for each difference; confirmed matches score 1.0 exactly.
TYPO_COST = 0.04  # per edit in a distinctive word
SPACING_COST = 0.02  # "hik vision" for "hikvision"
EXTRA_WORD_COST = 0.06  # per distinctive word of the BOM name that the listed name lacks ("huawei marine")
MAX_EXTRA_WORDS = 1
EXTRA_WORD_MIN_NAME = 6  # letters of exactly matched distinctive name needed to tolerate an extra word
GENERIC_DIFF_COST = 0.01  # per generic word in one name only, or misspelt
GENERIC_DIFF_CAP = 0.04
BEST_POSSIBLE = 0.99

# The evidence of a match, as an officer reads it (in their language on the Django side).
_ALIAS = gettext_noop('alias "{alias}" of {entity}')
_LISTED_NAME = gettext_noop('listed name "{name}"')
_EQUAL = gettext_noop('{name} (after normalisation: "{norm}")')
_WITH_DESCRIPTOR = gettext_noop('{name} followed by the generic descriptor "{dropped}" (after normalisation: "{norm}")')
_OTHER_ORDER = gettext_noop('{name}: same words in another order ("{given}" ~ "{listed}")')
_WITHOUT_DESCRIPTOR = gettext_noop('{name} without its generic descriptor "{dropped}" (after normalisation: "{norm}")')
_SPACED = gettext_noop('{name}: same letters, spaced differently ("{given}" ~ "{listed}")')
_POSSIBLE = gettext_noop('possible match with {name}: {detail} (after normalisation: "{given}" ~ "{listed}")')
_TYPO = gettext_noop("typo: '{given}' ~ '{listed}'")
_SPACING = gettext_noop("spacing: '{given}' ~ '{listed}'")
_EXTRA_WORDS = gettext_noop("word not in the listed name: {words}")
_GENERIC_TYPO = gettext_noop("typo in a generic word: '{word}' ~ '{target}'")
_GENERIC_DIFFER = gettext_noop("generic words differ: {words}")
_SAME_WORDS = gettext_noop("same distinctive words")


def _quoted(words) -> str:
    return ", ".join(f"'{word}'" for word in words)

# Misspelt generic words are recognised against these ("comunications", "corporatoin").
_GENERIC_TARGETS: tuple[str, ...] = tuple(
    sorted(word for word in GENERIC_WORDS | set(WORD_VARIANTS) if len(word) > FUZZY_MIN_LENGTH)
)


def _allowed_typos(a: str, b: str) -> int:
    shorter = min(len(a), len(b))
    if shorter < FUZZY_MIN_LENGTH:
        return 0
    return 2 if shorter >= TWO_TYPOS_MIN_LENGTH else 1


def _typos(listed: str, given: str) -> int | None:
    """Edits between two words when they are close enough to be one word misspelt, else None.

    A five-letter word only takes a swapped or replaced letter: one letter more or less makes another word
    as often as a typo ("nubia" / "nubian").
    """
    if listed == given:
        return 0
    allowed = _allowed_typos(listed, given)
    length_gap = abs(len(listed) - len(given))
    if not allowed or listed[0] != given[0] or length_gap > allowed:
        return None
    if length_gap and min(len(listed), len(given)) < INDEL_MIN_LENGTH:
        return None
    distance = OSA.distance(listed, given, score_cutoff=allowed)
    return distance if distance <= allowed else None


def _distinctive(tokens: Iterable[str]) -> list[str]:
    return [token for token in tokens if not is_generic(token)]


def _add(table: dict, key, value: int) -> None:
    """Posting lists that stay a bare int while they hold one id: most keys name one entity."""
    held = table.get(key)
    if held is None:
        table[key] = value
    elif isinstance(held, int):
        if held != value:
            table[key] = [held, value]
    elif held[-1] != value:
        held.append(value)


def _ids(held) -> Iterator[int]:
    if held is None:
        return iter(())
    if isinstance(held, int):
        return iter((held,))
    return iter(held)


@dataclass(slots=True)
class _Query:
    text: str
    tokens: tuple[str, ...]
    norm: str
    distinct: list[str]
    units: list[tuple[str, tuple[int, ...]]]  # distinctive words, and neighbours run together ("hua"+"wei")
    candidates: set[int] = field(default_factory=set)


@dataclass(slots=True)
class _Found:
    name_id: int
    score: float
    confirmed: bool
    explanation: Message


class EntityIndex:
    """Every canonical name and alias of the given entities, normalised once, ready for many look-ups."""

    def __init__(self, entities: Iterable[ListedEntity], *, review_threshold: float = 0.88, workers: int = 1):
        self.review_threshold = review_threshold
        self.workers = workers  # rapidfuzz threads; 1 suits Celery's one-process-per-core workers
        self._entities: list[ListedEntity] = []
        self._name_text: list[str] = []  # as written in the list
        self._name_entity: list[int] = []
        self._name_is_alias = bytearray()
        self._name_norm: list[str] = []
        self._same_norm_texts: dict[int, list[tuple[str, bool]]] = {}  # further names of one entity, one norm
        self._exact: dict[str, int | list[int]] = {}
        self._postings: dict[str, int | list[int]] = {}  # distinctive word -> names holding it
        self._generic_typos: dict[str, str] = {}
        for entity in entities:
            if entity.kind == EntityKind.COMPANY:  # a product category is matched by engine.categories
                self._add_entity(entity)
        self._fuzzy_words = self._bucket_words()

    @property
    def entity_count(self) -> int:
        return len(self._entities)

    def _add_entity(self, entity: ListedEntity) -> None:
        entity_id = len(self._entities)
        self._entities.append(entity)
        seen: dict[str, int] = {}
        for position, text in enumerate((entity.name, *entity.aliases)):
            tokens = name_tokens(text)
            norm = " ".join(tokens)
            if not norm:
                continue
            if norm in seen:
                self._same_norm_texts.setdefault(seen[norm], []).append((text, position > 0))
                continue
            name_id = seen[norm] = len(self._name_text)
            self._name_text.append(text)
            self._name_entity.append(entity_id)
            self._name_is_alias.append(position > 0)
            self._name_norm.append(norm)
            _add(self._exact, norm, name_id)
            distinct = _distinctive(tokens)
            for word in distinct:
                _add(self._postings, word, name_id)
            if len(distinct) > 1:
                _add(self._postings, "".join(distinct), name_id)

    def _bucket_words(self) -> dict[str, list[str]]:
        buckets: dict[str, list[str]] = {}
        for word in self._postings:
            if len(word) >= FUZZY_MIN_LENGTH:
                buckets.setdefault(word[0], []).append(word)
        return buckets

    # --- look-ups -------------------------------------------------------------------------------------

    def match(self, name: str) -> list[Match]:
        """Listed entities `name` may refer to, best first: confirmed matches, then possible ones."""
        return self.match_many([name]).get(name, [])

    def match_many(self, names: Iterable[str]) -> dict[str, list[Match]]:
        """`match` for many names at once (the distinct names of a BOM): one fuzzy pass for all of them."""
        queries: dict[str, _Query] = {}
        by_text: dict[str, str] = {}
        for text in names:
            if text in by_text:
                continue
            tokens = name_tokens(text)
            norm = " ".join(tokens)
            by_text[text] = norm
            if norm and norm not in queries:
                queries[norm] = self._query(text, tokens, norm)

        self._learn_generic_typos({word for query in queries.values() for word in query.distinct})
        neighbours = self._neighbours({unit for query in queries.values() for unit, _ in query.units})
        results: dict[str, list[Match]] = {}
        for norm, query in queries.items():
            for unit, _ in query.units:
                for word in neighbours.get(unit, ()):
                    query.candidates.update(_ids(self._postings[word]))
            results[norm] = self._matches(query)
        found = {text: list(results.get(norm, ())) for text, norm in by_text.items()}
        # Names written differently that normalise alike ("Huawei", "华为") share the candidates, but each is told
        # the listed name written like itself, whichever of them came first.
        for text, norm in by_text.items():
            query = queries.get(norm)
            if query is not None and query.text != text:
                alike = self._query(text, query.tokens, norm)
                alike.candidates = query.candidates
                found[text] = self._matches(alike)
        return found

    def _query(self, text: str, tokens: tuple[str, ...], norm: str) -> _Query:
        distinct = _distinctive(tokens)
        units = [(word, (i,)) for i, word in enumerate(distinct)]
        units += [(distinct[i] + distinct[i + 1], (i, i + 1)) for i in range(len(distinct) - 1)]
        if len(distinct) > 2:
            units.append(("".join(distinct), tuple(range(len(distinct)))))
        return _Query(text=text, tokens=tokens, norm=norm, distinct=distinct, units=units)

    def _neighbours(self, units: set[str]) -> dict[str, list[str]]:
        """Listed distinctive words equal to each unit or within its typo allowance: one cdist per letter."""
        found: dict[str, list[str]] = {unit: [unit] for unit in units if unit in self._postings}
        by_letter: dict[str, list[str]] = {}
        for unit in units:
            if len(unit) >= FUZZY_MIN_LENGTH and unit[0] in self._fuzzy_words:
                by_letter.setdefault(unit[0], []).append(unit)
        for letter, given in by_letter.items():
            listed = self._fuzzy_words[letter]
            distances = process.cdist(
                given,
                listed,
                scorer=OSA.distance,
                score_cutoff=MAX_TYPOS,
                dtype=np.uint8,
                workers=self.workers,
            )
            for row, column in zip(*np.nonzero(distances <= MAX_TYPOS), strict=True):
                unit, word = given[row], listed[column]
                if unit != word and _typos(word, unit) is not None:
                    found.setdefault(unit, []).append(word)
        return found

    def _learn_generic_typos(self, words: set[str]) -> None:
        """Remember which BOM words are generic words misspelt ("comunications"), so they carry no weight."""
        unknown = [w for w in words if w not in self._generic_typos and len(w) > FUZZY_MIN_LENGTH]
        if not unknown:
            return
        distances = process.cdist(
            unknown,
            _GENERIC_TARGETS,
            scorer=OSA.distance,
            score_cutoff=MAX_TYPOS,
            dtype=np.uint8,
            workers=self.workers,
        )
        for row, word in enumerate(unknown):
            best = ""
            for column in np.argsort(distances[row], kind="stable")[:3]:
                target = _GENERIC_TARGETS[column]
                if word not in self._postings and _typos(target, word):
                    best = canonical_word(target)
                    break
            self._generic_typos[word] = best

    def _matches(self, query: _Query) -> list[Match]:
        best: dict[int, _Found] = {}

        def keep(found: _Found) -> None:
            entity_id = self._name_entity[found.name_id]
            held = best.get(entity_id)
            if held is None or (found.confirmed, found.score) > (held.confirmed, held.score):
                best[entity_id] = found

        for found in self._confirmed(query):
            keep(found)
        for name_id in query.candidates:
            held = best.get(self._name_entity[name_id])
            if held is not None and held.confirmed:
                continue
            found = self._confirmed_variant(query, name_id) or self._possible(query, name_id)
            if found is not None:
                keep(found)

        matches = [
            Match(
                entity=self._entities[entity_id],
                score=found.score,
                confirmed=found.confirmed,
                matched_name=self._written(found.name_id, query)[0],
                explanation=found.explanation,
            )
            for entity_id, found in best.items()
        ]
        matches.sort(key=lambda m: (not m.confirmed, -m.score, m.entity.name, m.entity.key))
        return matches

    def _written(self, name_id: int, query: _Query) -> tuple[str, bool]:
        """The listed name or alias to show: of those normalising alike, the one written like the query."""
        first = (self._name_text[name_id], bool(self._name_is_alias[name_id]))
        if name_id not in self._same_norm_texts:
            return first
        texts = [first, *self._same_norm_texts[name_id]]
        for text, is_alias in texts:
            if text.casefold() == query.text.casefold():
                return text, is_alias
        for text, is_alias in texts:
            if text.isascii() == query.text.isascii():
                return text, is_alias
        return first

    def _label(self, name_id: int, query: _Query) -> Message:
        entity = self._entities[self._name_entity[name_id]]
        text, is_alias = self._written(name_id, query)
        if is_alias:
            return Message(_ALIAS, {"alias": text, "entity": entity.name})
        return Message(_LISTED_NAME, {"name": entity.name})

    def _confirmed(self, query: _Query) -> Iterator[_Found]:
        """Listed names equal to the query, as it is, run together, or without a trailing descriptor."""
        tokens, norm = query.tokens, query.norm
        for name_id in _ids(self._exact.get(norm)):
            yield _Found(name_id, 1.0, True, Message(_EQUAL, {"name": self._label(name_id, query), "norm": norm}))
        if len(tokens) > 1:
            for name_id in _ids(self._exact.get("".join(tokens))):  # "hua wei" for "Huawei"
                yield self._spacing_found(query, name_id)
        trimmed = trim_descriptors(tokens)
        if trimmed:
            short = " ".join(trimmed)
            dropped = norm[len(short) :].strip()
            for name_id in _ids(self._exact.get(short)):
                yield _Found(
                    name_id,
                    1.0,
                    True,
                    Message(_WITH_DESCRIPTOR, {"name": self._label(name_id, query), "dropped": dropped, "norm": short}),
                )

    def _confirmed_variant(self, query: _Query, name_id: int) -> _Found | None:
        """A candidate sharing a distinctive word that is the query's name in other words: same words in
        another order, other spacing, or the query without the listed name's trailing descriptor."""
        listed = self._name_norm[name_id]
        if listed == query.norm:
            return None
        listed_tokens = tuple(listed.split())
        if sorted(listed_tokens) == sorted(query.tokens):
            return _Found(
                name_id,
                1.0,
                True,
                Message(_OTHER_ORDER, {"name": self._label(name_id, query), "given": query.norm, "listed": listed}),
            )
        if listed.replace(" ", "") == "".join(query.tokens):
            return self._spacing_found(query, name_id)
        if trim_descriptors(listed_tokens) == query.tokens:
            dropped = listed[len(query.norm) :].strip()
            return _Found(
                name_id,
                1.0,
                True,
                Message(
                    _WITHOUT_DESCRIPTOR, {"name": self._label(name_id, query), "dropped": dropped, "norm": query.norm}
                ),
            )
        return None

    def _spacing_found(self, query: _Query, name_id: int) -> _Found:
        listed = self._name_norm[name_id]
        spaced = Message(_SPACED, {"name": self._label(name_id, query), "given": query.norm, "listed": listed})
        return _Found(name_id, 1.0, True, spaced)

    def _possible(self, query: _Query, name_id: int) -> _Found | None:
        listed_tokens = self._name_norm[name_id].split()
        listed_distinct = _distinctive(listed_tokens)
        if not listed_distinct:
            return None  # a listed name of generic words only is matched exactly or not at all
        aligned = self._align(listed_distinct, query)
        if aligned is None and len(listed_distinct) > 1:
            # "Hikvision" for a listed "Hik Vision": compare the distinctive words run together.
            aligned = self._align(["".join(listed_distinct)], query, spaced=True)
        if aligned is None:
            return None
        used, pairs = aligned

        notes: list[Message] = []
        score = 1.0
        for listed, given, edits, spaced in pairs:
            if edits:
                score -= TYPO_COST * edits
                notes.append(Message(_TYPO, {"given": given, "listed": listed}))
            if spaced:
                score -= SPACING_COST
                notes.append(Message(_SPACING, {"given": given, "listed": listed}))

        extra, generic_typos = [], []
        for i, word in enumerate(query.distinct):
            if i in used:
                continue
            if self._generic_typos.get(word):
                generic_typos.append((word, self._generic_typos[word]))
            else:
                extra.append(word)
        if extra:
            # "Huawei Marine Networks" is worth a review; "Honor Guard Security" is not "Honor Device":
            # one extra word at most, and only next to an exact, long distinctive name.
            exact = all(not edits and not spaced for _, _, edits, spaced in pairs)
            long_name = len("".join(listed_distinct)) >= EXTRA_WORD_MIN_NAME
            if len(extra) > MAX_EXTRA_WORDS or not exact or not long_name:
                return None
            score -= EXTRA_WORD_COST * len(extra)
            notes.append(Message(_EXTRA_WORDS, {"words": _quoted(extra)}))

        # Legal words left inside a name ("co ltd" before "(Shenzhen)") say nothing about which company it is.
        given_generic = {t for t in query.tokens if is_generic(t)} | {target for _, target in generic_typos}
        listed_generic = {t for t in listed_tokens if is_generic(t)}
        differing = sorted((given_generic ^ listed_generic) - LEGAL_WORDS)
        score -= min(GENERIC_DIFF_CAP, GENERIC_DIFF_COST * (len(differing) + len(generic_typos)))
        for word, target in generic_typos:
            notes.append(Message(_GENERIC_TYPO, {"word": word, "target": target}))
        if differing:
            notes.append(Message(_GENERIC_DIFFER, {"words": _quoted(differing[:6])}))

        score = round(max(0.0, min(BEST_POSSIBLE, score)), 4)
        if score < self.review_threshold:
            return None
        detail = Message.join(notes, "; ") if notes else Message(_SAME_WORDS)
        explanation = Message(
            _POSSIBLE,
            {"name": self._label(name_id, query), "detail": detail, "given": query.norm,
             "listed": self._name_norm[name_id]},
        )
        return _Found(name_id, score, False, explanation)

    @staticmethod
    def _align(listed_distinct: list[str], query: _Query, *, spaced: bool = False):
        """Pair every distinctive listed word with its own part of the BOM name, or None if one has none."""
        used: set[int] = set()
        pairs = []
        for listed in sorted(listed_distinct, key=len, reverse=True):
            best = None
            for unit, positions in query.units:
                if used.intersection(positions):
                    continue
                edits = _typos(listed, unit)
                if edits is None:
                    continue
                rank = (edits, len(positions))
                if best is None or rank < best[0]:
                    best = (rank, unit, positions)
            if best is None:
                return None
            (edits, width), unit, positions = best
            used.update(positions)
            given = " ".join(query.distinct[i] for i in positions)
            pairs.append((listed, given, edits, spaced or width > 1))
        return used, pairs

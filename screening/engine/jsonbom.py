"""BOMs as JSON, read as tables the BOM reader screens like any sheet (no Django here).

- JSON lines (.jsonl, .ndjson): one object per line, such as {"manufacturer": "Huawei", "part_number": "..."};
  the keys are the columns (any header the reader knows: manufacturer, supplier, subcontractor,
  country_of_origin, ...). A line's row number is its line number in the file. A file of lines with
  `contractor` and `subcontractor` keys declares the subcontractor chain.
- CycloneDX JSON (bomFormat "CycloneDX"): each component, nested ones included, is a row of the sheet
  "components", numbered in document order from 1; its columns are manufacturer.name (or the older
  manufacture/author), supplier.name, name, description, version, and a country of origin, network domain or
  quantity given as component properties or in the manufacturer's address.

Both stream: a line, or a component, at a time (ijson), so a large file is never one Python object.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import BinaryIO

from screening.engine.records import BomReadError, Location, Message, gettext_noop

CYCLONEDX_SHEET = "components"
CYCLONEDX_COLUMNS = (
    "bom-ref", "manufacturer.name", "supplier.name", "model", "description", "version", "country of origin",
    "domain", "quantity",
)
_PROPERTY_COLUMNS = {
    "country of origin": "country of origin", "country_of_origin": "country of origin",
    "countryoforigin": "country of origin", "origin": "country of origin", "coo": "country of origin",
    "domain": "domain", "network domain": "domain", "network_domain": "domain", "quantity": "quantity",
    "qty": "quantity",
}
MAX_KEYS = 256
_LINE_EXAMPLE = '{"manufacturer": "...", "supplier": "..."}'


def sniff_json(head: bytes) -> str | None:
    """"cyclonedx", "jsonl" or None for the first bytes of a file."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text.startswith((b"{", b"[")):
        return None
    if b'"bomFormat"' in head and b"CycloneDX" in head:
        return "cyclonedx"
    if text.startswith(b"{"):
        first = text.split(b"\n", 1)[0].strip()
        try:
            json.loads(first)
        except ValueError:
            return None
        return "jsonl"
    return None


def _text(fileobj: BinaryIO) -> io.TextIOWrapper:
    fileobj.seek(0)
    return io.TextIOWrapper(fileobj, encoding="utf-8-sig", errors="strict", newline=None)


def _cell(value) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False)[:2000]


class JsonLinesBook:
    """One sheet ("") whose header is every key seen, in order of first appearance."""

    def __init__(self, fileobj: BinaryIO, filename: str):
        self.filename = filename
        self._fileobj = fileobj
        keys: dict[str, None] = {}
        for number, record in self._records():
            for key in record:
                if key not in keys:
                    if len(keys) >= MAX_KEYS:
                        raise BomReadError(Message(gettext_noop(
                            "the lines use more than {limit} different keys; send one object per BOM line with the "
                            "BOM's columns as keys."
                        ), {"limit": MAX_KEYS}), location=Location(filename, "", number))
                    keys[str(key)] = None
        self.columns = list(keys)

    def _records(self) -> Iterator[tuple[int, dict]]:
        handle = _text(self._fileobj)
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError as exc:
                    raise BomReadError(Message(gettext_noop(
                        "line {line} is not a JSON object ({detail}); each line must be one object such as {example}."
                    ), {"line": str(number), "detail": exc.msg, "example": _LINE_EXAMPLE}),
                        location=Location(self.filename, "", number),
                    ) from None
                if not isinstance(record, dict):
                    raise BomReadError(
                        Message(gettext_noop("line {line} is a JSON {kind}, not an object with the line's columns."),
                                {"line": str(number), "kind": type(record).__name__}),
                        location=Location(self.filename, "", number),
                    )
                yield number, record
        except UnicodeDecodeError:
            raise BomReadError(
                Message(gettext_noop("the JSON is not UTF-8 text; save it as UTF-8 and upload it again.")),
                location=Location(self.filename),
            ) from None
        finally:
            handle.detach()

    def rows(self) -> Iterator[tuple[int, list]]:
        """The header as row 0, then each object as the row of its line number."""
        yield 0, list(self.columns)
        for number, record in self._records():
            yield number, [_cell(record.get(key)) for key in self.columns]


def _name(party) -> str:
    if isinstance(party, dict):
        return str(party.get("name") or "")
    return str(party or "")


def _country(party) -> str:
    if isinstance(party, dict):
        address = party.get("address")
        if isinstance(address, dict):
            return str(address.get("country") or "")
        if isinstance(address, list) and address and isinstance(address[0], dict):
            return str(address[0].get("country") or "")
    return ""


def _component_row(component: dict) -> list:
    manufacturer = component.get("manufacturer") or component.get("manufacture") or component.get("author")
    values = {
        "bom-ref": component.get("bom-ref") or "",
        "manufacturer.name": _name(manufacturer),
        "supplier.name": _name(component.get("supplier")),
        "model": component.get("name") or "",
        "description": component.get("description") or "",
        "version": component.get("version") or "",
        "country of origin": _country(manufacturer) or _country(component.get("supplier")),
        "domain": "",
        "quantity": "",
    }
    for prop in component.get("properties") or []:
        if isinstance(prop, dict):
            key = str(prop.get("name") or "").rsplit(":", 1)[-1].strip().lower()
            column = _PROPERTY_COLUMNS.get(key)
            if column and prop.get("value") not in (None, ""):
                values[column] = str(prop["value"])
    return [_cell(values[column]) for column in CYCLONEDX_COLUMNS]


class CycloneDxBook:
    def __init__(self, fileobj: BinaryIO, filename: str):
        self.filename = filename
        self._fileobj = fileobj

    def _components(self) -> Iterator[dict]:
        import ijson

        self._fileobj.seek(0)

        def walk(component):
            if isinstance(component, dict):
                yield component
                for child in component.get("components") or []:
                    yield from walk(child)

        try:
            for component in ijson.items(self._fileobj, "components.item", use_float=True):
                yield from walk(component)
        except ijson.JSONError as exc:
            raise BomReadError(
                Message(gettext_noop("the CycloneDX JSON cannot be parsed ({detail}); check that it is complete and "
                                     "valid JSON."), {"detail": str(exc)}),
                location=Location(self.filename, CYCLONEDX_SHEET),
            ) from None

    def rows(self) -> Iterator[tuple[int, list]]:
        yield 0, list(CYCLONEDX_COLUMNS)
        for number, component in enumerate(self._components(), start=1):
            yield number, _component_row(component)

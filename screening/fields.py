"""Model fields of the screening plugin."""

from __future__ import annotations

import json

import msgpack
from django.db import models


class PackedField(models.BinaryField):
    """A value of lists, dicts, text and numbers kept as MessagePack bytes. The database stores and returns the
    bytes as they are, where a JSON column would parse the text on the way in (and PostgreSQL's jsonb rebuild
    it); for values of megabytes written once and always read whole, such as a chunk's rows, that parsing, and
    JSON's own encoding and decoding in Python, were most of the cost of keeping them.

    Python sees the decoded value. Bytes given to it are taken as packed already. Values written before the column
    held MessagePack are JSON text, told apart by their first byte (a packed dict or list never starts with "{"
    or "[").
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "screening.fields.PackedField", args, kwargs

    @staticmethod
    def encode(value, default=None) -> bytes:
        """`default` turns what MessagePack cannot hold (a date...) into what it can."""
        return msgpack.packb(value, default=default, use_bin_type=True)

    @staticmethod
    def decode(value):
        if isinstance(value, memoryview):
            value = value.tobytes()
        if isinstance(value, str) or value[:1] in (b"{", b"["):
            return json.loads(value)
        return msgpack.unpackb(value, raw=False, strict_map_key=False)

    def from_db_value(self, value, expression, connection):
        return None if value is None else self.decode(value)

    def to_python(self, value):
        return self.decode(value) if isinstance(value, bytes | bytearray | memoryview | str) else value

    def get_prep_value(self, value):
        if value is None or isinstance(value, bytes | bytearray | memoryview):
            return value
        return self.encode(value)

    def value_to_string(self, obj) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False, default=str)

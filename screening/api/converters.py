"""Path ids: up to 18 digits, so an id the database cannot hold is a 404, not a database error."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")

MAX_ID = 10**18 - 1

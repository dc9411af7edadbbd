"""Messages for people in the reader's language: the engine's and the services' messages are stored in English with
their template and values (engine.records.Message, as JSON beside the English text), and translated when shown.

One door for every page, API response, export and notice: `message_text`. A row stored before templates were kept
has none and shows its English text. The command line (`screen_bom`) keeps the English text, as its contract says.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext

from screening.engine.records import Localised, Message, as_message


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return number_format(value, decimal_pos=1, force_grouping=True)


def message_text(message: Message | dict | str | None, english: str = "") -> str:
    """The message in the active language; `english` when there is no template (a row stored before they were)."""
    if message is None or message == {}:
        return english
    if isinstance(message, dict):
        try:
            message = Message.from_dict(message)
        except (AttributeError, TypeError, ValueError):
            return english
    message = as_message(message)
    language = translation.get_language() or "en"
    if language.split("-")[0] == "en":
        return str(message)
    return message.render(translate=_translate, language=language, number=_number, size=filesizeformat)


def _translate(template: str) -> str:
    # The templates with nothing to translate ("{part0}: {part1}") are not in the catalogues: gettext returns them.
    return gettext(template) if template else template


def message_json(message: Message | str | None) -> dict | None:
    """What a model stores beside the English text: the template and its values, or None for none."""
    if message is None:
        return None
    return as_message(message).as_dict()


def message_json_text(message: Message | None) -> str:
    """The same as JSON text, for a text column ("" for none): what a finding stores beside its explanation. The
    text is kept on the message, so the copies of one finding (one message) are encoded once, whichever chunk
    stores them."""
    return message.as_json() if message is not None else ""


def stored_message_text(template_json: str, english: str) -> str:
    """message_text for a message stored as JSON text (message_json_text). The copies of one finding share their
    text, so a report of thousands of findings renders each distinct one once per language."""
    if not template_json:
        return english
    return _stored_message_text(translation.get_language() or "en", template_json, english)


@lru_cache(maxsize=4096)
def _stored_message_text(language: str, template_json: str, english: str) -> str:
    try:
        data = json.loads(template_json)
    except ValueError:
        return english
    return message_text(data if isinstance(data, dict) else None, english)


def localised(render: Callable[[], str]) -> Localised:
    """Text only Django can write (a model's validation errors, a check's own message), written now in every language
    the site speaks: a value for a message stored to be read later, in whichever language its reader reads."""
    texts = {}
    for code in ("en", *(code for code, _name in settings.LANGUAGES)):
        with translation.override(code):
            texts[code] = render()
    return Localised(texts)

"""Template helpers for the site: URLs that may not exist yet, file sizes, severity badges, percentages."""

from __future__ import annotations

from django import template

from procurement.context_processors import safe_reverse

register = template.Library()


@register.simple_tag
def safe_url(name: str, *args) -> str:
    """The URL, or "" when the name does not resolve (a page another app has not added yet)."""
    return safe_reverse(name, *args)


@register.filter
def percent(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):.0%}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def nonzero_counts(screening) -> list[tuple[str, int]]:
    """[(severity, count)] of a screening's findings, most severe first, leaving out zeros."""
    if screening is None:
        return []
    return [(severity, count) for severity, count in screening.counts.items() if count]

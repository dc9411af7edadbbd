"""Small server-rendered SVG charts: no script and no library, so they print and work without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

SEVERITY_COLOURS = {
    "critical": "#7f1d1d",
    "high": "#c2410c",
    "medium": "#b45309",
    "low": "#1d4ed8",
    "info": "#4b5563",
}
DEFAULT_COLOUR = "#334155"


def bar_chart(
    bars: Sequence[tuple[str, int, str]], *, title: str, width: int = 520, label_width: int = 250
) -> SafeString:
    """A horizontal bar chart: (label, value, colour) per bar, each bar labelled with its value."""
    row_height, gap, top = 22, 6, 28
    height = top + len(bars) * (row_height + gap) + 4
    largest = max((value for _, value, _ in bars), default=0) or 1
    plot = width - label_width - 50
    parts = [
        format_html(
            '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
            'xmlns="http://www.w3.org/2000/svg">',
            title, width, height, width, height,
        ),
        format_html("<title>{}</title>", title),
        format_html('<text x="0" y="16" class="chart-title" font-weight="600" font-size="14">{}</text>', title),
    ]
    if not bars:
        parts.append(format_html('<text x="0" y="{}" font-size="13">{}</text>', top + 14, gettext("Nothing to show.")))
    for index, (label, value, colour) in enumerate(bars):
        y = top + index * (row_height + gap)
        bar = max(round(plot * value / largest), 1 if value else 0)
        shown = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            format_html(
                '<g><title>{}: {}</title>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="2"></rect>'
                '<text x="{}" y="{}" font-size="12">{}</text></g>',
                label, value,
                label_width - 8, y + 15, shown,
                label_width, y, bar, row_height, colour,
                label_width + bar + 6, y + 15, value,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a constant
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part above is escaped


def severity_chart(by_severity: Sequence[tuple[str, str, int]]) -> SafeString:
    return bar_chart(
        [(label, count, SEVERITY_COLOURS.get(value, DEFAULT_COLOUR)) for value, label, count in by_severity],
        title=gettext("Findings by severity"),
    )


def vendor_chart(top_vendors: Sequence[tuple[str, int]]) -> SafeString:
    return bar_chart(
        [(name, count, DEFAULT_COLOUR) for name, count in top_vendors], title=gettext("Findings by vendor (top)")
    )

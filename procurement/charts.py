"""The tender-level chart comparing bids, drawn as inline SVG on the server (no JavaScript, no chart library).

Two panels: findings by severity per bid (stacked bars), and the share of the BOM's value from restricted and
from untrusted vendors per bid. The value shares come from the screening's `bom_value_total`,
`restricted_value` and `untrusted_value` where the plugin records them; otherwise the bar says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext

from screening.choices import STATUS_IN_SENTENCE, Severity

SEVERITY_COLOURS = {
    Severity.CRITICAL: "#7a1020",
    Severity.HIGH: "#c2410c",
    Severity.MEDIUM: "#b7791f",
    Severity.LOW: "#2b6cb0",
    Severity.INFO: "#718096",
}
SHARE_COLOURS = {"restricted": "#7a1020", "untrusted": "#b7791f"}

WIDTH = 720
LABEL_WIDTH = 220
BAR_AREA = WIDTH - LABEL_WIDTH - 60
ROW_HEIGHT = 34
BAR_HEIGHT = 18
TOP = 10


def value_shares(screening) -> dict[str, float] | None:
    """{"restricted": 0..1, "untrusted": 0..1} of the BOM's value, or None when the value is not known."""
    if screening is None:
        return None
    total = getattr(screening, "bom_value_total", None)
    if not total:
        return None
    total = float(total)
    if total <= 0:
        return None
    return {
        kind: min(max(float(getattr(screening, f"{kind}_value", 0) or 0) / total, 0.0), 1.0)
        for kind in ("restricted", "untrusted")
    }


@dataclass
class Row:
    label: str
    y: int
    text_y: int
    segments: list[dict] = field(default_factory=list)
    total: int = 0
    note: str = ""
    note_x: float = LABEL_WIDTH + 4


@dataclass
class Chart:
    width: int
    height: int
    label_width: int
    rows: list[Row]
    legend: list[dict]
    axis: list[dict] = field(default_factory=list)


def _row(index: int, label: str) -> Row:
    y = TOP + index * ROW_HEIGHT
    return Row(label=label[:40], y=y, text_y=y + BAR_HEIGHT // 2 + 5)


def severity_chart(bids) -> Chart:
    """Stacked bars of findings by severity for each bid's latest screening, on a common scale."""
    totals = [sum(bid.latest_screening.counts.values()) if bid.latest_screening else 0 for bid in bids]
    scale = BAR_AREA / max([*totals, 1])
    rows = []
    for index, bid in enumerate(bids):
        row = _row(index, bid.bidder_name)
        screening = bid.latest_screening
        if screening is None:
            row.note = gettext("not screened")
        elif not screening.is_finished:
            row.note = f"{STATUS_IN_SENTENCE.get(screening.status, screening.status)}…"
        else:
            x = LABEL_WIDTH
            for severity in Severity:
                count = screening.counts.get(severity.value, 0)
                if not count:
                    continue
                width = max(round(count * scale, 1), 2)
                row.segments.append(
                    {
                        "x": x,
                        "y": row.y,
                        "height": BAR_HEIGHT,
                        "width": width,
                        "colour": SEVERITY_COLOURS[severity],
                        "title": f"{severity.label}: {count}",
                    }
                )
                x += width
            row.note_x = x + 6
            row.total = totals[index]
            row.note = str(row.total) if row.total else gettext("no findings")
        rows.append(row)
    legend = [{"label": severity.label, "colour": SEVERITY_COLOURS[severity]} for severity in Severity]
    return Chart(WIDTH, TOP * 2 + ROW_HEIGHT * max(len(rows), 1), LABEL_WIDTH, rows, legend)


def value_share_chart(bids) -> Chart:
    """Two thin bars per bid on a 0-100 % scale: the BOM value from restricted and from untrusted vendors."""
    rows = []
    for index, bid in enumerate(bids):
        row = _row(index, bid.bidder_name)
        shares = value_shares(bid.latest_screening) if bid.latest_screening else None
        if shares is None:
            row.note = "value not available"
        else:
            for offset, kind in enumerate(("restricted", "untrusted")):
                share = shares[kind]
                row.segments.append(
                    {
                        "x": LABEL_WIDTH,
                        "y": row.y + offset * (BAR_HEIGHT // 2),
                        "height": BAR_HEIGHT // 2 - 1,
                        "width": max(round(share * BAR_AREA, 1), 1),
                        "colour": SHARE_COLOURS[kind],
                        "title": (gettext("Restricted vendors: %(share)s of the BOM value") if kind == "restricted"
                                  else gettext("Untrusted vendors: %(share)s of the BOM value"))
                        % {"share": f"{share:.0%}"},
                    }
                )
            row.note_x = max(segment["x"] + segment["width"] for segment in row.segments) + 6
            row.note = gettext("restricted %(restricted)s, untrusted %(untrusted)s") % {
                "restricted": f"{shares['restricted']:.0%}", "untrusted": f"{shares['untrusted']:.0%}"}
        rows.append(row)
    legend = [
        {"label": gettext("Restricted vendors"), "colour": SHARE_COLOURS["restricted"]},
        {"label": gettext("Untrusted vendors"), "colour": SHARE_COLOURS["untrusted"]},
    ]
    axis = [{"x": LABEL_WIDTH + BAR_AREA * tick / 100, "label": f"{tick} %"} for tick in (0, 50, 100)]
    return Chart(WIDTH, TOP * 2 + ROW_HEIGHT * max(len(rows), 1) + 14, LABEL_WIDTH, rows, legend, axis)

"""Small server-rendered SVG charts (no JavaScript chart library)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 320, 120, 30, 18, 8


def line_chart(
    *,
    title: str,
    days: Sequence[dt.date],
    lines: Sequence[tuple[str, str, Sequence[float | int | None]]],
) -> SafeString:
    """An SVG with one polyline per ``(label, colour, values)``; the viewBox
    scales to the container, so it fits a 360 px screen."""
    values = [v for _label, _colour, series in lines for v in series if v is not None]
    top = max(values, default=0) or 1
    n = max(len(days) - 1, 1)
    inner_w = WIDTH - PAD_LEFT - 4
    inner_h = HEIGHT - PAD_BOTTOM - PAD_TOP

    def x(i: int) -> float:
        return PAD_LEFT + inner_w * i / n

    def y(v: float) -> float:
        return PAD_TOP + inner_h * (1 - v / top)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 14 * len(lines)}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{y(0):.1f}" x2="{WIDTH - 4}" y2="{y(0):.1f}" '
        'class="axis"/>',
        f'<text x="{PAD_LEFT - 3}" y="{PAD_TOP + 4}" class="tick" '
        f'text-anchor="end">{_short(top)}</text>',
        f'<text x="{PAD_LEFT - 3}" y="{y(0):.1f}" class="tick" '
        'text-anchor="end">0</text>',
    ]
    if days:
        parts.append(
            f'<text x="{PAD_LEFT}" y="{HEIGHT - 4}" class="tick">{days[0]:%d/%m}</text>'
        )
        parts.append(
            f'<text x="{WIDTH - 4}" y="{HEIGHT - 4}" class="tick" '
            f'text-anchor="end">{days[-1]:%d/%m}</text>'
        )
    for index, (label, colour, series) in enumerate(lines):
        points = " ".join(
            f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(series) if v is not None
        )
        if len(days) == 1 and series and series[0] is not None:
            parts.append(
                f'<circle cx="{x(0):.1f}" cy="{y(series[0]):.1f}" r="3" '
                f'fill="{escape(colour)}"/>'
            )
        elif points:
            parts.append(
                f'<polyline fill="none" stroke="{escape(colour)}" stroke-width="2" '
                f'points="{points}"/>'
            )
        ly = HEIGHT + 10 + 14 * index
        parts.append(
            f'<rect x="{PAD_LEFT}" y="{ly - 8}" width="10" height="8" '
            f'fill="{escape(colour)}"/>'
            f'<text x="{PAD_LEFT + 14}" y="{ly}" class="legend">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every value above is escaped


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 1_000:
        return f"{value / 1_000:.0f}k"
    return format_html("{}", round(value, 1))

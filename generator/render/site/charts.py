"""Figures → inline SVG bar charts, drawn at build time with real text labels.

No chart library and no script: the site works offline and the charts print. Every label is
escaped; every number is formatted here, so the SVG is the same bytes for the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

LABEL_W, BAR_W, VALUE_W, ROW_H, BAR_H, TOP = 190, 380, 110, 28, 18, 8
# Series colours: 已整改 / 整改中 / 未整改 follow the status badges of extra.css. Inline
# styles, because the stylesheet's .bar rule would override a fill attribute.
SERIES_FILL = ("#2e7d32", "#f9a825", "#c62828", "#1565c0")
SINGLE_FILL = ("#00897b",)


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[int, ...]  # one per series; a stacked bar when several
    shown: str  # the text printed after the bar (e.g. "12 处 · 3.4%")


def _stack(bar: Bar, y: float, scale: float, palette: tuple[str, ...]) -> list[str]:
    parts, x = [], float(LABEL_W)
    for i, value in enumerate(bar.values):
        if value <= 0:
            continue
        width = value * scale
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                     f'height="{BAR_H}" style="fill:{palette[i % len(palette)]}"/>')
        x += width
    parts.append(f'<text x="{x + 6:.1f}" y="{y + BAR_H - 4:.1f}">{escape(bar.shown)}</text>')
    return parts


def bar_chart(title: str, bars: list[Bar], series: tuple[str, ...] = ()) -> str:
    """A horizontal (optionally stacked) bar chart, one line of SVG per element."""
    longest = max((sum(b.values) for b in bars), default=0) or 1
    scale = BAR_W / longest
    legend_h = ROW_H if len(series) > 1 else 0
    height = TOP + legend_h + ROW_H * len(bars) + 8
    width = LABEL_W + BAR_W + VALUE_W
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
           f"<title>{escape(title)}</title>"]
    if legend_h:
        x = LABEL_W
        for i, name in enumerate(series):
            out.append(f'<rect x="{x}" y="{TOP}" width="12" height="12" '
                       f'style="fill:{SERIES_FILL[i % len(SERIES_FILL)]}"/>')
            out.append(f'<text x="{x + 16}" y="{TOP + 11}">{escape(name)}</text>')
            x += 16 + 14 * len(name) + 24
    for row, bar in enumerate(bars):
        y = TOP + legend_h + row * ROW_H
        out.append(f'<text x="{LABEL_W - 8}" y="{y + BAR_H - 4}" text-anchor="end">'
                   f"{escape(bar.label)}</text>")
        out.extend(_stack(bar, y, scale, SERIES_FILL if len(series) > 1 else SINGLE_FILL))
    out.append("</svg>")
    return "\n".join(out)


def figure(title: str, svg: str) -> str:
    """The chart as a Markdown block: raw HTML, with a caption people can read aloud."""
    return (f'<figure class="chart" markdown="0">\n{svg}\n'
            f"<figcaption>{escape(title)}</figcaption>\n</figure>")

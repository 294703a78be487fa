"""Bar charts drawn by the server as SVG: no script, nothing from another site, and each
shown beside the table of its figures (the table is what a screen reader reads)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 640
HEIGHT = 220
LEFT = 40
BOTTOM = 40
TOP = 10


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int | None]
    css: str
    """A class of the console's stylesheet (dsr-chart__bar--red ...): no inline style."""
    css_each: Sequence[str] = ()
    """A class per bar instead (a rating's own colour), where given."""

    def css_at(self, index: int) -> str:
        return self.css_each[index] if index < len(self.css_each) else self.css


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Grouped bars, one group per label; a missing (suppressed) value draws no bar."""
    peak = max([v for s in series for v in s.values if v is not None] + [1])
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    group_w = plot_w / max(len(labels), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)
    parts = [
        f'<svg class="dsr-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}: the figures are in the table beside it">',
        f'<line class="dsr-chart__axis" x1="{LEFT}" y1="{TOP + plot_h}" '
        f'x2="{WIDTH - 10}" y2="{TOP + plot_h}"/>',
        f'<text class="dsr-chart__label" x="{LEFT - 6}" y="{TOP + 10}" '
        f'text-anchor="end">{peak}</text>',
        f'<text class="dsr-chart__label" x="{LEFT - 6}" y="{TOP + plot_h}" '
        f'text-anchor="end">0</text>',
    ]
    for i, label in enumerate(labels):
        x0 = LEFT + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else None
            if not value:
                continue
            h = plot_h * value / peak
            parts.append(
                f'<rect class="{escape(s.css_at(i))}" x="{x0 + j * bar_w:.1f}" '
                f'y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}"/>'
            )
        parts.append(
            f'<text class="dsr-chart__label" x="{LEFT + (i + 0.5) * group_w:.1f}" '
            f'y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))

"""Server-rendered SVG bar charts: no script, no CDN, readable by a screen reader
(a title and a description list the figures; the table beside it holds them too)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

BAR = 26
GAP = 8
LABEL_WIDTH = 96
CHART_WIDTH = 340


def _short(label):
    label = str(label)
    return label if len(label) <= 7 else label[:6] + "…"


def bar_chart(lines, *, title, value=lambda f: f.person_times, second=None):
    """An SVG of horizontal bars, one per breakdown line (``Figures``), scaled to the
    largest. ``second`` draws a thinner bar under each (人 under 人次)."""
    lines = list(lines)
    top = max((value(line) for line in lines), default=0) or 1
    height = len(lines) * (BAR + GAP) + GAP
    width = CHART_WIDTH
    room = width - LABEL_WIDTH - 62
    summary = "；".join(
        f"{line.label} {value(line)}" + (f" / {second(line)}" if second else "")
        for line in lines
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="reach-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin '
        f'meet" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>",
    ]
    for index, line in enumerate(lines):
        y = GAP + index * (BAR + GAP)
        size = round(room * value(line) / top)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR * 0.7:.0f}" text-anchor="end" '
            f'font-size="14">{escape(_short(line.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(size, 1)}" '
            f'height="{BAR if not second else BAR * 0.6:.0f}" fill="#a3161a"/>'
        )
        if second:
            other = round(room * second(line) / top)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + BAR * 0.62:.0f}" '
                f'width="{max(other, 1)}" height="{BAR * 0.3:.0f}" fill="#e0a100"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + size + 4}" y="{y + BAR * 0.7:.0f}" '
            f'font-size="13">{value(line):,}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))

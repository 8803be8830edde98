"""Tiny inline bar charts, drawn on the server as SVG: no script, no library.

A chart is a picture of numbers the page also says in words: the <svg> is role="img" with an
aria-label and a <title> listing every bar's label and value, so a screen reader (and anyone
hovering) reads the figures; each bar has its own <title> too. It scales to its container
(viewBox, width 100%), so it reads at 360 px. A missing value (None) draws no bar and is said
as "—"."""
from fractions import Fraction

from markupsafe import Markup, escape

WIDTH = 240
HEIGHT = 48
GAP = 4


def _number(value) -> float:
    return float(value) if isinstance(value, Fraction) else value


def bars(values: list, labels: list[str], *, title: str, say, css: str = "chart",
         maximum=None) -> Markup:
    """An inline SVG of one bar per value. `say(value)` gives a value in words ("87.50%");
    `maximum` is the top of the scale (the largest value when not given)."""
    assert len(values) == len(labels)
    present = [_number(v) for v in values if v is not None]
    top = _number(maximum) if maximum is not None else max(present, default=0)
    spoken = "；".join(f"{label} {say(v) if v is not None else '—'}"
                      for label, v in zip(labels, values, strict=True))
    described = f"{title}：{spoken}"
    n = len(values) or 1
    bar_w = (WIDTH - GAP * (n - 1)) / n
    parts = [f'<svg class="{escape(css)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
             f'height="{HEIGHT}" preserveAspectRatio="none" role="img" '
             f'aria-label="{escape(described)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(described)}</title>",
             f'<line x1="0" y1="{HEIGHT - 0.5}" x2="{WIDTH}" y2="{HEIGHT - 0.5}" '
             f'class="chart-axis" stroke="currentColor" stroke-opacity="0.4"/>']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = round(i * (bar_w + GAP), 2)
        if value is None:
            continue
        height = 0 if not top else max(1.0, (_number(value) / top) * (HEIGHT - 2))
        if _number(value) == 0:
            height = 1.0
        y = round(HEIGHT - height, 2)
        parts.append(f'<rect class="chart-bar" x="{x}" y="{y}" width="{round(bar_w, 2)}" '
                     f'height="{round(height, 2)}" fill="currentColor">'
                     f"<title>{escape(label)} {escape(say(value))}</title></rect>")
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text part escaped above)

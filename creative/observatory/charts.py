"""Server-side SVG charts: a line (or area) chart, horizontal bars, columns per month.

No JavaScript: the geometry is computed here and drawn by the templates of observatory/charts/.
Each chart is an accessible image (`role="img"`, `<title>` and `<desc>` referenced by
`aria-labelledby`), carries its values as text, and uses presentation attributes and classes
(observatory.css) only — the CSP forbids inline styles. The page shows the same data in a table.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .figures import BARS, COLUMNS, LINE

WIDTH = 640
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 44
LINE_HEIGHT = 300
BAR_ROW, BAR_LABEL = 26, 220
MAX_X_LABELS = 12


def nice_ceiling(value):
    """A round number ≥ value for the top of an axis (1, 2, 2.5, 5 × 10ⁿ), at least 1."""
    if value <= 1:
        return 1
    magnitude = 1
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            top = step * magnitude
            return int(top) if top == int(top) else top
    return 10 * magnitude


def _ticks(top, count=4):
    return [round(top * i / count, 2) for i in range(count + 1)]


def _number(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else f"{value:g}"


def _x_label_every(count):
    return max(1, -(-count // MAX_X_LABELS))


def _description(figure):
    if figure.is_empty:
        return _("Pas encore de données.")
    parts = []
    for row in figure.rows[-3:] if figure.chart != BARS else sorted(figure.rows, key=lambda r: -r[1])[:3]:
        values = ", ".join(f"{name} : {_number(v)}" for name, v in zip(figure.series, row[1:], strict=False))
        parts.append(f"{row[0]} — {values}")
    lead = _("Dernières valeurs") if figure.chart != BARS else _("Valeurs les plus élevées")
    return f"{figure.description} {lead} : " + " ; ".join(parts) + "."


def render(figure, chart_id=None):
    """The SVG of `figure` (a SafeString), according to its chart kind."""
    chart_id = chart_id or f"graphique-{figure.name}"
    context = {"id": chart_id, "title": figure.title, "desc": _description(figure), "width": WIDTH}
    if figure.chart == LINE:
        context.update(_line(figure))
        template = "observatory/charts/line.svg"
    elif figure.chart == COLUMNS:
        context.update(_columns(figure))
        template = "observatory/charts/columns.svg"
    else:
        context.update(_bars(figure))
        template = "observatory/charts/bars.svg"
    return render_to_string(template, context)


def _y_axis(top, plot_top, plot_height):
    return [
        {"y": round(plot_top + plot_height - plot_height * value / top, 1), "label": _number(value)}
        for value in _ticks(top)
    ]


def _line(figure):
    """The first series as a line over an area; the goal (if any) as a dashed line."""
    rows = figure.rows
    height = LINE_HEIGHT
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    values = [row[1] for row in rows]
    top = nice_ceiling(max([*values, figure.goal or 0, 1]))
    step = plot_w / max(len(rows) - 1, 1)

    def y(value):
        return round(TOP + plot_h - plot_h * value / top, 1)

    offset = plot_w / 2 if len(rows) == 1 else 0  # a single month sits in the middle
    points = [{"x": round(LEFT + offset + i * step, 1), "y": y(v), "label": row[0], "value": _number(v)}
              for i, (row, v) in enumerate(zip(rows, values, strict=True))]
    every = _x_label_every(len(points))
    baseline = TOP + plot_h
    path = " ".join(f"{p['x']},{p['y']}" for p in points)
    area = f"{points[0]['x']},{baseline} {path} {points[-1]['x']},{baseline}" if points else ""
    return {
        "height": height, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "baseline": baseline,
        "y_axis": _y_axis(top, TOP, plot_h),
        "points": points, "polyline": path, "area": area,
        "x_labels": [p for i, p in enumerate(points) if i % every == 0 or i == len(points) - 1],
        "last": points[-1] if points else None,
        "goal": {"y": y(figure.goal), "label": _("objectif : %(goal)s") % {"goal": _number(figure.goal)}}
        if figure.goal else None,
        "label_y": baseline + 18,
    }


def _bars(figure):
    rows = figure.rows
    height = TOP + max(len(rows), 1) * BAR_ROW + 8
    start, end = BAR_LABEL, WIDTH - RIGHT - 48
    top = max([row[1] for row in rows] + [1])
    bars = []
    for i, row in enumerate(rows):
        length = round((end - start) * row[1] / top, 1)
        y = TOP + i * BAR_ROW
        bars.append({
            "label": row[0], "value": _number(row[1]), "y": y, "height": BAR_ROW - 8, "width": length,
            "text_y": y + (BAR_ROW - 8) / 2 + 5, "value_x": start + length + 6,
        })
    return {"height": height, "start": start, "label_x": start - 8, "bars": bars, "top": TOP, "bottom": height - 4}


def _columns(figure):
    rows = figure.rows
    series = figure.series
    height = LINE_HEIGHT
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    top = nice_ceiling(max([v for row in rows for v in row[1:]] + [1]))
    slot = plot_w / max(len(rows), 1)
    bar_w = max(min((slot - 4) / max(len(series), 1), 28), 1)
    baseline = TOP + plot_h
    every = _x_label_every(len(rows))
    groups = []
    for i, row in enumerate(rows):
        x0 = LEFT + i * slot + (slot - bar_w * len(series)) / 2
        bars = []
        for s, value in enumerate(row[1:]):
            h = round(plot_h * value / top, 1)
            bars.append({"x": round(x0 + s * bar_w, 1), "y": round(baseline - h, 1), "width": round(bar_w, 1),
                         "height": h, "series": s, "value": _number(value), "name": series[s]})
        groups.append({"label": row[0], "center": round(LEFT + i * slot + slot / 2, 1), "bars": bars,
                       "show_label": i % every == 0 or i == len(rows) - 1})
    legend = [{"name": name, "series": s, "x": LEFT + s * 180, "text_x": LEFT + s * 180 + 16}
              for s, name in enumerate(series)] if len(series) > 1 else []
    return {
        "height": height, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "baseline": baseline,
        "y_axis": _y_axis(top, TOP, plot_h), "groups": groups, "legend": legend, "label_y": baseline + 18,
    }

"""Inline SVG charts drawn by hand (no JavaScript, no CDN) and the HTML data table that follows each one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from narrascope.report import esc

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def _fmt(v: float) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], caption: str = "") -> str:
    """An HTML data table; floats shown to 3 significant digits."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(_fmt(c) if isinstance(c, float) else c)}</td>" for c in r) + "</tr>"
        for r in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<table class="data">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _svg(width: int, height: int, title: str, body: str, kind: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-kind="{kind}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {_FONT}>'
        f"<title>{esc(title)}</title>{body}</svg>"
    )


def line_chart(
    title: str, x_labels: Sequence[str], series: Mapping[str, Sequence[float]], y_label: str = ""
) -> str:
    """One line per series over the shared x labels (e.g. ISO weeks), with a legend on the right."""
    w, h, left, right, top, bottom = 760, 300, 50, 210, 15, 60
    pw, ph = w - left - right, h - top - bottom
    ymax = max([max(v) for v in series.values() if len(v)] + [1e-9])
    n = max(len(x_labels) - 1, 1)

    def xy(i: int, v: float) -> str:
        return f"{left + pw * i / n:.1f},{top + ph * (1 - v / ymax):.1f}"

    parts = [
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#888"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#888"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_fmt(ymax)}</text>',
        f'<text x="{left - 4}" y="{top + ph}" text-anchor="end">0</text>',
        f'<text x="12" y="{top + ph / 2}" transform="rotate(-90 12 {top + ph / 2})" '
        f'text-anchor="middle">{esc(y_label)}</text>',
    ]
    step = max(1, len(x_labels) // 10)
    for i, lab in enumerate(x_labels):
        if i % step == 0:
            x = left + pw * i / n
            parts.append(
                f'<text x="{x:.1f}" y="{top + ph + 14}" transform="rotate(40 {x:.1f} {top + ph + 14})">'
                f"{esc(lab)}</text>"
            )
    for k, (name, values) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        pts = " ".join(xy(i, v) for i, v in enumerate(values))
        parts.append(
            f'<polyline class="series" fill="none" stroke="{colour}" stroke-width="2" points="{pts}">'
            f"<title>{esc(name)}</title></polyline>"
        )
        if len(values) == 1:
            parts.append(
                f'<circle cx="{xy(0, values[0]).split(",")[0]}" cy="{xy(0, values[0]).split(",")[1]}" '
                f'r="3" fill="{colour}"/>'
            )
        ly = top + 14 * k + 6
        parts.append(
            f'<rect x="{left + pw + 12}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + pw + 26}" y="{ly + 1}">{esc(name[:30])}</text>'
        )
    return _svg(w, h, title, "".join(parts), "line")


def heatmap(title: str, rows: Sequence[str], cols: Sequence[str], values: Sequence[Sequence[float]]) -> str:
    """A rows x columns grid, darker for larger values (scaled to the largest), value in each cell."""
    cell_w, cell_h, left, top = 56, 22, 170, 130
    w, h = left + cell_w * len(cols) + 10, top + cell_h * len(rows) + 10
    vmax = max([v for r in values for v in r] + [1e-9])
    parts = []
    for j, c in enumerate(cols):
        x = left + cell_w * j + cell_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top - 6}" transform="rotate(-45 {x:.1f} {top - 6})">{esc(c[:28])}</text>'
        )
    for i, r in enumerate(rows):
        y = top + cell_h * i
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{esc(r[:26])}</text>')
        for j, v in enumerate(values[i]):
            shade = v / vmax
            fill = f"rgba(31,119,180,{0.08 + 0.92 * shade:.3f})"
            ink = "#fff" if shade > 0.55 else "#222"
            parts.append(
                f'<rect class="cell" x="{left + cell_w * j}" y="{y}" width="{cell_w - 1}" '
                f'height="{cell_h - 1}" fill="{fill}"><title>{esc(r)} / {esc(cols[j])}: {_fmt(v)}</title>'
                f'</rect><text x="{left + cell_w * j + cell_w / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                f'fill="{ink}">{_fmt(round(v, 2))}</text>'
            )
    return _svg(w, h, title, "".join(parts), "heatmap")


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> str:
    """Horizontal bars, one per label, in the order given."""
    left, bar_h, w = 230, 20, 760
    h = 10 + bar_h * len(labels) + 10
    vmax = max([*values, 1e-9])
    parts = []
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        y = 10 + bar_h * i
        bw = (w - left - 70) * v / vmax
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{esc(lab[:36])}</text>'
            f'<rect class="bar" x="{left}" y="{y + 2}" width="{bw:.1f}" height="{bar_h - 4}" '
            f'fill="{PALETTE[0]}"><title>{esc(lab)}: {_fmt(v)}</title></rect>'
            f'<text x="{left + bw + 4:.1f}" y="{y + 14}">{_fmt(v)}</text>'
        )
    return _svg(w, h, title, "".join(parts), "bar")


def timeline(title: str, clusters: Sequence[tuple[str, Sequence[tuple[float, str]]]]) -> str:
    """One row per cluster: a dot per copy at its lag (hours) after the first publication."""
    left, row_h, w = 120, 26, 760
    h = 30 + row_h * len(clusters) + 10
    lmax = max([lag for _, pts in clusters for lag, _ in pts] + [1e-9])
    pw = w - left - 40
    parts = [
        f'<text x="{left}" y="14">0 h</text>'
        f'<text x="{left + pw}" y="14" text-anchor="end">{_fmt(lmax)} h</text>'
    ]
    for i, (name, pts) in enumerate(clusters):
        y = 30 + row_h * i + row_h / 2
        parts.append(
            f'<text x="{left - 8}" y="{y + 4}" text-anchor="end">{esc(name)}</text>'
            f'<line x1="{left}" y1="{y}" x2="{left + pw}" y2="{y}" stroke="#ccc"/>'
        )
        for k, (lag, outlet) in enumerate(pts):
            colour = PALETTE[1] if k == 0 else PALETTE[0]
            parts.append(
                f'<circle class="copy" cx="{left + pw * lag / lmax:.1f}" cy="{y}" r="5" fill="{colour}">'
                f"<title>{esc(outlet)}: +{_fmt(lag)} h</title></circle>"
            )
    return _svg(w, h, title, "".join(parts), "timeline")

"""Inline SVG charts drawn on the server: the HTML report needs no script and no CDN."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from casework.reports.periodes import getal

#: one colour per phase, the end phases in muted tones at the bottom of the flow diagram
KLEUREN = {
    "aanmelding": "#9ecae1",
    "intake": "#6baed6",
    "matching": "#4292c6",
    "kennismaking": "#2171b5",
    "bestuursscan": "#08519c",
    "plan": "#fd8d3c",
    "uitvoering": "#e6550d",
    "gepauzeerd": "#bdbdbd",
    "afgerond": "#31a354",
    "afgewezen": "#969696",
    "gestopt": "#636363",
}
ANDERS = "#756bb1"
FONT = 'font-family="Segoe UI, Helvetica, Arial, sans-serif"'


@dataclass(frozen=True)
class Reeks:
    naam: str
    label: str
    waarden: Sequence[float]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** max(len(str(int(value))) - 1, 0)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= step * factor:
            return float(step * factor)
    return float(step * 10)


def _text(
    x: float, y: float, content: str, anchor: str = "start", size: int = 11, **kw: str
) -> str:
    extra = " ".join(f'{key.replace("_", "-")}="{value}"' for key, value in kw.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" {FONT} '
        f"{extra}>{escape(content)}</text>"
    )


def _y_as(left: float, top: float, width: float, height: float, maximum: float) -> list[str]:
    parts = []
    decimalen = 0 if float(maximum / 4).is_integer() else 1
    for i in range(5):
        value = maximum * i / 4
        y = top + height - height * i / 4
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + width:.1f}" y2="{y:.1f}" '
            'stroke="#e0e0e0"/>'
        )
        parts.append(_text(left - 6, y + 4, getal(value, decimalen), "end", fill="#555"))
    return parts


def _x_labels(labels: Sequence[str], xs: Sequence[float], y: float) -> list[str]:
    step = max(1, len(labels) // 12)
    return [
        _text(x, y, label, "middle", 10, fill="#555")
        for i, (x, label) in enumerate(zip(xs, labels, strict=True))
        if i % step == 0 or i == len(labels) - 1
    ]


def _legenda(reeksen: Sequence[tuple[str, str]], left: float, top: float) -> list[str]:
    parts = []
    for i, (naam, label) in enumerate(reeksen):
        y = top + i * 18
        kleur = KLEUREN.get(naam, ANDERS)
        parts.append(f'<rect x="{left:.1f}" y="{y:.1f}" width="12" height="12" fill="{kleur}"/>')
        parts.append(_text(left + 18, y + 10, label))
    return parts


def _svg(width: int, height: int, titel: str, parts: list[str]) -> Markup:
    body = "".join(parts)
    return Markup(
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(titel)}"><title>{escape(titel)}</title>{body}</svg>'
    )


def cumulatieve_stroom(titel: str, labels: Sequence[str], reeksen: Sequence[Reeks]) -> Markup:
    """A cumulative flow diagram: stacked areas of trajecten per phase at each period's end."""
    width, height, left, top, plot_w, plot_h = 820, 320, 50, 15, 580, 260
    n = len(labels)
    totals = [sum(r.waarden[i] for r in reeksen) for i in range(n)]
    maximum = _nice_max(max(totals, default=0))
    xs = [left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2) for i in range(n)]
    parts = _y_as(left, top, plot_w, plot_h, maximum)

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / maximum

    bottom = [0.0] * n
    for reeks in reeksen:
        upper = [b + v for b, v in zip(bottom, reeks.waarden, strict=True)]
        if n == 1:  # one period: a single stacked column
            x0, x1 = xs[0] - 40, xs[0] + 40
            points = [(x0, y(upper[0])), (x1, y(upper[0])), (x1, y(bottom[0])), (x0, y(bottom[0]))]
        else:
            points = [(x, y(u)) for x, u in zip(xs, upper, strict=True)]
            points += [(x, y(b)) for x, b in reversed(list(zip(xs, bottom, strict=True)))]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        kleur = KLEUREN.get(reeks.naam, ANDERS)
        parts.append(
            f'<polygon class="reeks" data-fase="{escape(reeks.naam)}" points="{path}" '
            f'fill="{kleur}" stroke="#fff" stroke-width="0.5"/>'
        )
        bottom = upper
    parts += _x_labels(labels, xs, top + plot_h + 18)
    parts += _legenda([(r.naam, r.label) for r in reversed(reeksen)], left + plot_w + 30, top)
    return _svg(width, height, titel, parts)


def staven(
    titel: str, labels: Sequence[str], reeksen: Sequence[Reeks], kleuren: Sequence[str]
) -> Markup:
    """Grouped bars per period (inflow against outflow)."""
    width, height, left, top, plot_w, plot_h = 820, 260, 50, 15, 580, 200
    n = max(len(labels), 1)
    maximum = _nice_max(max((v for r in reeksen for v in r.waarden), default=0))
    parts = _y_as(left, top, plot_w, plot_h, maximum)
    slot = plot_w / n
    bar = min(28.0, slot * 0.8 / max(len(reeksen), 1))
    xs = []
    for i in range(len(labels)):
        start = left + slot * i + (slot - bar * len(reeksen)) / 2
        xs.append(left + slot * i + slot / 2)
        for j, reeks in enumerate(reeksen):
            value = reeks.waarden[i]
            h = plot_h * value / maximum
            parts.append(
                f'<rect class="staaf" x="{start + j * bar:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar - 1:.1f}" height="{h:.1f}" fill="{kleuren[j]}">'
                f"<title>{escape(reeks.label)}: {getal(value, 0)}</title></rect>"
            )
    parts += _x_labels(labels, xs, top + plot_h + 18)
    for j, reeks in enumerate(reeksen):
        x = left + plot_w + 30
        parts.append(
            f'<rect x="{x}" y="{top + j * 18}" width="12" height="12" fill="{kleuren[j]}"/>'
        )
        parts.append(_text(x + 18, top + j * 18 + 10, reeks.label))
    return _svg(width, height, titel, parts)


def verdeling(
    titel: str, bakken: Sequence[str], aantallen: Sequence[int], kleur: str, onderschrift: str
) -> Markup:
    """A small histogram of one lead-time distribution."""
    width, height, left, top, plot_w, plot_h = 260, 170, 30, 22, 220, 105
    maximum = _nice_max(max(aantallen, default=0))
    parts = [_text(left, 14, titel, size=12, font_weight="600")]
    slot = plot_w / max(len(aantallen), 1)
    for i, (bak, aantal) in enumerate(zip(bakken, aantallen, strict=True)):
        h = plot_h * aantal / maximum
        x = left + slot * i
        parts.append(
            f'<rect class="staaf" x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{slot - 4:.1f}" height="{h:.1f}" fill="{kleur}">'
            f"<title>{escape(bak)} dagen: {aantal}</title></rect>"
        )
        if aantal:
            parts.append(_text(x + slot / 2, top + plot_h - h - 3, str(aantal), "middle", 9))
        parts.append(_text(x + slot / 2, top + plot_h + 12, bak, "middle", 9, fill="#555"))
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#999"/>'
    )
    parts.append(_text(left, height - 8, onderschrift, size=10, fill="#333"))
    return _svg(width, height, titel, parts)


def horizontale_staven(
    titel: str,
    rijen: Sequence[tuple[str, float, float | None]],
    eenheid: str,
    decimalen: int = 0,
) -> Markup:
    """One bar per row with an optional reference mark (a norm, or 100% capacity)."""
    label_w, plot_w, row_h = 260, 420, 24
    height = max(len(rijen), 1) * row_h + 30
    maximum = _nice_max(max((max(v, r or 0) for _, v, r in rijen), default=0))
    parts = []
    for i, (label, value, referentie) in enumerate(rijen):
        y = 10 + i * row_h
        w = plot_w * value / maximum
        over = referentie is not None and value > referentie
        kleur = "#de2d26" if over else "#3182bd"
        parts.append(_text(label_w - 8, y + 14, label, "end"))
        parts.append(
            f'<rect class="staaf" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{kleur}"/>'
        )
        parts.append(_text(label_w + w + 6, y + 14, f"{getal(value, decimalen)} {eenheid}"))
        if referentie is not None:
            x = label_w + plot_w * referentie / maximum
            parts.append(
                f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + row_h - 2}" stroke="#222" '
                'stroke-width="2" stroke-dasharray="3,2"/>'
            )
    return _svg(label_w + plot_w + 120, height, titel, parts)

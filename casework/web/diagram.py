"""The programme's state diagram as an SVG drawn on the server: no CDN, no JavaScript.

Phases are boxes in rows by their distance from the first phase; declared transitions are
arrows (forward ones straight down, others curved along the side). The generated stop, pause
and resume steps are listed in words rather than drawn, so the drawing stays readable.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from html import escape

from states import ProgrammeDefinition

BOX_W, BOX_H = 170, 40
GAP_X, GAP_Y = 30, 50
MARGIN = 40


@dataclass(frozen=True)
class Box:
    name: str
    label: str
    x: int
    y: int


def _levels(definition: ProgrammeDefinition) -> dict[str, int]:
    edges: dict[str, list[str]] = {}
    for t in definition.transitions:
        for source in t.source:
            edges.setdefault(source, []).append(t.dest)
    level = {definition.initial: 0}
    queue = deque([definition.initial])
    while queue:
        here = queue.popleft()
        for dest in edges.get(here, []):
            if dest not in level:
                level[dest] = level[here] + 1
                queue.append(dest)
    deepest = max(level.values(), default=0)
    for phase in definition.phases:
        level.setdefault(phase.name, deepest + 1)
    return level


def layout(definition: ProgrammeDefinition) -> dict[str, Box]:
    levels = _levels(definition)
    rows: dict[int, list[str]] = {}
    for phase in definition.phases:
        rows.setdefault(levels[phase.name], []).append(phase.name)
    widest = max(len(names) for names in rows.values())
    total_w = widest * BOX_W + (widest - 1) * GAP_X
    boxes = {}
    for row, names in rows.items():
        row_w = len(names) * BOX_W + (len(names) - 1) * GAP_X
        start = MARGIN + (total_w - row_w) // 2
        for i, name in enumerate(names):
            boxes[name] = Box(
                name,
                definition.label(name),
                start + i * (BOX_W + GAP_X),
                MARGIN + row * (BOX_H + GAP_Y),
            )
    return boxes


def render_svg(definition: ProgrammeDefinition, current: str | None = None) -> str:
    """The diagram as an inline SVG document fragment (escaped labels, a title for readers)."""
    boxes = layout(definition)
    width = max(b.x for b in boxes.values()) + BOX_W + MARGIN + 60
    height = max(b.y for b in boxes.values()) + BOX_H + MARGIN
    title = escape(f"Fasen van {definition.naam} (versie {definition.versie})")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="diagram-titel" '
        'class="diagram">',
        f'<title id="diagram-titel">{title}</title>',
        '<defs><marker id="pijl" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#333"/></marker></defs>',
    ]
    for t in definition.transitions:
        dest = boxes[t.dest]
        for source_name in t.source:
            src = boxes[source_name]
            label = escape(f"{definition.label(source_name)} → {dest.label} ({t.trigger})")
            if dest.y > src.y:
                path = f"M {src.x + BOX_W // 2} {src.y + BOX_H} L {dest.x + BOX_W // 2} {dest.y}"
            elif dest.y == src.y:
                # side by side: from the facing edge of one box to the other
                left, right = (src, dest) if dest.x > src.x else (dest, src)
                ends = (left.x + BOX_W, right.x) if dest.x > src.x else (right.x, left.x + BOX_W)
                path = f"M {ends[0]} {src.y + BOX_H // 2} L {ends[1]} {dest.y + BOX_H // 2}"
            else:
                # backwards: a curve around the right-hand side of the boxes
                bend = max(src.x, dest.x) + BOX_W + 50
                path = (
                    f"M {src.x + BOX_W} {src.y + BOX_H // 2} "
                    f"C {bend} {src.y + BOX_H // 2}, {bend} {dest.y + BOX_H // 2}, "
                    f"{dest.x + BOX_W} {dest.y + BOX_H // 2}"
                )
            parts.append(
                f'<path d="{path}" fill="none" stroke="#333" stroke-width="1.5" '
                f'marker-end="url(#pijl)"><title>{label}</title></path>'
            )
    for box in boxes.values():
        phase = definition.phase(box.name)
        css = "fase"
        if phase.final:
            css += " eind"
        if box.name == current:
            css += " huidig"
        parts.append(
            f'<g class="{css}"><rect x="{box.x}" y="{box.y}" width="{BOX_W}" height="{BOX_H}" '
            f'rx="8"/><text x="{box.x + BOX_W // 2}" y="{box.y + BOX_H // 2 + 5}" '
            f'text-anchor="middle">{escape(box.label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)

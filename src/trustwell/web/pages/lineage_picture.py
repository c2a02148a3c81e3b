"""The asset page's lineage picture: a server-rendered SVG, no script. Pure.

Layers from top to bottom: two hops upstream, one hop upstream, the asset,
one and two hops downstream; at most two nodes side by side (so that the
picture stays readable on a 390 px phone without sideways scrolling) and at
most :data:`MAX_PER_LAYER` per layer. Each node is coloured by its state with
the status page's colours and says its state in words as well; an asset node
links to its asset page. Edges run from an upstream node down to a
downstream one; an edge between two nodes of one layer is not drawn.

>>> lineage_svg("marts.kpi", picture)
Markup('<svg class="lineage" role="group" …')
"""

from __future__ import annotations

import html
from urllib.parse import quote

from markupsafe import Markup

from trustwell.status.model import LineageNode, LineagePicture

WIDTH = 360
NODE_W, NODE_H = 168, 44
GAP_X = 16
CAPTION_H = 22  # a layer's caption above its nodes
ROW_GAP = 10
LAYER_GAP = 26  # room for the arrows between two layers
MAX_PER_LAYER = 8
NAME_CHARS = 22

_CAPTIONS = {
    -2: "2 hops upstream",
    -1: "Upstream",
    0: "This asset",
    1: "Downstream",
    2: "2 hops downstream",
}


def lineage_svg(asset: str, picture: LineagePicture) -> Markup:
    """The picture of ``asset``'s lineage; every text part is escaped."""
    layers: dict[int, list[LineageNode]] = {}
    for node in picture.nodes:
        layers.setdefault(node.distance, []).append(node)
    boxes: dict[str, tuple[float, float]] = {}  # node -> its box's top-left corner
    parts: list[str] = []
    y = 4.0
    for distance in sorted(layers):
        members = sorted(layers[distance], key=lambda n: n.name)
        shown, hidden = members[:MAX_PER_LAYER], len(members) - MAX_PER_LAYER
        caption = _CAPTIONS.get(distance, f"{abs(distance)} hops")
        parts.append(f'<text class="lineage-caption" x="4" y="{y + 15}">{caption}</text>')
        y += CAPTION_H
        for start in range(0, len(shown), 2):
            row = shown[start : start + 2]
            left = (WIDTH - NODE_W) / 2 if len(row) == 1 else 4.0
            for index, node in enumerate(row):
                boxes[node.name] = (left + index * (NODE_W + GAP_X), y)
            y += NODE_H + ROW_GAP
        if hidden > 0:
            parts.append(f'<text class="lineage-more" x="4" y="{y + 10}">+{hidden} more</text>')
            y += 18
        y += LAYER_GAP - ROW_GAP
    distance_of = {n.name: n.distance for n in picture.nodes}
    arrows = [
        _arrow(boxes[s], boxes[t])
        for s, t in picture.edges
        if s in boxes and t in boxes and distance_of[s] < distance_of[t]
    ]
    nodes = [
        _node(n, boxes[n.name], current=n.name == asset) for n in picture.nodes if n.name in boxes
    ]
    height = round(y - LAYER_GAP + ROW_GAP + 4)
    up = sum(1 for n in picture.nodes if n.distance < 0)
    down = sum(1 for n in picture.nodes if n.distance > 0)
    label = html.escape(f"Lineage of {asset}: {up} upstream, {down} downstream")
    return Markup(  # every text part is escaped
        f'<svg class="lineage" role="group" aria-labelledby="lineage-title" width="{WIDTH}"'
        f' height="{height}" viewBox="0 0 {WIDTH} {height}">'
        f'<title id="lineage-title">{label}</title>'
        '<defs><marker id="lineage-arrow" viewBox="0 0 10 10" refX="9" refY="5"'
        ' markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" class="lineage-arrowhead"/></marker></defs>'
        f"{''.join(parts)}{''.join(arrows)}{''.join(nodes)}</svg>"
    )


def _arrow(source: tuple[float, float], target: tuple[float, float]) -> str:
    x1, y1 = source[0] + NODE_W / 2, source[1] + NODE_H
    x2, y2 = target[0] + NODE_W / 2, target[1] - 2
    return (
        f'<line class="lineage-edge" x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}"'
        ' marker-end="url(#lineage-arrow)"/>'
    )


def _node(node: LineageNode, corner: tuple[float, float], *, current: bool) -> str:
    x, y = corner
    state = "dataset" if node.lineage_only else (node.state or "unknown")
    name = node.name if len(node.name) <= NAME_CHARS else node.name[: NAME_CHARS - 1] + "…"
    where = "this asset" if current else _where(node.distance)
    label = html.escape(f"{node.name}: {state}, {where}")
    classes = f"lineage-node node-{state}"
    if current:
        classes += " node-current"
    body = (
        f'<rect x="{x:g}" y="{y:g}" width="{NODE_W}" height="{NODE_H}" rx="5"/>'
        f'<text class="lineage-name" x="{x + 8:g}" y="{y + 18:g}">{html.escape(name)}</text>'
        f'<text class="lineage-state" x="{x + 8:g}" y="{y + 35:g}">{html.escape(state)}</text>'
    )
    if node.lineage_only:  # no asset page to link to
        return (
            f'<g class="{classes}" role="img" aria-label="{label}"><title>{label}</title>{body}</g>'
        )
    href = "/assets/" + quote(node.name, safe="")
    mark = ' aria-current="page"' if current else ""
    return (
        f'<a class="{classes}" href="{href}" aria-label="{label}"{mark}>'
        f"<title>{label}</title>{body}</a>"
    )


def _where(distance: int) -> str:
    hops = abs(distance)
    side = "upstream" if distance < 0 else "downstream"
    return f"{hops} hop{'s' if hops > 1 else ''} {side}"

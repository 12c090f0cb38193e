"""Cut a text at every boundary of several layers of spans, so overlapping spans draw without nesting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from narrascope.types import Span


@dataclass(frozen=True)
class Segment:
    """``[start, end)`` of the text and, per layer, the indices of the spans covering it (ascending)."""

    start: int
    end: int
    cover: tuple[tuple[int, ...], ...]
    starting: tuple[tuple[int, ...], ...]  # per layer, the spans that begin at ``start``


def segments(length: int, layers: Sequence[Sequence[Span]]) -> list[Segment]:
    """Segments that tile ``[0, length)`` exactly; spans are clipped to the text and empty ones ignored."""
    opens: dict[int, list[tuple[int, int]]] = {}
    closes: dict[int, list[tuple[int, int]]] = {}
    for li, layer in enumerate(layers):
        for si, span in enumerate(layer):
            start, end = min(span.start, length), min(span.end, length)
            if end > start:
                opens.setdefault(start, []).append((li, si))
                closes.setdefault(end, []).append((li, si))
    bounds = sorted({0, length, *opens, *closes})
    active: list[set[int]] = [set() for _ in layers]
    out: list[Segment] = []
    for a, b in pairwise(bounds):
        for li, si in closes.get(a, ()):
            active[li].discard(si)
        starting: list[list[int]] = [[] for _ in layers]
        for li, si in opens.get(a, ()):
            active[li].add(si)
            starting[li].append(si)
        cover = tuple(tuple(sorted(s)) for s in active)
        out.append(Segment(a, b, cover, tuple(tuple(sorted(s)) for s in starting)))
    return out

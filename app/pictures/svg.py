"""Small server-drawn SVG pictures (heat map, line chart, histogram) with no inline style.

Colours are attributes, text uses currentColor so it follows the theme, and every picture has a
<title>; templates pair each picture with a table alternative for screen readers.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import torch
import torch.nn.functional as F
from markupsafe import Markup, escape

from app.pictures.png import encode_indexed

MAX_CELLS_PER_SIDE = 64  # beyond this, cells show averages of blocks: detail a learner can still see
WIDTH = 480

NEGATIVE = (37, 99, 235)  # blue
POSITIVE = (220, 88, 32)  # orange
NEUTRAL = (247, 247, 247)


def _mix(low: tuple[int, int, int], high: tuple[int, int, int], t: float) -> str:
    r, g, b = (round(a + (c - a) * t) for a, c in zip(low, high))
    return f"#{r:02x}{g:02x}{b:02x}"


def diverging_colour(value: float, limit: float) -> str:
    """Colour a value on a blue-white-orange scale symmetric around zero."""
    if limit <= 0:
        return _mix(NEUTRAL, NEUTRAL, 0)
    t = max(-1.0, min(1.0, value / limit))
    return _mix(NEUTRAL, POSITIVE, t) if t >= 0 else _mix(NEUTRAL, NEGATIVE, -t)


def grid_shape(tensor: torch.Tensor) -> tuple[int, int]:
    """Return the rows x columns a tensor is laid out as (last dim across), before any averaging."""
    if tensor.dim() == 0:
        return 1, 1
    cols = tensor.shape[-1]
    return (tensor.numel() // cols if cols else 0), cols


def is_block_averaged(tensor: torch.Tensor) -> bool:
    """Tell whether as_grid averages blocks of this tensor (it is too big to show cell by cell)."""
    rows, cols = grid_shape(tensor)
    return rows > MAX_CELLS_PER_SIDE or cols > MAX_CELLS_PER_SIDE


def as_grid(tensor: torch.Tensor) -> tuple[torch.Tensor, bool]:
    """Lay a tensor out as rows x columns (last dim across), averaging blocks when it is too big."""
    values = tensor.detach().double()  # no copy when it is float64 already
    if values.dim() == 0:
        grid = values.reshape(1, 1)
    elif values.dim() == 1:
        grid = values.reshape(1, -1)
    else:
        grid = values.reshape(-1, values.shape[-1])
    rows, cols = grid.shape
    if rows <= MAX_CELLS_PER_SIDE and cols <= MAX_CELLS_PER_SIDE:
        return grid, False
    pooled = F.adaptive_avg_pool2d(grid[None, None], (min(rows, MAX_CELLS_PER_SIDE), min(cols, MAX_CELLS_PER_SIDE)))
    return pooled[0, 0], True


def _fmt(value: float) -> str:
    return f"{value:.3g}"


LEVELS = 10  # colour steps each side of zero: fine enough to read, coarse enough to keep SVG small


@dataclass(frozen=True)
class HeatMap:
    """A drawn heat map and what its caption needs (templates translate the words)."""

    svg: Markup
    block_averages: bool  # True when cells show averages of blocks of a large tensor


def heatmap(tensor: torch.Tensor, title: str, labels: list[list[str]] | None = None) -> HeatMap:
    """Draw a tensor's values as coloured cells beside a labelled colour bar.

    `labels` may pass in grid_rows(tensor), the cells' values as text, when the caller has them.
    """
    grid, pooled = as_grid(tensor)
    rows, cols = grid.shape
    cell = max(2.0, min(28.0, WIDTH / cols))
    width, height = cols * cell, max(rows * cell, 60.0)
    limit = grid.abs().max().item() if grid.numel() else 0.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" viewBox="0 0 {width + 70:.0f} {height:.0f}" '
        f'width="{width + 70:.0f}" height="{height:.0f}"><title>{escape(title)}</title>'
        f'<svg x="0" y="0" width="{width:.1f}" height="{rows * cell:.1f}" viewBox="0 0 {cols} {rows}" preserveAspectRatio="none">'
    ]
    if rows * cols <= 144:  # small enough to give every cell its own tooltip
        colours, values = _colours(), grid.flatten().tolist()
        texts = [text for row in labels for text in row] if labels is not None else [_fmt(value) for value in values]
        parts += [
            f"{head}{colours[(round(value / limit * LEVELS) if limit > 0 else 0) + LEVELS]}{middle}{text}</title></rect>"
            for (head, middle), value, text in zip(_cells(rows, cols), values, texts)
        ]
    else:
        # Larger maps are one pixel per cell, scaled up without smoothing: drawing thousands of
        # <rect>s cost milliseconds per request and tens of kilobytes of page.
        image = base64.b64encode(encode_indexed(_palette_indices(grid, limit), _palette_bytes())).decode("ascii")
        parts.append(
            f'<image x="0" y="0" width="{cols}" height="{rows}" preserveAspectRatio="none" '
            f'image-rendering="pixelated" href="data:image/png;base64,{image}"/>'
        )
    parts.append(
        f'<rect x="0" y="0" width="{cols}" height="{rows}" fill="none" stroke="currentColor" '
        f'stroke-opacity="0.35" vector-effect="non-scaling-stroke"/></svg>'
    )
    # Colour bar: its ends are +-max|value|, so zero is always the neutral middle.
    bar_x = width + 8
    parts.append(_colour_bar(bar_x, height))
    parts.append(
        f'<g font-size="10" fill="currentColor" font-family="monospace">'
        f'<text x="{bar_x + 14:.1f}" y="9">{escape(_fmt(limit))}</text>'
        f'<text x="{bar_x + 14:.1f}" y="{height / 2 + 3:.1f}">0</text>'
        f'<text x="{bar_x + 14:.1f}" y="{height - 2:.1f}">{escape(_fmt(-limit))}</text></g></svg>'
    )
    # min and max are exact in any float dtype: only other dtypes need the float64 copy.
    values = tensor.detach() if tensor.is_floating_point() else tensor.detach().double()
    return HeatMap(Markup("".join(parts)), pooled)


def _palette_indices(grid: torch.Tensor, limit: float) -> torch.Tensor:
    """Return each cell's colour as a palette index, round(value / limit * LEVELS) + LEVELS, as uint8.

    The same arithmetic as the small maps' per-cell Python, done in place on one tensor: each
    torch call costs microseconds, so fewer calls and temporaries matter more than the work.
    """
    if limit <= 0:
        return torch.full(grid.shape, LEVELS, dtype=torch.uint8)
    return (grid / limit).mul_(LEVELS).round_().add_(LEVELS).to(torch.uint8)


# Bounded by bytes as well as count: a 48 x 48 map's cells are ~150 KB of text (~0.5 MB as Python
# strings), so 32 sizes stay under ~16 MB where 256 could hold over 100 MB.
@lru_cache(maxsize=32)
def _cells(rows: int, cols: int) -> tuple[tuple[str, str], ...]:
    """Return each cell's markup around its colour and its value, row by row (the same for every map
    of this size): <rect x="c" y="r" ... fill="COLOUR"><title>[r, c] = VALUE</title></rect>."""
    return tuple(
        (f'<rect x="{c}" y="{r}" width="1" height="1" fill="', f'"><title>[{r}, {c}] = ')
        for r in range(rows)
        for c in range(cols)
    )


@lru_cache(maxsize=256)
def _colour_bar(x: float, height: float) -> str:
    """Draw the colour bar's steps, most positive on top (the same for every map of this size)."""
    step = height / (LEVELS * 2 + 1)
    return "".join(
        f'<rect x="{x:.1f}" y="{i * step:.1f}" width="10" height="{step + 0.5:.1f}" fill="{_colour_of_level(LEVELS - i)}"/>'
        for i in range(LEVELS * 2 + 1)
    )


@lru_cache(maxsize=1)
def _colours() -> tuple[str, ...]:
    """Return the 2 * LEVELS + 1 colours as #rrggbb, most negative first (index = level + LEVELS)."""
    return tuple(_colour_of_level(level) for level in range(-LEVELS, LEVELS + 1))


@lru_cache(maxsize=1)
def _palette() -> torch.Tensor:
    """Return the 2 * LEVELS + 1 colours as a (levels, 3) uint8 tensor, most negative first."""
    return torch.tensor([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in _colours()], dtype=torch.uint8)


@lru_cache(maxsize=1)
def _palette_bytes() -> bytes:
    """Return the same colours as a PNG palette (PLTE) expects: RGB bytes, most negative first."""
    return _palette().numpy().tobytes()


@lru_cache(maxsize=LEVELS * 2 + 1)
def _colour_of_level(level: int) -> str:
    # Only 2 * LEVELS + 1 colours exist; caching them keeps a 48x48 map to about a millisecond.
    return diverging_colour(level / LEVELS, 1)


def line_chart(values: Sequence[float], title: str, width: int = 360, height: int = 160) -> Markup:
    """Draw values over steps as a polyline with labelled first/last points and y range."""
    pad = 30
    points = list(values)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}"><title>{escape(title)}</title>'
    ]
    if points:
        low, high = min(points), max(points)
        span = (high - low) or 1.0
        step = (width - 2 * pad) / max(1, len(points) - 1)
        coords = [(pad + i * step, height - pad - (v - low) / span * (height - 2 * pad)) for i, v in enumerate(points)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="currentColor" stroke-width="2"/>')
        for (x, y), v in zip(coords, points):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="currentColor"><title>{escape(_fmt(v))}</title></circle>'
            )
        parts.append(
            f'<g font-size="10" fill="currentColor" font-family="monospace">'
            f'<text x="2" y="{pad - 8}">{escape(_fmt(high))}</text>'
            f'<text x="2" y="{height - 6}">{escape(_fmt(low))}</text></g>'
        )
    parts.append(
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="currentColor" stroke-opacity="0.4"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def histogram_bins(tensor: torch.Tensor, bins: int = 20) -> list[tuple[float, float, int]]:
    """Count a tensor's values in equal-width bins between its min and max: (left, right, count) each."""
    values = tensor.detach().double().flatten()
    low, high = (values.min().item(), values.max().item()) if values.numel() else (0.0, 0.0)
    if high == low:
        low, high = low - 0.5, high + 0.5
    counts = torch.histc(values, bins=bins, min=low, max=high).long().tolist() if values.numel() else [0] * bins
    edges = [low + (high - low) * i / bins for i in range(bins + 1)]
    return [(edges[i], edges[i + 1], count) for i, count in enumerate(counts)]


def draw_histogram(bins: Sequence[tuple[float, float, int]], title: str, width: int = 360, height: int = 140) -> Markup:
    """Draw already counted bins as bars, with the value range written under the first and last bar."""
    counts = [count for _left, _right, count in bins]
    tallest = max(counts, default=0) or 1
    bar = width / max(1, len(bins))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="histogram" role="img" viewBox="0 0 {width} {height + 16}" '
        f'width="{width}" height="{height + 16}"><title>{escape(title)}</title>'
    ]
    for i, (left, right, count) in enumerate(bins):
        h = count / tallest * height
        parts.append(
            f'<rect x="{i * bar:.1f}" y="{height - h:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" fill="currentColor" '
            f'fill-opacity="0.7"><title>[{_fmt(left)}, {_fmt(right)}): {count}</title></rect>'
        )
    low, high = (bins[0][0], bins[-1][1]) if bins else (0.0, 0.0)
    parts.append(
        f'<g font-size="10" fill="currentColor" font-family="monospace"><text x="0" y="{height + 13}">{escape(_fmt(low))}</text>'
        f'<text x="{width}" y="{height + 13}" text-anchor="end">{escape(_fmt(high))}</text></g></svg>'
    )
    return Markup("".join(parts))


def number_table(rows: list[list[str]], caption: str, css_class: str = "grad-grid") -> Markup:
    """Write rows of numbers (as grid_rows gives them) as an HTML table with row numbers and a caption.

    Built here rather than in a template loop: a 12 x 20 grid is 240 cells, and one join over escaped
    strings costs a fraction of 240 template expressions.
    """
    body = "".join(
        f'<tr><th scope="row">{index}</th>' + "".join(f"<td>{escape(value)}</td>" for value in row) + "</tr>"
        for index, row in enumerate(rows)
    )
    return Markup(f'<table class="{css_class}"><caption>{escape(caption)}</caption><tbody>{body}</tbody></table>')


def grid_rows(tensor: torch.Tensor, limit: int = 12) -> list[list[str]] | None:
    """Return a small tensor's values as rows of text for a table alternative (None when too big)."""
    rows, cols = grid_shape(tensor)
    if rows > limit or cols > limit:  # also true of every tensor as_grid would average
        return None
    grid, _pooled = as_grid(tensor)
    return [[_fmt(v) for v in row] for row in grid.tolist()]

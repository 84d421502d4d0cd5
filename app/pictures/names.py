"""Draw Python names pointing at objects (names on the left, objects on the right) as SVG.

The picture explains rebinding: a name is an arrow to an object, and `p = ...` moves the arrow
while `p.zero_()` changes the object the arrow points at. Two panels, before and after a
statement, keep each object in the same row so a moved arrow is easy to see. No inline style:
colours are attributes and text uses currentColor so it follows the theme.
"""

from markupsafe import Markup, escape
from pydantic import BaseModel, Field

WIDTH = 760
NAME_X, NAME_WIDTH, NAME_HEIGHT = 8, 300, 26
OBJECT_X, OBJECT_WIDTH, OBJECT_HEIGHT = 392, 360, 90
CHAR_WIDTH = 7.3  # monospace at font-size 12, to shorten a label that would not fit its box
ROW_GAP = 12
TITLE_HEIGHT = 30
PANEL_GAP = 22
LINE = 15  # text line height inside an object box


class ObjectBox(BaseModel):
    """One tensor object as torch reported it at one moment."""

    key: str = Field(description="A letter naming the object across both panels (same object, same letter).")
    kind: str = Field(description="type(obj).__name__, e.g. Parameter or Tensor.")
    shape: list[int]
    id: int = Field(description="id(obj) at that moment.")
    data_ptr: int = Field(description="obj.data_ptr(): where its values live.")
    version: int = Field(description="obj._version: bumped by every in-place change.")
    values: list[float] = Field(default=[], description="The first few values, flattened, as torch holds them.")


class NameArrow(BaseModel):
    """A name (or expression) and the object it points at."""

    name: str
    target: str = Field(description="key of the ObjectBox the name points at.")


class Panel(BaseModel):
    """The names and objects at one moment (before or after the statement)."""

    title: str
    names: list[NameArrow]
    objects: list[ObjectBox]


def _hex(number: int) -> str:
    return f"0x{number:x}"


def _values(values: list[float]) -> str:
    return ", ".join(f"{value:.2g}" for value in values) + ", …"


def _fit(text: str, width: float) -> str:
    limit = int(width / CHAR_WIDTH)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _panel_height(panel: Panel, rows: dict[str, int]) -> float:
    name_rows = len(panel.names) * (NAME_HEIGHT + ROW_GAP)
    object_rows = (max(rows[box.key] for box in panel.objects) + 1 if panel.objects else 0) * (OBJECT_HEIGHT + ROW_GAP)
    return TITLE_HEIGHT + max(name_rows, object_rows)


def _object_rows(before: Panel, after: Panel) -> dict[str, int]:
    """Give each object one row for both panels, in order of first appearance."""
    rows: dict[str, int] = {}
    for box in [*before.objects, *after.objects]:
        rows.setdefault(box.key, len(rows))
    return rows


def _name_y(index: int) -> float:
    return TITLE_HEIGHT + index * (NAME_HEIGHT + ROW_GAP)


def _object_y(row: int) -> float:
    return TITLE_HEIGHT + row * (OBJECT_HEIGHT + ROW_GAP)


def _draw_panel(
    panel: Panel, earlier: Panel | None, rows: dict[str, int], top: float, labels: dict[str, str]
) -> list[str]:
    old_targets = {arrow.name: arrow.target for arrow in earlier.names} if earlier else {}
    old_objects = {box.key: box for box in earlier.objects} if earlier else {}
    parts = [
        f'<g transform="translate(0 {top:.0f})">',
        f'<text x="{NAME_X}" y="18" font-size="14" font-weight="bold" fill="currentColor">{escape(panel.title)}</text>',
    ]
    for box in panel.objects:
        y = _object_y(rows[box.key])
        before = old_objects.get(box.key)
        header = f"{box.key} · {box.kind} {tuple(box.shape)}"
        if earlier is not None and before is None:
            header += f" · {labels['new']}"
        ptr = f"data_ptr() {_hex(box.data_ptr)}"
        if before is not None and before.data_ptr != box.data_ptr:
            ptr += f" ({labels['was']} {_hex(before.data_ptr)})"
        version = f"_version {box.version}"
        if before is not None and before.version != box.version:
            version += f" ({labels['was']} {before.version})"
        values = f"{labels['values']} {_values(box.values)}"
        if before is not None and before.values != box.values:
            values += f" ({labels['was']} {_values(before.values)})"
        parameter = box.kind == "Parameter"
        parts.append(
            f'<g class="names-object"><rect x="{OBJECT_X}" y="{y:.0f}" width="{OBJECT_WIDTH}" '
            f'height="{OBJECT_HEIGHT}" rx="6" '
            f'fill="currentColor" fill-opacity="{0.10 if parameter else 0.03}" stroke="currentColor" '
            f'stroke-width="{2 if parameter else 1}"/>'
        )
        for line, text in enumerate((header, f"id() {_hex(box.id)}", ptr, version, values)):
            weight = ' font-weight="bold"' if line == 0 else ""
            parts.append(
                f'<text x="{OBJECT_X + 10}" y="{y + 18 + line * LINE:.0f}" font-size="12" font-family="monospace" '
                f'fill="currentColor"{weight}>{escape(_fit(text, OBJECT_WIDTH - 16))}</text>'
            )
        parts.append("</g>")
    for index, arrow in enumerate(panel.names):
        y = _name_y(index)
        moved = earlier is not None and arrow.name in old_targets and old_targets[arrow.name] != arrow.target
        dash = ' stroke-dasharray="6 4"' if moved else ""
        label = arrow.name + (f"  ({labels['moved']})" if moved else "")
        end_y = _object_y(rows[arrow.target]) + OBJECT_HEIGHT / 2
        parts.append(
            f'<g class="names-name"><rect x="{NAME_X}" y="{y:.0f}" width="{NAME_WIDTH}" height="{NAME_HEIGHT}" rx="4" '
            f'fill="none" stroke="currentColor"{dash}/>'
            f'<text x="{NAME_X + 8}" y="{y + 17:.0f}" font-size="12" font-family="monospace" '
            f'fill="currentColor">{escape(_fit(label, NAME_WIDTH - 14))}</text>'
            f'<line x1="{NAME_X + NAME_WIDTH}" y1="{y + NAME_HEIGHT / 2:.0f}" x2="{OBJECT_X - 6}" y2="{end_y:.0f}" '
            f'stroke="currentColor" stroke-width="{2.5 if moved else 1.5}"{dash} marker-end="url(#names-arrow)"/></g>'
        )
    parts.append("</g>")
    return parts


def names_picture(before: Panel, after: Panel, title: str, labels: dict[str, str]) -> Markup:
    """Draw the before and after panels one above the other, arrows from names to objects.

    `labels` gives the translated words 'moved', 'new', 'was' and 'values' used as text markers, so
    a change is never shown by colour or dash alone.
    """
    rows = _object_rows(before, after)
    top_height = _panel_height(before, rows)
    height = top_height + PANEL_GAP + _panel_height(after, rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="names-picture" role="img" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}"><title>{escape(title)}</title>'
        '<defs><marker id="names-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" '
        'markerWidth="10" markerHeight="10" '
        'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="currentColor"/></marker></defs>',
        *_draw_panel(before, None, rows, 0, labels),
        f'<line x1="0" y1="{top_height + PANEL_GAP / 2:.0f}" x2="{WIDTH}" y2="{top_height + PANEL_GAP / 2:.0f}" '
        'stroke="currentColor" stroke-opacity="0.3"/>',
        *_draw_panel(after, before, rows, top_height + PANEL_GAP, labels),
        "</svg>",
    ]
    return Markup("".join(parts))

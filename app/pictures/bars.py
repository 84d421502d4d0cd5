"""Draw a horizontal bar chart of shares (one bar per option of a check), with no inline style.

In the house style of svg.py: colours are attributes, text uses currentColor so it follows the
theme, the picture has a <title>, and the page pairs it with a table of the same numbers. A bar
may be a link (to the students who chose it); each link is named in words, not by colour.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 340  # narrow enough that 14 px labels stay readable when a phone scales the picture down
ROW = 46  # a label line above each bar, then the bar
BAR = 16
LABEL_UNITS = 38  # about 7.5 px each at 14 px; longer labels are cut, the table beside holds the whole text
RIGHT_FILL = "#15803d"  # green: the right option
WRONG_FILL = "#6b7280"  # grey: every other option (the label says which is right, not the colour alone)


@dataclass(frozen=True)
class Bar:
    label: str  # plain text, e.g. "changed · 38% (5)"
    share: float  # 0..1, the bar's length
    right: bool
    href: str | None = None
    link_name: str | None = None  # what a screen reader says for the link


def _units(character: str) -> int:
    return 2 if unicodedata.east_asian_width(character) in "WF" else 1  # a Chinese character is twice as wide


def _cut(text: str) -> str:
    """Shorten a label to fit the picture's width, counting wide (CJK) characters twice."""
    used = 0
    for index, character in enumerate(text):
        used += _units(character)
        if used > LABEL_UNITS:
            return text[: max(0, index - 1)] + "…"
    return text


def share_bars(bars: Sequence[Bar], title: str) -> Markup:
    """Draw one labelled bar per entry, longest share full width; a bar with href links there."""
    height = ROW * len(bars) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="share-bars" role="group" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, bar in enumerate(bars):
        top = index * ROW
        length = max(0.0, min(1.0, bar.share)) * (WIDTH - 2)
        fill = RIGHT_FILL if bar.right else WRONG_FILL
        visible = _cut(bar.label)
        drawn = (
            f'<text x="0" y="{top + 16}" font-size="14" fill="currentColor">{escape(visible)}</text>'
            f'<rect x="0" y="{top + 22}" width="{WIDTH - 1}" height="{BAR}" fill="none" stroke="currentColor" '
            f'stroke-opacity="0.35"/>'
            f'<rect x="1" y="{top + 23}" width="{length:.1f}" height="{BAR - 2}" fill="{fill}"/>'
        )
        if bar.href:
            # The link's name starts with the text it shows (WCAG 2.5.3, axe's label-content-name-mismatch).
            name = f"{visible}: {bar.link_name}" if bar.link_name else visible
            drawn = f'<a href="{escape(bar.href)}" aria-label="{escape(name)}">{drawn}</a>'
        parts.append(drawn)
    parts.append("</svg>")
    return Markup("".join(parts))

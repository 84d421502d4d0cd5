"""Draw a class poll's distribution: one group of horizontal bars per option, one bar per round.

The web layer hands over counts and words (already translated); this draws them. Text uses
currentColor so it follows the theme; the rounds differ by shade and by the count written at each
bar's end, and the page pairs the picture with a table.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 180
BAR_HEIGHT = 26
GAP = 6
GROUP_GAP = 14
SHADES = (0.45, 0.9)  # round 1 lighter than round 2
LABEL_CHARS = 12  # at 22 px a label of 12 characters fits LABEL_WIDTH


@dataclass(frozen=True)
class OptionBars:
    """One option: its short label, its count in each round shown, and whether torch said it."""

    label: str
    counts: tuple[int, ...]
    right: bool = False


def _fit(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def poll_bars(options: Sequence[OptionBars], round_names: Sequence[str], title: str) -> Markup:
    """Draw the bars (one or two rounds); each bar's length is its share of that round's votes."""
    rounds = len(round_names)
    if not 1 <= rounds <= len(SHADES):
        raise ValueError("draw one round, or the first beside the latest")
    totals = [sum(option.counts[r] for option in options) for r in range(rounds)]
    group = rounds * BAR_HEIGHT + (rounds - 1) * GAP
    height = len(options) * (group + GROUP_GAP) + GROUP_GAP
    span = WIDTH - LABEL_WIDTH - 70  # room at the end of the longest bar for its count
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="poll-bars" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}"><title>{escape(title)}</title>'
        '<g font-size="22" fill="currentColor" font-family="sans-serif">'
    ]
    for index, option in enumerate(options):
        top = GROUP_GAP + index * (group + GROUP_GAP)
        label = ("✓ " if option.right else "") + _fit(option.label)
        weight = ' font-weight="bold"' if option.right else ""
        parts.append(
            f'<text x="{LABEL_WIDTH - 10}" y="{top + group / 2 + 6:.1f}" text-anchor="end"{weight}>'
            f"{escape(label)}</text>"
        )
        for r in range(rounds):
            count = option.counts[r]
            share = count / totals[r] if totals[r] else 0.0
            y = top + r * (BAR_HEIGHT + GAP)
            length = max(share * span, 2.0)  # a hairline for zero, so the row is still seen
            name = f"{round_names[r]}: {count}"
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="currentColor" '
                f'fill-opacity="{SHADES[r - rounds]}"><title>{escape(name)}</title></rect>'
                f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + BAR_HEIGHT - 6}">{count}</text>'
            )
    parts.append("</g></svg>")
    return Markup("".join(parts))

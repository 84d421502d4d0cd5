"""The poll picture: bar lengths are each round's shares, the right option is marked, words are escaped."""

import re

import pytest

from app.pictures.poll_bars import LABEL_WIDTH, OptionBars, poll_bars


def bar_widths(svg: str) -> list[float]:
    return [float(width) for width in re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)"', svg)]


def test_bars_are_shares_of_each_round():
    svg = poll_bars([OptionBars("True", (3, 0)), OptionBars("False", (1, 4), right=True)], ["R1", "R2"], "votes")
    true_r1, true_r2, false_r1, false_r2 = bar_widths(svg)
    assert true_r1 == pytest.approx(3 * false_r1, rel=0.01)  # 75% against 25% of round 1
    assert true_r2 == 2.0 and false_r2 > true_r1  # zero is a hairline; 100% is the longest bar
    assert "✓ False" in svg and "<title>R2: 4</title>" in svg and f'x="{LABEL_WIDTH}"' in svg


def test_words_are_escaped_and_long_labels_cut():
    svg = str(poll_bars([OptionBars("<b>&</b>", (1,)), OptionBars("a" * 40, (0,))], ["Round 1"], "a <title>"))
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg and "a" * 40 not in svg and "…" in svg


def test_more_than_two_rounds_is_refused():
    with pytest.raises(ValueError):
        poll_bars([OptionBars("x", (1, 1, 1))], ["1", "2", "3"], "t")

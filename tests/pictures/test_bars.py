"""The share bar chart: lengths follow the shares, bars link with a spoken name, labels fit the width."""

import pytest
from bs4 import BeautifulSoup

from app.pictures.bars import RIGHT_FILL, WIDTH, WRONG_FILL, Bar, share_bars


def drawn(bars, title="Answers"):
    return BeautifulSoup(str(share_bars(bars, title)), "html.parser").svg


def test_bar_lengths_follow_the_shares_and_the_right_option_is_marked():
    svg = drawn([Bar("38% (3): zeros", 0.375, False, "/a?option=x", "Who chose x"), Bar("62% (5)", 0.625, True)])
    assert svg.title.text == "Answers" and svg["viewbox"].startswith(f"0 0 {WIDTH} ")
    filled = [rect for rect in svg.find_all("rect") if rect.get("fill") != "none"]
    assert [rect["fill"] for rect in filled] == [WRONG_FILL, RIGHT_FILL]
    widths = [float(rect["width"]) for rect in filled]
    assert widths == [pytest.approx(0.375 * (WIDTH - 2), abs=0.1), pytest.approx(0.625 * (WIDTH - 2), abs=0.1)]
    (link,) = svg.find_all("a")
    assert (
        link["href"] == "/a?option=x" and link["aria-label"] == "38% (3): zeros: Who chose x" and "zeros" in link.text
    )


def test_labels_are_escaped_and_long_ones_cut_to_fit_counting_chinese_twice():
    svg = drawn([Bar("<b>" + "x" * 80, 1.0, False), Bar("全" * 30, 0.0, False)], title="a & b")
    latin, chinese = [text.text for text in svg.find_all("text")]
    assert latin.startswith("<b>") and latin.endswith("…") and len(latin) <= 40
    assert chinese.endswith("…") and len(chinese) <= 20
    assert "<b>" not in str(share_bars([Bar("<b>", 1.0, False)], "t"))

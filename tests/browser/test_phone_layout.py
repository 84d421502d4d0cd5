"""Every page at 390 px (a phone), in both languages: no sideways page scroll, readable pictures.

Wide content may scroll inside its own box; such a box must be reachable by keyboard (tabindex=0)
and named, so it is checked here too. The pages are walked once (tests/browser/walks.py), in the
dark theme, together with the axe test at this width.
"""

import pytest

from tests.browser.pages import LANGUAGES, every_page
from tests.browser.walks import phone_walk  # noqa: F401  (a fixture)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_a_phone(phone_walk, language):  # noqa: F811
    problems = []
    for path in every_page():
        seen = phone_walk[(language, path)]["layout"]
        if seen["page"] > seen["width"]:
            problems.append(f"{path}: the page is {seen['page']} px wide at {seen['width']} px: {seen['sticking']}")
        problems += [f"{path}: text too small to read: {tiny}" for tiny in seen["tiny"]]
        problems += [f"{path}: text cut off at the picture's edge: {label}" for label in seen["clipped"]]
        problems += [f"{path}: a scroll box without tabindex=0 and a name: {box}" for box in seen["unreachable"]]
    assert not problems, "\n".join(problems)

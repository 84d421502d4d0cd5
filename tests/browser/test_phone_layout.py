"""Every page at 390 px (a phone), in both languages: no sideways page scroll, readable pictures.

Wide content may scroll inside its own box; such a box must be reachable by keyboard (tabindex=0)
and named, so it is checked here too. The pages are walked once (tests/browser/walks.py), together
with the axe test.
"""

import pytest

from tests.browser.pages import LANGUAGES, every_page


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_a_phone(every_page_walked, language):
    problems = []
    for path in every_page():
        seen = every_page_walked[(language, path)]["layout"]
        if seen["page"] > seen["width"]:
            problems.append(f"{path}: the page is {seen['page']} px wide at {seen['width']} px: {seen['sticking']}")
        problems += [f"{path}: text too small to read: {tiny}" for tiny in seen["tiny"]]
        problems += [f"{path}: text cut off at the picture's edge: {label}" for label in seen["clipped"]]
        problems += [f"{path}: a scroll box without tabindex=0 and a name: {box}" for box in seen["unreachable"]]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_select_shows_any_chosen_option_in_full_on_a_phone(every_page_walked, language):
    """A closed select shows only its chosen option: each option, once chosen, must fit the select."""
    problems = [
        f"{path}: {cut}" for path in every_page() for cut in every_page_walked[(language, path)]["layout"]["cutOptions"]
    ]
    assert not problems, "\n".join(problems)

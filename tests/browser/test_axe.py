"""axe-core on every page: any violation of any impact fails.

axe-core is an npm dev dependency (package.json, pinned by package-lock.json). The test injects
node_modules/axe-core/axe.min.js into each page; the app never serves it.

The matrix, chosen to stay fast on a shared two-core machine while every page, language, theme and
width is covered: every page in both languages at 1280 px in the light theme and at 390 px in the
dark theme (that walk is shared with tests/browser/test_phone_layout.py); and a representative
page of each kind (home, a lab with a step history, a gallery model with large heat maps, a
lesson with checks, a code cell and an exercise) in both languages in the other two combinations
of width and theme (1280 px dark, 390 px light).
"""

import json

import pytest

from tests.browser.pages import every_page
from tests.browser.walks import phone_walk, walk  # noqa: F401  (phone_walk is a fixture)

REPRESENTATIVE = ["/", "/labs/gradients", "/models/lstm", "/lessons/rebinding-pitfall"]


def violations(seen: dict, width: int, theme: str) -> list[str]:
    return [
        f"{width} px {theme} {language} {path}: {json.dumps(violation, ensure_ascii=False)}"
        for (language, path), found in seen.items()
        for violation in found["axe"]
    ]


def test_every_page_at_390_px_dark_has_no_axe_violation(phone_walk):  # noqa: F811
    found = violations(phone_walk, 390, "dark")
    assert not found, "\n".join(found)


def test_every_page_at_1280_px_light_has_no_axe_violation(browser, server_url):
    found = violations(walk(browser, server_url, 1280, "light", every_page()), 1280, "light")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("width", "theme"), [(1280, "dark"), (390, "light")])
def test_representative_pages_have_no_axe_violation_in_the_other_combinations(browser, server_url, width, theme):
    found = violations(walk(browser, server_url, width, theme, REPRESENTATIVE), width, theme)
    assert not found, "\n".join(found)

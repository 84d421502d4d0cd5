"""axe-core on every page, both languages, both themes, 1280 and 390 px: any violation of any impact fails.

axe-core is an npm dev dependency (package.json, pinned by package-lock.json). The test injects
node_modules/axe-core/axe.min.js into each page; the app never serves it. Every page is loaded once
per language and axe runs on it in all four combinations of width and theme (tests/browser/walks.py
says how, and tests/browser/test_walks.py checks that switching in place matches a fresh render).
"""

import json

import pytest

from tests.browser.pages import LANGUAGES
from tests.browser.walks import COMBINATIONS


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("width", "theme"), COMBINATIONS)
def test_every_page_has_no_axe_violation(every_page_walked, language, width, theme):
    found = [
        f"{width} px {theme} {language} {path}: {json.dumps(violation, ensure_ascii=False)}"
        for (walked_language, path), seen in every_page_walked.items()
        if walked_language == language
        for violation in seen["axe"][(width, theme)]
    ]
    assert not found, "\n".join(found)

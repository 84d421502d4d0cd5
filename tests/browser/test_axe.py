"""axe-core on every page: any violation of any impact fails.

axe-core is an npm dev dependency (package.json, pinned by package-lock.json). The test injects
node_modules/axe-core/axe.min.js into each page; the app never serves it.

The matrix, chosen to stay fast on a shared two-core machine while every page, language, theme and
width is covered: every page in both languages at 1280 px in the light theme and at 390 px in the
dark theme; and a representative page of each kind (home, a lab with a step history, a gallery
model with a large heat map, a lesson with checks, a cell and an exercise) in both languages in
all four combinations of width (1280, 390) and theme (light, dark).
"""

import json

import pytest

from app.settings import REPO_ROOT
from app.web.render import THEME_COOKIE
from tests.browser.pages import LANGUAGES, every_page, in_language

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPRESENTATIVE = ["/", "/labs/gradients", "/models/lstm", "/lessons/rebinding-pitfall"]
EVERY_PAGE = [(1280, "light"), (390, "dark")]
ALL_COMBINATIONS = [(width, theme) for width in (1280, 390) for theme in ("light", "dark")]

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def _walk(browser, server_url, width, theme, paths):
    if not AXE.exists():
        pytest.fail("axe-core is missing: scripts/setup.sh installs it with npm ci (package-lock.json)")
    # The pages' Content-Security-Policy forbids inline scripts, as it should; only the test's own
    # injected axe needs the bypass.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True, locale="en-US")
    context.add_cookies([{"name": THEME_COOKIE, "value": theme, "url": server_url}])
    page = context.new_page()
    found = []
    try:
        for language in LANGUAGES:
            for path in paths:
                page.goto(server_url + in_language(path, language))
                page.add_script_tag(path=str(AXE))
                for violation in page.evaluate(RUN_AXE):
                    found.append(f"{width} px {theme} {language} {path}: {json.dumps(violation, ensure_ascii=False)}")
    finally:
        context.close()
    return found


@pytest.mark.parametrize(("width", "theme"), EVERY_PAGE)
def test_every_page_has_no_axe_violation(browser, server_url, width, theme):
    found = _walk(browser, server_url, width, theme, every_page())
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("width", "theme"), [c for c in ALL_COMBINATIONS if c not in EVERY_PAGE])
def test_representative_pages_have_no_axe_violation_in_the_other_combinations(browser, server_url, width, theme):
    found = _walk(browser, server_url, width, theme, REPRESENTATIVE)
    assert not found, "\n".join(found)

"""One walk over pages in one browser context: axe-core on each page, and optionally a layout measure.

The 390 px walk (dark theme, both languages) serves both the phone layout test and the axe test,
so every page is loaded once for both: on a shared two-core machine each page load counts.
"""

import pytest

from app.settings import REPO_ROOT
from app.web.render import THEME_COOKIE
from tests.browser.pages import LANGUAGES, every_page, in_language

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SMALLEST_TEXT_PX = 11

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""

# Everything measured in one round trip: the page's overflow, the elements sticking out, SVG text
# drawn smaller than SMALLEST_TEXT_PX after scaling or past the picture's edge (cut off), and
# scroll boxes a keyboard cannot reach.
MEASURE = """(smallest) => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const insideScrollBox = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) if (scrolls(p)) return true;
    return false;
  };
  const named = (el) => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className
    ? '.' + el.className.split(' ')[0] : '');
  const sticking = [];
  if (root.scrollWidth > width) {
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1 && !insideScrollBox(el)) sticking.push(named(el));
    }
  }
  const tiny = [], clipped = [];
  for (const svg of document.querySelectorAll('svg[viewBox]')) {
    const view = svg.viewBox.baseVal;
    const box = svg.getBoundingClientRect();
    if (!view || !view.width || !box.width) continue;
    const scale = box.width / view.width;
    for (const text of svg.querySelectorAll('text')) {
      const size = parseFloat(getComputedStyle(text).fontSize) * scale;
      const label = `${svg.getAttribute('class') || 'svg'}: "${text.textContent.slice(0, 30)}"`;
      if (size < smallest) { tiny.push(`${label} at ${size.toFixed(1)} px`); break; }
      const drawn = text.getBBox();
      if (drawn.x < view.x - 1 || drawn.x + drawn.width > view.x + view.width + 1) clipped.push(label);
    }
  }
  const unreachable = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!scrolls(el) || el.scrollWidth <= el.clientWidth + 1 || el.matches('textarea, select, input')) continue;
    const hasName = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
      || (el.matches('figure') && el.querySelector('figcaption'));
    if (el.tabIndex < 0 || !hasName) unreachable.push(named(el));
  }
  return {page: root.scrollWidth, width, sticking: [...new Set(sticking)].slice(0, 6), tiny, clipped, unreachable};
}"""


def walk(browser, server_url, width, theme, paths, measure=False, cookies=()) -> dict[tuple[str, str], dict]:
    """Open every path in both languages; return axe's violations (and the layout) for each.

    `cookies` (as a Playwright context returns them) let the walk open pages behind a sign-in.
    """
    if not AXE.exists():
        pytest.fail("axe-core is missing: scripts/setup.sh installs it with npm ci (package-lock.json)")
    # The pages' Content-Security-Policy forbids inline scripts, as it should; only the test's own
    # injected axe needs the bypass.
    context = browser.new_context(viewport={"width": width, "height": 844}, bypass_csp=True, locale="en-US")
    context.set_default_timeout(30_000)
    context.add_cookies([*cookies, {"name": THEME_COOKIE, "value": theme, "url": server_url}])
    page = context.new_page()
    seen = {}
    try:
        for language in LANGUAGES:
            for path in paths:
                page.goto(server_url + in_language(path, language))
                layout = page.evaluate(MEASURE, SMALLEST_TEXT_PX) if measure else None
                page.add_script_tag(path=str(AXE))
                seen[(language, path)] = {"axe": page.evaluate(RUN_AXE), "layout": layout}
    finally:
        context.close()
    return seen


@pytest.fixture(scope="session")
def phone_walk(browser, server_url):
    """Walk every page at 390 px in the dark theme, both languages: layout and axe."""
    return walk(browser, server_url, 390, "dark", every_page(), measure=True)

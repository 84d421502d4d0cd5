"""One walk over every page: axe-core in both themes at both widths, and the phone layout measure.

Each page is loaded once per language (at 1280 px, light theme); on that loaded page the walk runs
axe four times, switching theme and width in place: the theme by setting the same `data-theme`
attribute on <html> (and `aria-current` on the theme menu's link) that the server renders from the
theme cookie, the width with `page.set_viewport_size`. tests/browser/test_walks.py checks that a page
switched this way has the same DOM, the same computed style on every element and the same layout as
one the server rendered in that theme at that width, and that the two themes differ in colour
properties only. So at each width axe runs every rule in the first theme and, in the second theme,
the rules that read colours (COLOUR_RULES): no other rule can see a difference. On a shared two-core
machine page loads and axe's runs are the expensive part; this keeps the full matrix (every page x
both languages x both themes x both widths) affordable. The two languages' pages are walked side by
side, so their axe runs overlap on two cores.
"""

import pytest

from app.settings import REPO_ROOT
from app.web.render import THEME_COOKIE
from tests.browser.pages import LANGUAGES, every_page, in_language

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SMALLEST_TEXT_PX = 11
PHONE = 390
DESKTOP = 1280
HEIGHT = 844
# In this order the width changes once per page; the page is loaded as the first combination. The
# first theme at each width gets every rule, the second the colour rules.
COMBINATIONS = ((DESKTOP, "light"), (DESKTOP, "dark"), (PHONE, "dark"), (PHONE, "light"))
EVERY_RULE = {(DESKTOP, "light"), (PHONE, "dark")}
# axe's rules that read colours (color-contrast-enhanced, AAA, is off by default and stays off).
COLOUR_RULES = ("color-contrast", "link-in-text-block")

# Every rule (or only `rules`), waited for: one page at a time.
RUN_AXE = """async (rules) => {
  const options = {resultTypes: ['violations']};
  if (rules) options.runOnly = {type: 'rule', values: rules};
  const result = await axe.run(document, options);
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""
# Started without waiting, so the two languages' pages (two renderer processes) run axe at once;
# COLLECT_AXE waits for the answer.
START_AXE = """(rules) => {
  const options = {resultTypes: ['violations']};
  if (rules) options.runOnly = {type: 'rule', values: rules};
  window.axeViolations = axe.run(document, options).then((result) => result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})));
}"""
COLLECT_AXE = "() => window.axeViolations"

# What the server does with the theme cookie (templates/base.html), done in the loaded page.
SET_THEME = """(theme) => {
  document.documentElement.setAttribute('data-theme', theme);
  for (const link of document.querySelectorAll('a[href^="/prefs?theme="]')) {
    const choice = new URL(link.href).searchParams.get('theme');
    if (choice === theme) link.setAttribute('aria-current', 'true'); else link.removeAttribute('aria-current');
  }
}"""

# Everything measured in one round trip: the page's overflow, the elements sticking out, SVG text
# drawn smaller than SMALLEST_TEXT_PX after scaling or past the picture's edge (cut off), scroll
# boxes a keyboard cannot reach, and select options that would not fit their select once chosen
# (a copy of the select holding only that option, sized to its content, is wider than the select).
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
  const cutOptions = [];
  for (const select of document.querySelectorAll('select')) {
    const box = select.getBoundingClientRect();
    if (!box.width) continue;
    for (const option of select.options) {
      const copy = select.cloneNode(false);
      copy.removeAttribute('id');
      copy.append(option.cloneNode(true));
      copy.style.cssText = 'position: absolute; visibility: hidden; width: max-content; min-width: 0; max-width: none';
      select.parentElement.append(copy);
      const needed = copy.getBoundingClientRect().width;
      copy.remove();
      if (needed > box.width + 0.5) {
        cutOptions.push(`#${select.id}: "${option.text}" needs ${needed.toFixed(0)} px, has ${box.width.toFixed(0)}`);
      }
    }
  }
  return {page: root.scrollWidth, width, sticking: [...new Set(sticking)].slice(0, 6), tiny, clipped, unreachable,
          cutOptions};
}"""


def new_walk_page(browser, server_url, width=DESKTOP, theme="light", cookies=()):
    """Open a browser page for walking: the theme cookie set, axe allowed in, motion reduced.

    `cookies` (as a Playwright context returns them) let the walk open pages behind a sign-in.
    """
    if not AXE.exists():
        pytest.fail("axe-core is missing: scripts/setup.sh installs it with npm ci (package-lock.json)")
    # The pages' Content-Security-Policy forbids inline scripts, as it should; only the test's own
    # injected axe needs the bypass. Reduced motion: no transition is caught halfway by axe's colours.
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHT}, bypass_csp=True, locale="en-US", reduced_motion="reduce"
    )
    context.set_default_timeout(30_000)
    context.add_cookies([*cookies, {"name": THEME_COOKIE, "value": theme, "url": server_url}])
    return context.new_page()


def switch(page, width: int, theme: str) -> None:
    """Show the loaded page at another width and in another theme, without reloading it."""
    if page.viewport_size["width"] != width:
        page.set_viewport_size({"width": width, "height": HEIGHT})
    page.evaluate(SET_THEME, theme)


def walk(browser, server_url, width, theme, paths, measure=False, cookies=()) -> dict[tuple[str, str], dict]:
    """Open every path in both languages at one width and theme; return axe's violations (and the layout).

    The classroom's browser tests walk their signed-in pages with this; every_page_walked uses
    walk_every_combination.
    """
    page = new_walk_page(browser, server_url, width, theme, cookies)
    seen = {}
    try:
        for language in LANGUAGES:
            for path in paths:
                page.goto(server_url + in_language(path, language))
                layout = page.evaluate(MEASURE, SMALLEST_TEXT_PX) if measure else None
                page.add_script_tag(path=str(AXE))
                seen[(language, path)] = {"axe": page.evaluate(RUN_AXE), "layout": layout}
    finally:
        page.context.close()
    return seen


def walk_every_combination(browser, server_url, paths) -> dict[tuple[str, str], dict]:
    """Open every path once per language; return axe's violations per (width, theme) and the phone layout."""
    pages = {language: new_walk_page(browser, server_url, *COMBINATIONS[0]) for language in LANGUAGES}
    seen = {}
    try:
        for path in paths:
            for language, page in pages.items():
                page.goto(server_url + in_language(path, language))
                page.add_script_tag(path=str(AXE))
                seen[(language, path)] = {"axe": {}, "layout": None}
            for width, theme in COMBINATIONS:
                rules = None if (width, theme) in EVERY_RULE else list(COLOUR_RULES)
                for language, page in pages.items():
                    switch(page, width, theme)
                    if width == PHONE and seen[(language, path)]["layout"] is None:
                        seen[(language, path)]["layout"] = page.evaluate(MEASURE, SMALLEST_TEXT_PX)
                    page.evaluate(START_AXE, rules)
                for language, page in pages.items():
                    seen[(language, path)]["axe"][(width, theme)] = page.evaluate(COLLECT_AXE)
    finally:
        for page in pages.values():
            page.context.close()
    return seen


@pytest.fixture(scope="session")
def every_page_walked(browser, server_url):
    """Walk every page in both languages: axe in both themes at both widths, and the layout at 390 px."""
    return walk_every_combination(browser, server_url, every_page())

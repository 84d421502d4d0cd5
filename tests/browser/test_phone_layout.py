"""Every page at 390 px (a phone), in both languages: no sideways page scroll, readable pictures.

One browser and one page walk every page, so the whole walk stays a few seconds per language.
Wide content may scroll inside its own box; such a box must be reachable by keyboard (tabindex=0)
and named, so it is checked here too.
"""

import pytest

from tests.browser.pages import LANGUAGES, every_page, in_language

PHONE = {"width": 390, "height": 844}
SMALLEST_TEXT_PX = 11

# Everything measured in one round trip: the page's overflow, the elements sticking out, SVG text
# drawn smaller than SMALLEST_TEXT_PX after scaling or past the picture's edge (cut off), and
# scroll boxes a keyboard cannot reach.
MEASURE = """(smallest) => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const insideScrollBox = (el) => { for (let p = el.parentElement; p; p = p.parentElement) if (scrolls(p)) return true; return false; };
  const sticking = [];
  if (root.scrollWidth > width) {
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1 && !insideScrollBox(el)) sticking.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''));
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
    const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.matches('figure') && el.querySelector('figcaption'));
    if (el.tabIndex < 0 || !named) unreachable.push(el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || ''));
  }
  return {page: root.scrollWidth, width, sticking: [...new Set(sticking)].slice(0, 6), tiny, clipped, unreachable};
}"""


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="en-US")
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_a_phone(phone, server_url, language):
    problems = []
    for path in every_page():
        phone.goto(server_url + in_language(path, language))
        seen = phone.evaluate(MEASURE, SMALLEST_TEXT_PX)
        if seen["page"] > seen["width"]:
            problems.append(f"{path}: the page is {seen['page']} px wide at {seen['width']} px: {seen['sticking']}")
        problems += [f"{path}: text too small to read: {tiny}" for tiny in seen["tiny"]]
        problems += [f"{path}: text cut off at the picture's edge: {label}" for label in seen["clipped"]]
        problems += [f"{path}: a scroll box without tabindex=0 and a name: {box}" for box in seen["unreachable"]]
    assert not problems, "\n".join(problems)

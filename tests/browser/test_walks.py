"""The walk's shortcut is sound: a page switched in place equals the server's render in that theme and width.

tests/browser/walks.py loads each page once and switches theme and width on the loaded page. Here a
page with a lab, a code cell (CodeMirror), checks and callouts is compared property by property:
its DOM, every element's computed style and every element's box, once switched (1280 px light to
390 px dark) and once rendered by the server with the dark theme cookie at 390 px. A second test
shows that the two themes differ only in colours (outside the theme menu, whose chosen link is
bold), which is why the walk runs axe's colour rules, not all of them, for a page's second theme at
each width; the walk's full runs (1280 px light, 390 px dark) see the menu in both states.
"""

import re

from tests.browser.walks import PHONE, new_walk_page, switch

PAGE = "/lessons/tensor-or-parameter?lang=en"

# Every element: its tag, its attributes, its computed style (every property) and its box.
SNAPSHOT = """() => [...document.querySelectorAll('*')].map((el) => {
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName,
    themeMenu: !!el.closest('nav')?.querySelector('a[href^="/prefs?theme="]'),
    attributes: [...el.attributes].map(a => `${a.name}=${a.value}`).join(' '),
    style: Object.fromEntries([...style].map(name => [name, style.getPropertyValue(name)])),
    box: [box.x, box.y, box.width, box.height].map(n => Math.round(n * 10) / 10),
  };
})"""

# Properties a theme may change: colours, and what is drawn in them (the rules in walks.COLOUR_RULES).
COLOUR_PROPERTY = re.compile(r"color|^fill$|^stroke$|shadow$")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")


def is_colour(name: str, values: tuple[str, str]) -> bool:
    """Tell whether a property that differs between the themes holds a colour (the CSS variables too)."""
    if name.startswith("--"):
        return all(HEX_COLOUR.fullmatch(value.strip()) for value in values)
    return bool(COLOUR_PROPERTY.search(name))


def snapshot_of(browser, server_url, width, theme, then=None):
    page = new_walk_page(browser, server_url, width, theme)
    try:
        page.goto(server_url + PAGE)
        page.wait_for_selector(".cm-content")  # the code editor is drawn by script after load
        if then:
            switch(page, *then)
        return page.evaluate(SNAPSHOT)
    finally:
        page.context.close()


def test_switching_theme_and_width_in_the_page_matches_a_server_render(browser, server_url):
    rendered = snapshot_of(browser, server_url, PHONE, "dark")
    switched = snapshot_of(browser, server_url, 1280, "light", then=(PHONE, "dark"))
    assert len(rendered) == len(switched)
    for before, after in zip(rendered, switched, strict=True):
        assert before == after, f"{before['tag']} {before['attributes']}"
    assert rendered[0]["box"][2] == PHONE  # the html element: the switch did reach the phone width


def test_the_themes_differ_only_in_colours(browser, server_url):
    light = snapshot_of(browser, server_url, PHONE, "light")
    dark = snapshot_of(browser, server_url, PHONE, "dark")
    assert len(light) == len(dark)
    coloured = set()
    for one, other in zip(light, dark, strict=True):
        where = f"{one['tag']} {one['attributes']}"
        if one["themeMenu"]:
            continue  # the menu names the chosen theme in bold: the walk sets that too, see SET_THEME
        assert one["box"] == other["box"], where
        changed = {name for name in one["style"] if one["style"][name] != other["style"][name]}
        not_colours = {name for name in changed if not is_colour(name, (one["style"][name], other["style"][name]))}
        assert not not_colours, f"{where}: {not_colours}"
        coloured |= changed
    assert "color" in coloured and "background-color" in coloured  # the themes do differ

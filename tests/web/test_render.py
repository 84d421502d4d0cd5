"""The rendering helpers give exactly what the templates used to compute for themselves."""

import pytest
from jinja2 import Environment
from jinja2.utils import LRUCache
from markupsafe import Markup
from pygments import highlight

from app.i18n import current_locale, gettext, ngettext
from app.labs import LAB_BY_ID as LABS
from app.labs.zoo import MODELS
from app.web.render import (
    HTML_FORMATTER,
    PYTHON_LEXER,
    highlight_python,
    history_links,
    shape_text,
    template_gettext,
    templates,
)
from benchmarks.scenarios import GRADIENTS_6_ACTIONS, REGISTRATION_10_STEPS


def naive_query(base: str, key: str, items: list[str]) -> str:
    """Build a query the way the templates did: Jinja's urlencode filter on each item."""
    quote = Environment().filters["urlencode"]
    return base + "".join(f"&{key}={quote(item)}" for item in items)


@pytest.mark.parametrize(
    "items", [[], ["a"], ["add:w:param:3,4", "del:w", "x y/z", "步"], [f"s{i}" for i in range(20)]]
)
def test_history_links_are_every_prefix_and_every_leave_one_out(items):
    links = history_links("?lab=x&seed=1", "step", items)
    assert links.upto == [naive_query("?lab=x&seed=1", "step", items[:k]) for k in range(len(items) + 1)]
    assert links.without == [
        naive_query("?lab=x&seed=1", "step", items[:i] + items[i + 1 :]) for i in range(len(items))
    ]


def test_shapes_read_as_python_tuples():
    assert [shape_text(shape) for shape in ([], [4], [3, 4], (2, 1, 3))] == ["()", "(4,)", "(3, 4)", "(2, 1, 3)"]


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_template_gettext_matches_jinjas_newstyle_gettext(locale):
    reference = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    reference.install_gettext_callables(gettext, ngettext, newstyle=True)
    token = current_locale.set(locale)
    try:
        for source in [
            '{{ _("Run") }}',
            '{{ _("Remove step %(number)s", number=3) }}',
            '{{ _("Lab: %(title)s", title="<b>&") }}',
            '{{ _("100%% sure") }}',
            '{{ _("no <b>markup</b> here") }}',
        ]:
            assert templates.from_string(source).render() == reference.from_string(source).render()
        assert isinstance(template_gettext("Run"), Markup)
    finally:
        current_locale.reset(token)


def every_code_a_page_colours(app, client, monkeypatch) -> set[str]:
    """Fetch every lesson, lab and model page (and a long registration history) and keep the code
    each one passed to the `python` filter."""
    seen = set()

    def recording(code):
        seen.add(code)
        return highlight_python(code)

    monkeypatch.setitem(templates.filters, "python", recording)
    # A compiled template binds its filters when it loads, so templates other tests already
    # compiled would keep the real filter: compile afresh into an empty cache for this test.
    monkeypatch.setattr(templates, "cache", LRUCache(templates.cache.capacity))
    urls = [
        "/labs",
        *(f"/labs/{lab_id}" for lab_id in LABS),
        *(f"/models/{model_id}" for model_id in MODELS),
        *(f"/lessons/{lesson.slug}" for lesson in app.state.lessons["en"]),
        "/labs/registration?" + REGISTRATION_10_STEPS,
        "/labs/gradients?" + GRADIENTS_6_ACTIONS,
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    return seen


def test_colouring_line_by_line_gives_the_markup_of_colouring_the_whole_text(app, client, monkeypatch):
    codes = every_code_a_page_colours(app, client, monkeypatch)
    codes |= {"", "\n\nx = 1\n\n", "  ", "def f():\n    '''doc\n    string'''\n", "x = 1 + \\\n    2", "#!/bin/py\nx"}
    assert len(codes) > 40  # the pages really do show code
    for code in codes:
        assert highlight_python(code) == highlight(code, PYTHON_LEXER, HTML_FORMATTER), code

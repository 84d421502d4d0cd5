"""Render templates: the Jinja environment, the full-page-or-fragment decision, shared context."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from app.course.notebook import lab_query
from app.i18n import LOCALE_NAMES, LOCALES, current_locale, gettext, ngettext
from app.labs.gradients.actions import action_label
from app.labs.registration.views import VIEW_TABLES
from app.pictures.svg import number_table
from app.settings import REPO_ROOT

THEMES = ("system", "light", "dark")
THEME_COOKIE = "plab_theme"
# The same URL answers differently by these request headers; caches between us and learners must know.
VARY = {"Vary": "HX-Request, Accept-Language, Cookie"}


# Made once: building a lexer and a formatter cost more than highlighting a short statement.
PYTHON_LEXER = PythonLexer()
HTML_FORMATTER = HtmlFormatter(nowrap=True)


# Where the lexer's state can run on past the end of a line (triple-quoted strings, a continued
# line, a carriage return, a hashbang the lexer only knows at the start): colour the text whole.
CROSSES_LINES = re.compile(r"'''|\"\"\"|\\\n|\r|#!")


# Both caches are keyed by text that follows from a request, so they are bounded by count and, as
# only text up to a size is cached, by bytes: at most ~4096 x 2 KB and 512 x 40 KB of markup.
CACHED_LINE_CHARS = 400
CACHED_CODE_CHARS = 8000


def _highlight_line(line: str) -> str:
    return _highlight_line_cached(line) if len(line) <= CACHED_LINE_CHARS else _colour_line(line)


def _colour_line(line: str) -> str:
    return highlight(line, PYTHON_LEXER, HTML_FORMATTER)[:-1]  # pygments ends its output with a newline


_highlight_line_cached = lru_cache(maxsize=4096)(_colour_line)


def highlight_python(code: str) -> Markup:
    """Colour Python source (see _colour_python), from the cache when the text is not too long."""
    return _highlight_python_cached(code) if len(code) <= CACHED_CODE_CHARS else _colour_python(code)


def _colour_python(code: str) -> Markup:
    """Colour Python source with CSS classes (our stylesheet owns the colours; no inline style).

    Line by line, each line cached: pygments costs ~60 µs a line, and the code a lab writes from a
    learner's own history is new text each time while most of its lines are not (the registration
    lab's class is ~25 lines, a step's history changes one or two). The result is the same markup
    as colouring the whole text (tests/web/test_render.py checks every code a page shows).
    """
    if CROSSES_LINES.search(code):
        return Markup(highlight(code, PYTHON_LEXER, HTML_FORMATTER))
    # pygments drops leading and trailing blank lines and ends with one newline; so does this.
    return Markup("\n".join(map(_highlight_line, code.strip("\n").split("\n"))) + "\n")


_highlight_python_cached = lru_cache(maxsize=512)(_colour_python)


def python_bool(value: Any) -> str:
    """Show a value the way Python prints it, so True/False/None read as in a REPL."""
    return repr(value) if value is None or isinstance(value, bool) else str(value)


def shape_text(shape: Sequence[int]) -> str:
    """Write a shape as Python prints a tuple: (3, 4), (4,) or ()."""
    return f"({', '.join(map(str, shape))}{',' if len(shape) == 1 else ''})"


def template_gettext(message: str, **variables: Any) -> Markup:
    """Translate as Jinja's newstyle `_` does in an autoescaped template (the translation is markup,
    the variables are escaped, and it is always a format string), minus its context plumbing:
    a lab's render calls `_` dozens of times, and the plumbing cost more than the rest of the call.

    Messages use %(name)s placeholders only, so escaping each value first and formatting the plain
    string gives what Markup's own % gives, at a fraction of the cost.
    """
    text = gettext(message)
    if not variables:
        return Markup(text) if "%" not in text else Markup(text) % {}
    return Markup(
        text % {key: value if isinstance(value, (int, float)) else escape(value) for key, value in variables.items()}
    )


class HistoryLinks(NamedTuple):
    """Query strings for the states of a history kept as repeated `key=` values."""

    upto: list[str]  # upto[k]: the first k items (k = 0..n)
    without: list[str]  # without[i]: every item except item i


def history_links(base: str, key: str, items: Sequence[str]) -> HistoryLinks:
    """Build every prefix and every leave-one-out query of a history after `base`, quoting each item
    once (as Jinja's urlencode filter does), so a page of n links costs n quotes, not n squared."""
    quoted = [f"&{key}={quote(str(item), safe='/')}" for item in items]
    upto, text = [base], base
    for part in quoted:
        text += part
        upto.append(text)
    after, text = [""], ""
    for part in reversed(quoted):
        text = part + text
        after.append(text)
    after.reverse()  # after[i]: the items from i on
    return HistoryLinks(upto, [upto[i] + after[i + 1] for i in range(len(quoted))])


FULL_WIDTH_END = tuple("，。：；！？")


def label_text(text: str) -> Markup:
    """End a label with the space that follows it: none after Chinese full-width punctuation."""
    return Markup(text) if str(text).endswith(FULL_WIDTH_END) else Markup(text) + " "


def build_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(REPO_ROOT / "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.install_gettext_callables(gettext, ngettext, newstyle=True)
    environment.globals["_"] = template_gettext  # every template is .html, so always autoescaped
    environment.filters["python"] = highlight_python
    environment.filters["py"] = python_bool
    environment.filters["shape"] = shape_text
    environment.globals["history_links"] = history_links
    environment.filters["action_label"] = action_label
    environment.filters["label"] = label_text
    environment.globals["lab_query"] = lab_query  # a lab state's inputs as a query (download links)
    environment.globals["number_table"] = number_table
    environment.globals["registration_view_tables"] = VIEW_TABLES
    return environment


templates = build_environment()


def is_htmx(request: Request) -> bool:
    """Tell whether htmx asked for a fragment (a history restore wants the whole page)."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def site_path(path: str) -> str:
    """Write a request's path as a link that stays on this site: `//evil.example/x` would be read
    by a browser as another host, so leading slashes collapse to one (and the Host header is never used)."""
    return "/" + quote(path.lstrip("/"), safe="/:@!$&'()*+,;=-._~")


def url_with(request: Request, **changes: str | None) -> str:
    """Return the current path and query with some parameters replaced (None removes one)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    query += [(k, v) for k, v in changes.items() if v is not None]
    return site_path(request.scope["path"]) + ("?" + urlencode(query) if query else "")


def base_context(request: Request) -> dict[str, Any]:
    theme = request.cookies.get(THEME_COOKIE)
    return {
        "request": request,
        "locale": current_locale.get(),
        "language_links": [(code, LOCALE_NAMES[code], url_with(request, lang=code)) for code in LOCALES],
        "theme": theme if theme in THEMES else "system",
        "themes": THEMES,
        "here": url_with(request, lang=None),
        # A class member's open poll, looked up before the route ran (app/web/class_polls.py).
        "class_poll": request.scope.get("state", {}).get("class_poll"),
    }


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a whole page."""
    html = templates.get_template(template).render({**base_context(request), **context})
    return HTMLResponse(html, status_code=status, headers=VARY)


def render_fragment(request: Request, template: str, macro: str, *args: Any, status: int = 200) -> HTMLResponse:
    """Render one macro of a template: the block htmx swaps into the page.

    Fragments take everything through the macro's arguments (only base.html reads the page
    context), so the template's module is made once and reused instead of per request.
    """
    module = templates.get_template(template).module
    html = str(getattr(module, macro)(*args))
    return HTMLResponse(html, status_code=status, headers=VARY)


@dataclass(frozen=True)
class Fragment:
    """Names the block htmx swaps in: a macro of a template and the arguments it is called with."""

    template: str
    macro: str
    args: tuple[Any, ...] = ()


def respond(
    request: Request, fragment: Fragment, page: Callable[[], tuple[str, dict[str, Any]]], status: int = 200
) -> HTMLResponse:
    """Answer htmx with the fragment it swaps in, and anything else (JavaScript off, a reload, a shared
    link) with the whole page. `page` is only called for a whole page: its context can be costly."""
    if is_htmx(request):
        return render_fragment(request, fragment.template, fragment.macro, *fragment.args, status=status)
    template, context = page()
    return render(request, template, context, status=status)

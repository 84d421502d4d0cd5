"""Find every UI string in the code and templates; list those without a zh-CN translation.

Run `python -m app.i18n.extract` to print the missing ones as .po entries ready to translate.
"""

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from app.i18n import CATALOGS
from app.settings import REPO_ROOT

METHOD_MAP = [("app/**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}


def extract_messages() -> dict[str, str]:
    """Return msgid -> 'file:line' of its first use, for every marked string."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        REPO_ROOT, METHOD_MAP, OPTIONS, keywords={**DEFAULT_KEYWORDS, "N_": None}
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def missing(locale: str = "zh-CN") -> dict[str, str]:
    """Return the messages that have no translation in the locale's catalogs."""
    return {msgid: where for msgid, where in extract_messages().items() if msgid not in CATALOGS[locale]}


if __name__ == "__main__":
    for msgid, where in missing().items():
        escaped = msgid.replace("\\", "\\\\").replace('"', '\\"')
        print(f'#: {where}\nmsgid "{escaped}"\nmsgstr ""\n')

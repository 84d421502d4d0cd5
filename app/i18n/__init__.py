"""Load the gettext catalogs and pick a locale for each request."""

from contextvars import ContextVar
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = ("en", "zh-CN")
LOCALE_NAMES = {"en": "English", "zh-CN": "简体中文"}
LOCALE_COOKIE = "plab_lang"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"

current_locale: ContextVar[str] = ContextVar("current_locale", default="en")


def load_catalogs(directory: Path = TRANSLATIONS_DIR) -> dict[str, dict[str, str]]:
    """Read every <locale>/*.po file into one msgid -> msgstr dict per locale.

    Each area of the app keeps its own .po file, so the files are merged here; a msgid defined
    twice with different translations is an error, because only one of them could ever be shown.
    """
    catalogs: dict[str, dict[str, str]] = {locale: {} for locale in LOCALES}
    for locale in LOCALES:
        for po_path in sorted((directory / locale).glob("*.po")):
            with po_path.open("rb") as handle:
                catalog = read_po(handle)
            for message in catalog:
                if not message.id or not message.string:
                    continue
                known = catalogs[locale].get(message.id)
                if known is not None and known != message.string:
                    raise ValueError(f"{po_path}: msgid {message.id!r} is translated differently in another .po file")
                catalogs[locale][message.id] = message.string
    return catalogs


CATALOGS = load_catalogs()


def gettext(message: str) -> str:
    """Translate a message into the current request's locale (English is the source language)."""
    return CATALOGS.get(current_locale.get(), {}).get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Pick singular or plural, then translate (Chinese has one form, so the catalog keys the singular)."""
    return gettext(singular if count == 1 else plural)


def negotiate(accept_language: str | None, default: str) -> str:
    """Choose the best supported locale from an Accept-Language header."""
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return default


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (it is translated when shown)."""
    return message

"""Every UI string has a zh-CN translation, and the locale is chosen as documented."""

import pytest

from app.i18n import negotiate
from app.i18n.extract import extract_messages, missing


def test_strings_are_found():
    assert "Run" in extract_messages()


def test_no_ui_string_lacks_a_chinese_translation():
    assert missing("zh-CN") == {}, "run `python -m app.i18n.extract` and translate what it prints"


@pytest.mark.parametrize(
    "header, expected",
    [
        (None, "en"),
        ("zh-CN,zh;q=0.9", "zh-CN"),
        ("zh-TW", "zh-CN"),
        ("fr, en;q=0.5", "en"),
        ("de", "en"),
        ("en;q=0.3, zh;q=0.8", "zh-CN"),
        ("garbage;q=x", "en"),
    ],
)
def test_accept_language(header, expected):
    assert negotiate(header, "en") == expected

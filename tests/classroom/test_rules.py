"""The rules: codes without look-alikes, names in any script without control characters, the token file."""

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from app.classroom.rules import (
    ALPHABET,
    Refusal,
    new_code,
    new_id,
    read_class_name,
    read_code,
    read_display_name,
    read_end_date,
    show_code,
)
from app.classroom.teacher_token import TOKEN_FILE, teacher_token, token_matches
from app.settings import Settings


def test_codes_avoid_look_alikes_and_read_back_however_typed():
    assert not set("ILO01") & set(ALPHABET)
    code = new_code()
    assert len(code) == 8 and set(code) <= set(ALPHABET)
    assert read_code(show_code(code).lower()) == code
    assert read_code(" " + show_code(code) + " ") == code
    assert read_code("ABCD-EFG1") is None and read_code("ABC") is None
    assert len({new_code() for _ in range(200)}) == 200


def test_ids_are_random_and_long():
    ids = {new_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) >= 22 for i in ids)


@pytest.mark.parametrize("name", ["Ann", "小明", "Zoë  Smith", "محمد", "a" * 40, "👩‍🎓 Kim"])
def test_names_in_any_script(name):
    shown, key = read_display_name(name)
    assert 1 <= len(shown) <= 40 and key == key.casefold()


@pytest.mark.parametrize("name", ["", "   ", "a" * 41, "nul\x00", "esc\x1b[31m", "bell\x07", "rtl\u202eoverride"])
def test_names_refused(name):
    with pytest.raises(Refusal):
        read_display_name(name)


def test_whitespace_in_names_is_one_space():
    assert read_display_name("Zoë\t\n  Smith")[0] == "Zoë Smith"


def test_names_compare_case_insensitively():
    assert read_display_name("ANN")[1] == read_display_name("ann")[1] == read_display_name(" Ann ")[1]


def test_class_name_and_end_date():
    today = date(2026, 1, 1)
    assert read_class_name("  Physics   1 ") == "Physics 1"
    assert read_end_date("2026-02-01", today) == date(2026, 2, 1)
    for bad in ("yesterday", "2025-12-31", (today + timedelta(days=800)).isoformat()):
        with pytest.raises(Refusal):
            read_end_date(bad, today)


def test_generated_token_file_is_private_and_shared_by_processes_starting_together(tmp_path):
    settings = Settings(data_dir=tmp_path)
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda _: teacher_token(settings)[0], range(8)))
    assert len(set(tokens)) == 1 and len(tokens[0]) >= 24
    assert stat.S_IMODE(os.stat(tmp_path / TOKEN_FILE).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [TOKEN_FILE]  # no scratch files left
    assert teacher_token(Settings(data_dir=tmp_path, teacher_token="s" * 16)) == ("s" * 16, False)


def test_token_comparison():
    assert token_matches("abc", "abc") and not token_matches("abd", "abc") and not token_matches("", "abc")

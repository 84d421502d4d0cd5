"""The gradebook as CSV: a byte-order mark for Excel, names in any script, no formula can get through."""

import csv
import io

import pytest

from app.classroom.gradebook import BYTE_ORDER_MARK, csv_text, gradebook, neutralised
from app.course.loading import load_course
from app.i18n import current_locale
from app.settings import REPO_ROOT


@pytest.fixture(scope="module")
def lessons():
    return load_course(REPO_ROOT / "lessons").lessons


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"), newline="")))


def test_the_file_starts_with_a_byte_order_mark_and_chinese_names_round_trip():
    text = csv_text([["Name"], ["小明"], ["李华, 二班"], ['Ann "the" first']])
    assert text.startswith(BYTE_ORDER_MARK) and text.encode("utf-8")[:3] == b"\xef\xbb\xbf"
    assert read_back(text) == [["Name"], ["小明"], ["李华, 二班"], ['Ann "the" first']]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_is_quoted_and_prefixed(start):
    cell = f'{start}HYPERLINK("http://evil.example","x")'
    text = csv_text([[cell, "safe"]])
    assert f"\"'{start}" in text  # quoted, with a leading single quote inside the quotes
    assert read_back(text) == [["'" + cell, "safe"]]
    assert neutralised(cell) == "'" + cell


def test_ordinary_cells_are_left_alone_but_quoted():
    assert neutralised("Ann") == "Ann" and neutralised("3") == "3" and neutralised("a=b") == "a=b"
    assert csv_text([["Ann", 3]]) == BYTE_ORDER_MARK + '"Ann","3"\r\n'


def records(lessons):
    first = lessons[4]  # lesson 5: three checks and an exercise
    check, exercise = first.check_ids[0], first.exercise_ids[0]
    return (
        {
            "students": [{"id": "s1", "display_name": "=cmd|' /C calc'!A0"}, {"id": "s2", "display_name": "小红"}],
            "check_answers": [
                {"student_id": "s1", "check_id": check, "latest_correct": True, "first_correct": False, "attempts": 2}
            ],
            "exercise_attempts": [
                {"student_id": "s1", "exercise_id": exercise, "outcome": "failed"},
                {"student_id": "s1", "exercise_id": exercise, "outcome": "passed"},
                {"student_id": "s2", "exercise_id": exercise, "outcome": "failed"},
            ],
        },
        check,
        exercise,
    )


def test_one_row_per_student_with_checks_exercises_and_lesson_totals(lessons):
    en = lessons["en"]
    data, check, exercise = records(en)
    header, first, second = read_back(csv_text(gradebook(en, data)))
    assert header[0] == "Name" and first[0] == "'=cmd|' /C calc'!A0" and second[0] == "小红"
    row = dict(zip(header, first, strict=True))
    assert row[f"{check}: right now"] == "right" and row[f"{check}: right first time"] == "wrong"
    assert row[f"{check}: attempts"] == "2"
    assert row[f"{exercise}: solved"] == "yes" and row[f"{exercise}: attempts"] == "2"
    assert (row["Lesson 5: checks right"], row["Lesson 5: checks answered"], row["Lesson 5: exercises solved"]) == (
        "1",
        "1",
        "1",
    )
    other = dict(zip(header, second, strict=True))
    assert other[f"{check}: right now"] == "" and other[f"{exercise}: solved"] == "no"
    checks = sum(len(lesson.check_ids) for lesson in en)
    exercises = sum(len(lesson.exercise_ids) for lesson in en)
    assert len(header) == 1 + 3 * checks + 2 * exercises + 3 * len(en)


def test_headers_are_in_the_teachers_language(lessons):
    data, check, _exercise = records(lessons["zh-CN"])
    token = current_locale.set("zh-CN")
    try:
        header, first, _second = read_back(csv_text(gradebook(lessons["zh-CN"], data)))
    finally:
        current_locale.reset(token)
    assert header[0] == "名字" and "第 5 课：答对的检查" in header
    assert dict(zip(header, first, strict=True))[f"{check}：现在对不对"] == "对"

"""check_course() refuses a course that breaks any content rule, naming the file and the fix."""

import pytest

from app.course.lessons import KnownIds, parse_lesson
from app.course.rules import check_course
from tests.course.test_lessons import KNOWN
from tests.helpers import write

CHECK = next(iter(sorted(KNOWN.checks)))
OTHER_CHECK = sorted(KNOWN.checks)[1]
KNOWN_HERE = KnownIds(labs=KNOWN.labs, facts=KNOWN.facts, checks=KNOWN.checks, cells={"demo": "1", "more": "2"})


def check_block(check_id: str) -> str:
    return f"::: check {check_id}\nQ?\n- a\n- b\n:::\n"


MISTAKE = "::: callout mistake\nDo not.\n:::\n"
FULL = (
    "---\ntitle: T\nsummary: S\n---\n::: lab tensor_or_parameter\n"
    + check_block(CHECK)
    + check_block(OTHER_CHECK)
    + "::: cell demo\n"
    + MISTAKE
)


def course(tmp_path, en: str, zh: str | None = None):
    lessons = {}
    for locale, text in (("en", en), ("zh-CN", en if zh is None else zh)):
        (tmp_path / locale).mkdir()
        lessons[locale] = (parse_lesson(write(tmp_path / locale, "01-x.md", text), locale, KNOWN_HERE),)
    return lessons


def run_rules(lessons, labs=frozenset({"tensor_or_parameter"}), checks=None, cells=frozenset({"demo"})):
    check_course(lessons, labs=labs, checks=checks or {CHECK, OTHER_CHECK}, cells=cells, exercises=set())


def test_a_lesson_that_keeps_every_rule_passes(tmp_path):
    run_rules(course(tmp_path, FULL))


@pytest.mark.parametrize(
    "text, expected",
    [
        (FULL.replace("::: lab tensor_or_parameter\n", ""), "at least one lab"),
        (FULL.replace(check_block(OTHER_CHECK), ""), "at least 2 predict-then-run checks"),
        (FULL.replace("::: cell demo\n", ""), "runnable code cell"),
        (FULL.replace(MISTAKE, "::: callout note\nA note.\n:::\n"), "common-mistake callout"),
        (FULL.replace(check_block(OTHER_CHECK), check_block(CHECK)), "used more than once"),
    ],
)
def test_a_broken_lesson_is_named_with_the_fix(tmp_path, text, expected):
    with pytest.raises(Exception, match=expected) as error:
        run_rules(course(tmp_path, text))
    assert "lessons/" in str(error.value)


def test_the_languages_must_embed_the_same_parts_in_order(tmp_path):
    other = FULL.replace("::: cell demo\n", "::: cell more\n")
    with pytest.raises(Exception, match="the languages must teach the same"):
        run_rules(course(tmp_path, FULL, other), cells={"demo", "more"})


def test_a_lab_taught_nowhere_and_an_unused_file_stop_start_up(tmp_path):
    lessons = course(tmp_path, FULL)
    with pytest.raises(Exception, match=r"\['gradients'\] are taught in no lesson"):
        run_rules(lessons, labs={"tensor_or_parameter", "gradients"})
    with pytest.raises(Exception, match=r"lessons/cells: \['spare'\] belong to no lesson"):
        run_rules(lessons, cells={"demo", "spare"})

"""Content checks: lessons parse, reference real labs and facts, and exist in both languages."""

import pytest

from app.course.checks import CheckPart, run_probe
from app.course.facts import FACTS, compute
from app.course.lessons import CellPart, KnownIds, LabPart, LessonError, load_cells, load_lessons, parse_lesson
from app.course.loading import known_ids
from app.course.rules import check_course
from app.i18n import LOCALES
from app.labs import LAB_BY_ID as LABS
from app.settings import REPO_ROOT
from tests.helpers import write

LESSONS_DIR = REPO_ROOT / "lessons"
KNOWN, PROBES, _ = known_ids(LESSONS_DIR)
KNOWN_WITH_DEMO_CELL = KnownIds(
    labs=KNOWN.labs, facts=KNOWN.facts, checks=KNOWN.checks, cells={**KNOWN.cells, "demo": "1"}
)


@pytest.fixture(scope="module")
def lessons():
    return load_lessons(LESSONS_DIR, KNOWN)


def test_every_locale_has_the_same_lessons_with_the_same_labs(lessons):
    reference = [(lesson.file_name, lesson.lab_ids, lesson.check_ids) for lesson in lessons["en"]]
    for locale in LOCALES:
        assert [(lesson.file_name, lesson.lab_ids, lesson.check_ids) for lesson in lessons[locale]] == reference
    assert [lesson.exercise_ids for lesson in lessons["en"]] == [lesson.exercise_ids for lesson in lessons["zh-CN"]]


def test_slugs_and_numbers_are_unique(lessons):
    for locale in LOCALES:
        slugs = [lesson.slug for lesson in lessons[locale]]
        assert len(slugs) == len(set(slugs))


def test_referenced_labs_and_facts_exist_and_compute(lessons):
    for lesson in lessons["en"] + lessons["zh-CN"]:
        assert set(lesson.lab_ids) <= set(LABS)
        for fact_id in lesson.fact_ids:
            assert compute(fact_id)


def test_no_orphan_files():
    for locale in LOCALES:
        for path in (LESSONS_DIR / locale).iterdir():
            assert path.suffix == ".md", f"{path} is not a lesson"


GOOD = "---\ntitle: T\nsummary: S\n---\nText\n\n::: lab tensor_or_parameter\n"


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("1-x.md", GOOD, "name lesson files NN-slug.md"),
        ("01-x.md", "no front matter", "start the file with a '---'"),
        ("01-x.md", "---\ntitle: T\nsummary: S\nauthor: me\n---\n::: lab tensor_or_parameter\n", "allowed keys"),
        ("01-x.md", "---\ntitle: T\n---\n::: lab tensor_or_parameter\n", "summary"),
        ("01-x.md", "---\ntitle: T\nsummary: S\n---\n::: lab nope\n", "unknown lab 'nope'"),
        (
            "01-x.md",
            "---\ntitle: T\nsummary: S\n---\n::: lab tensor_or_parameter\n[[fact:nope]]\n",
            "unknown fact 'nope'",
        ),
        (
            "01-x.md",
            "---\ntitle: T\nsummary: S\n---\n::: lab tensor_or_parameter\n::: callout mistake\ntext\n",
            "never closed",
        ),
        ("01-x.md", "---\ntitle: T\nsummary: S\n---\n::: video x\n", "unknown directive"),
        (
            "01-x.md",
            "---\ntitle: T\nsummary: S\n---\n::: lab tensor_or_parameter\n::: check nope\nQ?\n- a\n- b\n:::\n",
            "unknown check 'nope'",
        ),
        (
            "01-x.md",
            f"---\ntitle: T\nsummary: S\n---\n::: lab tensor_or_parameter\n::: check {next(iter(PROBES))}\nQ?\n- a\n:::\n",
            "at least two options",
        ),
        (
            "01-x.md",
            f"---\ntitle: T\nsummary: S\n---\n::: lab tensor_or_parameter\n::: check {next(iter(PROBES))}\n- a\n- b\n:::\n",
            "needs a question",
        ),
        (
            "01-x.md",
            f"---\ntitle: T\nsummary: S\n---\n::: lab tensor_or_parameter\n::: check {next(iter(PROBES))}\nQ?\n- a b c\n- b\n:::\n",
            "write options as",
        ),
        ("01-x.md", GOOD + "::: cell nope\n", "unknown cell 'nope'; put its starter code in lessons/cells/nope.py"),
        ("01-x.md", GOOD + "::: callout note\n::: cell demo\n:::\n", "close the open '::: callout'"),
    ],
)
def test_broken_lessons_name_the_file_and_the_fix(tmp_path, name, text, expected):
    path = write(tmp_path, name, text)
    with pytest.raises(LessonError) as error:
        parse_lesson(path, "en", KNOWN_WITH_DEMO_CELL)
    assert str(path) in str(error.value) and expected in str(error.value)


def test_a_lesson_missing_in_one_language_stops_loading(tmp_path):
    for locale in LOCALES:
        (tmp_path / locale).mkdir()
    write(tmp_path / "en", "01-a.md", GOOD)
    with pytest.raises(LessonError, match="missing here"):
        load_lessons(tmp_path, KNOWN)


def test_lab_directive_carries_starting_inputs(tmp_path):
    path = write(tmp_path, "01-x.md", GOOD.replace("tensor_or_parameter", "tensor_or_parameter wrapper=tensor&seed=4"))
    lab = next(part for part in parse_lesson(path, "en", KNOWN).parts if isinstance(part, LabPart))
    assert dict(lab.start) == {"wrapper": "tensor", "seed": "4"}


def checks_of(lessons):
    return [part for lesson in lessons for part in lesson.parts if isinstance(part, CheckPart)]


def test_the_course_keeps_every_content_rule(lessons):
    check_course(lessons, labs=KNOWN.labs, checks=KNOWN.checks, cells=set(KNOWN.cells), exercises=set(KNOWN.exercises))


def test_torch_answer_is_an_option_and_every_wrong_option_explains_itself(lessons):
    for locale in LOCALES:
        for check in checks_of(lessons[locale]):
            answer = run_probe(PROBES[check.check_id]).answer
            assert check.option(answer), f"{locale} {check.check_id}: torch answered {answer!r}, not an option"
            for option in check.options:
                if option.key != answer:
                    assert option.feedback_html, (
                        f"{locale} {check.check_id}: wrong option {option.key!r} needs feedback"
                    )


def test_option_keys_match_across_languages(lessons):
    by_id = {check.check_id: [o.key for o in check.options] for check in checks_of(lessons["en"])}
    for check in checks_of(lessons["zh-CN"]):
        assert [o.key for o in check.options] == by_id[check.check_id]


def test_cell_directive_carries_the_starter_code(tmp_path):
    (tmp_path / "cells").mkdir()
    write(tmp_path / "cells", "demo.py", "x = 1\nx\n")
    (tmp_path / "en").mkdir()
    path = write(tmp_path / "en", "01-x.md", GOOD + "\n::: cell demo\n")
    known = KnownIds(labs=set(LABS), facts=set(FACTS), cells=load_cells(tmp_path / "cells"))
    cell = next(part for part in parse_lesson(path, "en", known).parts if isinstance(part, CellPart))
    assert cell.cell_id == "demo" and cell.code == "x = 1\nx\n" and len(cell.starter_hash) == 16


def test_badly_named_cell_files_stop_loading(tmp_path):
    write(tmp_path, "Bad-Name.py", "1")
    with pytest.raises(LessonError, match="name starter cells"):
        load_cells(tmp_path)

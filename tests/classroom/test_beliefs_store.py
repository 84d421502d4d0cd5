"""What a class believes, on SQLite and PostgreSQL: counts, first-attempt share, distribution, names, order."""

from datetime import date, timedelta

import pytest

from app.classroom.beliefs import class_beliefs
from app.classroom.rules import read_display_name
from app.course.checks import run_probe
from app.course.loading import load_course
from app.settings import REPO_ROOT

pytestmark = pytest.mark.anyio
ENDS = date.today() + timedelta(days=60)
LESSON = "rebinding-pitfall"
REBIND = "rebind_in_loop_changes_model"  # options: changed, unchanged
IN_PLACE = "in_place_without_no_grad"  # options: changes, error, nothing
OPTIMIZER = "optimizer_after_replacement"  # options: True, False


@pytest.fixture(scope="module")
def course():
    return load_course(REPO_ROOT / "lessons")


def right(course, check_id: str) -> str:
    return run_probe(course.probes[check_id]).answer


async def class_of(store, *names):
    created = await store.create_class("Physics", ENDS)
    members = []
    for name in names:
        shown, key = read_display_name(name)
        members.append((await store.join(created["join_code"], shown, key))[0])
    return created["id"], members


async def answer(store, course, member, check_id, *options):
    for option in options:
        await store.record_check(member, LESSON, check_id, option, option == right(course, check_id))


async def test_counts_first_attempt_share_distribution_and_names(store, course):
    assert right(course, REBIND) == "unchanged"  # rebinding the loop name leaves the model alone
    class_id, (ann, bob, cy) = await class_of(store, "Ann", "bob", "Cy")
    await answer(store, course, ann, REBIND, "changed", "unchanged")
    await answer(store, course, bob, REBIND, "unchanged")
    await answer(store, course, cy, REBIND, "changed")
    _other_class, (dan,) = await class_of(store, "Dan")
    await answer(store, course, dan, REBIND, "changed")  # another class: never counted here

    answers = await store.answer_counts(class_id)
    counted = {(row["first_option"], row["latest_option"]): (row["students"], row["attempts"]) for row in answers}
    assert counted == {
        ("changed", "unchanged"): (1, 2),
        ("unchanged", "unchanged"): (1, 1),
        ("changed", "changed"): (1, 1),
    }
    assert await store.answer_counts(class_id, [IN_PLACE]) == []
    (rebind,) = class_beliefs(course.lessons["en"], {REBIND: right(course, REBIND)}, answers, LESSON)[:1]
    assert rebind.check_id == REBIND
    assert (rebind.answered, rebind.right_first, rebind.attempts) == (3, 1, 4)
    assert rebind.first_right_share == pytest.approx(1 / 3)
    options = {option.key: option for option in rebind.options}
    assert (options["unchanged"].now, options["unchanged"].first, options["unchanged"].right) == (2, 1, True)
    assert (options["changed"].now, options["changed"].first, options["changed"].right) == (1, 2, False)
    assert options["changed"].share == pytest.approx(1 / 3)
    assert "Parameter objects the model holds were never touched" in options["changed"].feedback_html

    assert await store.chose(class_id, REBIND, "unchanged") == ["Ann", "bob"]  # by name, case-blind
    assert await store.chose(class_id, REBIND, "changed") == ["Cy"]
    assert await store.chose(class_id, IN_PLACE, "error") == []


async def test_most_missed_first_per_lesson_and_for_the_class(store, course):
    class_id, (ann, bob) = await class_of(store, "Ann", "Bob")
    wrong_in_place = next(key for key in ("changes", "nothing") if key != right(course, IN_PLACE))
    await answer(store, course, ann, IN_PLACE, wrong_in_place)  # 0 of 2 right first
    await answer(store, course, bob, IN_PLACE, wrong_in_place, right(course, IN_PLACE))
    await answer(store, course, ann, REBIND, "changed")  # 1 of 2
    await answer(store, course, bob, REBIND, "unchanged")
    await answer(store, course, ann, OPTIMIZER, right(course, OPTIMIZER))  # 1 of 1
    answers = await store.answer_counts(class_id)
    keys = {check: right(course, check) for check in (IN_PLACE, REBIND, OPTIMIZER)}

    lesson = class_beliefs(course.lessons["en"], keys, answers, LESSON)
    assert [item.check_id for item in lesson] == [IN_PLACE, REBIND, OPTIMIZER]
    assert [item.first_right_share for item in lesson] == [0.0, 0.5, 1.0]

    whole = class_beliefs(course.lessons["zh-CN"], keys, answers)
    assert [item.check_id for item in whole[:3]] == [IN_PLACE, REBIND, OPTIMIZER]
    unanswered = [item.check_id for item in whole[3:]]
    every_check = [check for lesson in course.lessons["zh-CN"] for check in lesson.check_ids]
    assert unanswered == [check for check in every_check if check not in keys]  # course order, last
    assert all(item.answered == 0 and item.first_right_share is None for item in whole[3:])
    assert "原封不动" in next(o for o in whole[1].options if o.key == "changed").feedback_html  # the teacher's language


async def test_export_records_hold_everything_of_the_class_only(store, course):
    class_id, (ann,) = await class_of(store, "Ann")
    _other, (bob,) = await class_of(store, "Bob")
    for member in (ann, bob):
        await answer(store, course, member, REBIND, "changed")
        await store.record_lesson(member, LESSON)
        await store.record_cell(member, LESSON, "rebinding", "ok")
        await store.record_exercise(member, LESSON, "zero_parameters", "failed", ["zeros"], [], "pass")
    records = await store.export_records(class_id)
    assert [student["display_name"] for student in records["students"]] == ["Ann"]
    for table in ("check_answers", "exercise_attempts", "lessons_opened", "cell_runs"):
        assert len(records[table]) == 1, table
        assert records[table][0]["student_id"] == ann.student_id and "class_id" not in records[table][0]
    assert records["exercise_attempts"][0]["code"] == "pass"
    assert records["exercise_attempts"][0]["failed_invariants"] == ["zeros"]

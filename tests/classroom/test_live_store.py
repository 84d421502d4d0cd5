"""The live view's queries on SQLite and PostgreSQL, and the grid, stuck list and exercise statistics
made from them (app/classroom/store/live.py, class_view.py, exercise_stats.py)."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from app.classroom.class_view import StuckRules, build_grid, find_stuck
from app.classroom.exercise_stats import exercise_stats
from app.classroom.rules import read_display_name
from app.classroom.store import utcnow
from app.course.loading import load_course
from app.settings import REPO_ROOT

pytestmark = pytest.mark.anyio
ENDS = date.today() + timedelta(days=60)
LESSONS = load_course(Path(REPO_ROOT / "lessons")).lessons["en"]
FIRST, SECOND = LESSONS[0], LESSONS[1]  # tensor-or-parameter (3 checks), live-registration (3 checks, 1 exercise)
EXERCISE = SECOND.exercise_ids[0]
RULES = StuckRules(failed_attempts=3, lesson_minutes=15, recent_minutes=30)


async def class_with(store, *names):
    created = await store.create_class("Live", ENDS)
    members = []
    for name in names:
        shown, key = read_display_name(name)
        members.append((await store.join(created["join_code"], shown, key))[0])
    return created["id"], members


async def records(store, class_id, now=None):
    now = now or utcnow()
    return await store.class_records(class_id, now - timedelta(minutes=RULES.recent_minutes), RULES.failed_attempts)


async def test_the_grid_counts_right_of_answered_and_solved_per_lesson(store):
    class_id, (ann, bob) = await class_with(store, "Ann", "bob")
    await store.record_lesson(ann, FIRST.slug)
    for check in FIRST.check_ids:
        await store.record_check(ann, FIRST.slug, check, "x", True)
    await store.record_check(ann, SECOND.slug, SECOND.check_ids[0], "x", False)
    await store.record_exercise(ann, SECOND.slug, EXERCISE, "failed", ["a"], [], "pass")
    await store.record_exercise(ann, SECOND.slug, EXERCISE, "passed", [], [], "ok")
    await store.record_exercise(ann, SECOND.slug, EXERCISE, "passed", [], [], "ok again")  # still one solved
    await store.record_lesson(bob, SECOND.slug)
    await store.record_check(bob, FIRST.slug, "no_such_check_in_the_lesson", "x", True)  # counted, at most 3

    grid = build_grid(LESSONS, await records(store, class_id))
    by_name = {row.name: row for row in grid.rows}
    first, second = by_name["Ann"].cells[0], by_name["Ann"].cells[1]
    assert (first.right, first.answered, first.level) == (3, 3, "done")
    assert (second.right, second.answered, second.solved, second.exercises, second.level) == (0, 1, 1, 1, "wrong")
    assert by_name["Ann"].progress == 4 and by_name["Ann"].last_active is not None
    assert by_name["bob"].cells[1].level == "opened" and by_name["bob"].cells[2].level == "none"
    assert [row.name for row in grid.rows] == ["Ann", "bob"]  # by name, case-blind
    by_progress = build_grid(LESSONS, await records(store, class_id), "progress", "asc")
    assert [row.name for row in by_progress.rows] == ["bob", "Ann"]
    assert grid.checks == sum(len(lesson.check_ids) for lesson in LESSONS)


async def test_the_version_changes_with_every_event_added_or_deleted(store):
    class_id, (ann, bob) = await class_with(store, "Ann", "Bob")
    before = await store.class_version(class_id)
    assert (await records(store, class_id)).version == before
    await store.record_check(ann, FIRST.slug, FIRST.check_ids[0], "x", True)
    after_answer = await store.class_version(class_id)
    assert after_answer != before
    assert await store.class_version(class_id) == after_answer  # nothing new: the same
    await store.remove_student(class_id, bob.student_id)
    assert await store.class_version(class_id) != after_answer


async def test_stuck_now_names_failing_exercises_checks_and_long_lessons(store):
    class_id, (ann, bob, cai, dan) = await class_with(store, "Ann", "Bob", "Cai", "Dan")
    for _ in range(3):
        await store.record_exercise(ann, SECOND.slug, EXERCISE, "failed", ["x"], [], "x = 1")
    for _ in range(2):
        await store.record_exercise(bob, SECOND.slug, EXERCISE, "failed", ["x"], [], "x = 1")
    await store.record_exercise(bob, SECOND.slug, EXERCISE, "passed", [], [], "x = 2")  # solved: not stuck
    for _ in range(3):
        await store.record_check(cai, FIRST.slug, FIRST.check_ids[1], "x", False)
    await store.record_lesson(dan, FIRST.slug)
    stuck = find_stuck(LESSONS, await records(store, class_id), RULES, utcnow())
    assert {(item.name, item.reason, item.subject) for item in stuck} == {
        ("Ann", "exercise", EXERCISE),
        ("Cai", "check", FIRST.check_ids[1]),
    }
    later = utcnow() + timedelta(minutes=20)  # Dan has been on the first lesson 20 minutes without progress
    stuck = find_stuck(LESSONS, await records(store, class_id, later), RULES, later)
    assert ("Dan", "lesson", FIRST.slug) in {(item.name, item.reason, item.subject) for item in stuck}
    much_later = utcnow() + timedelta(minutes=45)  # nobody active in the last 30 minutes: nobody stuck now
    assert find_stuck(LESSONS, await records(store, class_id, much_later), RULES, much_later) == []


async def test_exercise_statistics_name_invariants_and_mistakes(store):
    class_id, (ann, bob) = await class_with(store, "Ann", "Bob")
    spec_invariant, spec_mistake = "scale_is_parameter", "plain_tensor"
    await store.record_exercise(ann, SECOND.slug, EXERCISE, "failed", [spec_invariant], [spec_mistake], "a")
    await store.record_exercise(ann, SECOND.slug, EXERCISE, "failed", [spec_invariant], [], "b")
    await store.record_exercise(ann, SECOND.slug, EXERCISE, "passed", [], [], "c")
    await store.record_exercise(bob, SECOND.slug, EXERCISE, "failed", [spec_invariant], [spec_mistake], "d")
    stats = {item.exercise_id: item for item in exercise_stats(LESSONS, await store.exercise_attempts(class_id))}
    found = stats[EXERCISE]
    assert (found.attempts, found.tried, found.solved, found.share_solved) == (4, 2, 1, 0.5)
    (label, failed), *_ = found.failing
    assert failed == 3 and "Parameter" in label and spec_invariant not in label  # the lesson's words, not the id
    (mistake, times), *_ = found.mistakes
    assert times == 2 and spec_mistake not in mistake
    assert all(item.attempts == 0 for key, item in stats.items() if key != EXERCISE)


async def test_a_students_attempts_newest_first_and_only_in_their_class(store):
    class_id, (ann,) = await class_with(store, "Ann")
    other_id, (eve,) = await class_with(store, "Eve")
    for number in range(4):
        await store.record_exercise(ann, SECOND.slug, EXERCISE, "failed", [], [], f"x = {number}")
    student, attempts, total = await store.student_attempts(class_id, ann.student_id, 3)
    assert student["display_name"] == "Ann" and total == 4
    assert [attempt["code"] for attempt in attempts] == ["x = 3", "x = 2", "x = 1"]
    assert (await store.student_attempts(other_id, ann.student_id, 3))[0] is None
    assert (await store.student_attempts(class_id, eve.student_id, 3))[0] is None

"""The store on SQLite and PostgreSQL: joining, unique names, atomic records, cascades, retention."""

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.classroom.models import ClassEvent, Device, Student
from app.classroom.rules import Refusal, read_display_name
from app.classroom.store import utcnow

pytestmark = pytest.mark.anyio
ENDS = date.today() + timedelta(days=60)


async def join(store, code, name):
    shown, key = read_display_name(name)
    return await store.join(code, shown, key)


async def count(store, model) -> int:
    async with store.engine.connect() as db:
        return await db.scalar(select(func.count()).select_from(model))


async def test_join_and_find_the_member_by_device(store):
    created = await store.create_class("Physics 1", ENDS)
    member, device, recovery = await join(store, created["join_code"], "小明")
    found = await store.member(device)
    assert found == member and found.display_name == "小明" and found.class_name == "Physics 1"
    assert await store.member("not-a-device") is None
    async with store.engine.connect() as db:  # only digests are stored
        stored = await db.scalar(select(Device.id_digest))
        recovery_digest = await db.scalar(select(Student.recovery_digest))
    assert device not in stored and recovery not in recovery_digest


async def test_names_are_unique_case_insensitively_within_a_class(store):
    first = await store.create_class("A", ENDS)
    second = await store.create_class("B", ENDS)
    await join(store, first["join_code"], "Ann")
    with pytest.raises(Refusal) as refused:
        await join(store, first["join_code"], "  ANN ")
    assert refused.value.status == 409
    await join(store, second["join_code"], "ann")  # another class may have its own Ann


async def test_wrong_and_closed_codes_are_refused(store):
    created = await store.create_class("A", ENDS)
    with pytest.raises(Refusal) as wrong:
        await join(store, "ABCDEFGH" if created["join_code"] != "ABCDEFGH" else "HGFEDCBA", "Ann")
    assert wrong.value.status == 404
    await store.set_joining(created["id"], False)
    with pytest.raises(Refusal) as closed:
        await join(store, created["join_code"], "Ann")
    assert closed.value.status == 403
    await store.set_joining(created["id"], True)
    old = created["join_code"]
    await store.renew_join_code(created["id"])
    assert (await store.get_class(created["id"]))["join_code"] != old
    with pytest.raises(Refusal):
        await join(store, old, "Ann")


async def test_concurrent_answers_are_neither_lost_nor_doubled(store):
    created = await store.create_class("A", ENDS)
    members = [(await join(store, created["join_code"], f"s{i}"))[0] for i in range(20)]
    # Each student answers the same check three times, all at once: wrong, wrong, right.
    await asyncio.gather(*[store.record_check(m, "lesson", "c1", "no", False) for m in members for _ in range(2)])
    await asyncio.gather(*[store.record_check(m, "lesson", "c1", "yes", True) for m in members])
    answers = await store.class_answers(created["id"])
    assert len(answers) == 20
    assert {(a["attempts"], a["first_correct"], a["latest_option"], a["latest_correct"]) for a in answers} == {
        (3, False, "yes", True)
    }


async def test_records_and_my_data_and_progress(store):
    created = await store.create_class("A", ENDS)
    member, _device, _recovery = await join(store, created["join_code"], "Ann")
    other, _d, _r = await join(store, created["join_code"], "Bob")
    await store.record_check(member, "l1", "c1", "yes", True)
    await store.record_check(other, "l1", "c1", "no", False)
    await store.record_exercise(member, "l1", "e1", "passed", [], [], "x = 1")
    await store.record_exercise(member, "l1", "e2", "failed", ["shape"], ["used_tensor"], "y = 2")
    await store.record_lesson(member, "l1")
    await store.record_lesson(member, "l1")
    await store.record_cell(member, "l1", "cell1", "ok")
    await store.record_cell(member, "l1", "cell1", "ok")
    await store.record_cell(member, "l1", "cell1", "error")
    data = await store.my_data(member)
    assert [a["latest_option"] for a in data["check_answers"]] == ["yes"]  # only Ann's own
    assert [(e["exercise_id"], e["failed_invariants"], e["mistakes"]) for e in data["exercise_attempts"]] == [
        ("e1", [], []),
        ("e2", ["shape"], ["used_tensor"]),
    ]
    assert data["lessons_opened"][0]["times"] == 2
    assert sorted((c["outcome"], c["count"]) for c in data["cell_runs"]) == [("error", 1), ("ok", 2)]
    assert "code" not in data["cell_runs"][0]
    assert await store.progress(member) == ({"c1": True}, {"e1"})
    events = await store.events_since(created["id"], 0)
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    later = await store.events_since(created["id"], events[-1]["id"])
    assert later == []


async def test_leaving_deletes_every_record_of_the_student(store):
    created = await store.create_class("A", ENDS)
    member, device, _recovery = await join(store, created["join_code"], "Ann")
    stays, _d, _r = await join(store, created["join_code"], "Bob")
    for who in (member, stays):
        await store.record_check(who, "l1", "c1", "yes", True)
        await store.record_exercise(who, "l1", "e1", "passed", [], [], "x")
    await store.leave(member)
    assert await store.member(device) is None
    assert (await store.my_data(member))["check_answers"] == []
    assert len(await store.class_answers(created["id"])) == 1
    assert await count(store, Device) == 1


async def test_deleting_a_class_deletes_everything_in_it(store):
    created = await store.create_class("A", ENDS)
    member, device, _recovery = await join(store, created["join_code"], "Ann")
    await store.record_check(member, "l1", "c1", "yes", True)
    await store.delete_class(created["id"])
    assert await store.get_class(created["id"]) is None and await store.member(device) is None
    for model in (Student, Device, ClassEvent):
        assert await count(store, model) == 0


async def test_purge_deletes_classes_past_their_retention(store):
    old = await store.create_class("old", date.today())
    kept = await store.create_class("kept", date.today())
    member, device, _ = await join(store, old["join_code"], "Ann")
    assert await store.purge(today=date.today() + timedelta(days=30)) == 0  # the last day kept
    assert await store.purge(today=date.today() + timedelta(days=31)) == 2
    assert await store.get_class(old["id"]) is None and await store.get_class(kept["id"]) is None
    assert await store.member(device) is None


async def test_recovery_code_lets_a_second_device_continue(store):
    created = await store.create_class("A", ENDS)
    member, first, recovery = await join(store, created["join_code"], "Ann")
    second = await store.recover(recovery)
    assert second != first and await store.member(second) == member == await store.member(first)
    assert await store.recover("WRONGCODE234") is None


async def test_rate_limit_counts_are_shared_and_atomic(store):
    counts = await asyncio.gather(*[store.count_attempt("join:1.2.3.4") for _ in range(15)])
    assert sorted(counts) == list(range(1, 16)) and await store.attempts("join:1.2.3.4") == 15
    assert await store.attempts("join:5.6.7.8") == 0


async def test_teacher_sessions(store):
    secret = await store.open_teacher_session()
    assert await store.is_teacher(secret) and not await store.is_teacher(secret + "x")
    assert not await store.is_teacher(None) and not await store.is_teacher("")
    await store.end_teacher_session(secret)
    assert not await store.is_teacher(secret)
    assert utcnow().tzinfo is None


async def test_a_record_that_fails_does_not_take_others_in_its_batch_with_it(store):
    from sqlalchemy.exc import IntegrityError

    created = await store.create_class("A", ENDS)
    gone, _d, _r = await join(store, created["join_code"], "Ann")
    stays, _d, _r = await join(store, created["join_code"], "Bob")
    await store.leave(gone)
    results = await asyncio.gather(
        *[store.record_check(who, "l1", "c1", "yes", True) for who in (stays, gone, stays)], return_exceptions=True
    )
    assert results[0] is None and results[2] is None and isinstance(results[1], IntegrityError)
    (answer,) = await store.class_answers(created["id"])
    assert answer["attempts"] == 2


def test_no_two_store_areas_define_the_same_query():
    """Each area's mixin adds its own queries: a name defined twice would silently shadow one of them
    (only an extension that calls super(), like PollStore.my_data, may reuse a name)."""
    import inspect

    from app.classroom.store import ClassStore
    from app.classroom.store.base import StoreBase

    seen: dict[str, str] = {}
    for area in ClassStore.__mro__[1:]:
        if not issubclass(area, StoreBase) or area is StoreBase:
            continue
        for name, member in vars(area).items():
            if name.startswith("__") or not callable(member):
                continue
            extends = "super()" in inspect.getsource(member)
            assert name not in seen or extends or seen[name] == "extends", f"{name}: {area.__name__} and {seen[name]}"
            seen.setdefault(name, "extends" if extends else area.__name__)

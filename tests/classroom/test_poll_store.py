"""Class polls in the store, on SQLite and PostgreSQL: one vote per student per round, rounds, refusals."""

import asyncio
from datetime import date, timedelta

import pytest

from app.classroom.rules import Refusal, read_display_name

pytestmark = pytest.mark.anyio
ENDS = date.today() + timedelta(days=60)
CHECK = "parameter_in_named_parameters"


async def class_with(store, *names):
    created = await store.create_class("Polls", ENDS)
    members = []
    for name in names:
        shown, key = read_display_name(name)
        member, device, _recovery = await store.join(created["join_code"], shown, key)
        members.append((member, device))
    return created, members


async def test_a_vote_counts_once_and_a_second_click_changes_it(store):
    created, [(ann, ann_device), (bo, _)] = await class_with(store, "Ann", "Bo")
    poll = await store.open_poll(created["id"], CHECK)
    await store.vote(ann, poll["id"], "yes")
    await store.vote(bo, poll["id"], "yes")
    assert await store.tally(poll["id"]) == {"yes": 2}
    await store.vote(ann, poll["id"], "no")  # changes Ann's vote, adds none
    assert await store.tally(poll["id"]) == {"yes": 1, "no": 1}
    member, seen = await store.member_and_poll(ann_device)
    assert member == ann and seen["poll_id"] == poll["id"] and seen["mine"] == "no" and seen["votes"] == 2


async def test_many_clicks_at_once_stay_one_vote_each(store):
    created, members = await class_with(store, *(f"s{n}" for n in range(12)))
    poll = await store.open_poll(created["id"], CHECK)
    await asyncio.gather(*(store.vote(m, poll["id"], option) for m, _d in members for option in ("yes", "no", "yes")))
    tally = await store.tally(poll["id"])
    assert sum(tally.values()) == 12


async def test_a_second_round_links_to_the_first_and_the_record_keeps_the_shift(store):
    created, [(ann, _), (bo, _)] = await class_with(store, "Ann", "Bo")
    first = await store.open_poll(created["id"], CHECK)
    await store.vote(ann, first["id"], "yes")
    await store.vote(bo, first["id"], "yes")
    second = await store.open_poll(created["id"], CHECK, previous=first)
    assert second["round"] == 2 and second["previous_poll_id"] == first["id"]
    assert (await store.get_poll(created["id"], first["id"]))["status"] == "closed"  # one open poll per class
    assert (await store.current_poll(created["id"]))["id"] == second["id"]
    await store.vote(ann, second["id"], "no")
    [chain] = await store.poll_record(created["id"])
    assert chain["check_id"] == CHECK
    assert [(r["round"], r["counts"]) for r in chain["rounds"]] == [(1, {"yes": 2}), (2, {"no": 1})]


async def test_students_see_no_count_until_the_teacher_shows_it(store):
    created, [(ann, device)] = await class_with(store, "Ann")
    poll = await store.open_poll(created["id"], CHECK)
    await store.vote(ann, poll["id"], "yes")
    _member, seen = await store.member_and_poll(device)
    assert seen["status"] == "open"  # the web layer shows a count only in the statuses below
    from app.classroom.store.polls import COUNT_SHOWN

    assert "open" not in COUNT_SHOWN
    assert await store.set_poll_status(created["id"], poll["id"], "counting")
    _member, seen = await store.member_and_poll(device)
    assert seen["status"] in COUNT_SHOWN and seen["votes"] == 1


async def test_only_members_of_the_class_vote(store):
    created, [(ann, _)] = await class_with(store, "Ann")
    _other, [(stranger, stranger_device)] = await class_with(store, "Zed")
    poll = await store.open_poll(created["id"], CHECK)
    with pytest.raises(Refusal) as refused:
        await store.vote(stranger, poll["id"], "yes")
    assert refused.value.status == 404
    assert await store.tally(poll["id"]) == {}
    _member, seen = await store.member_and_poll(stranger_device)
    assert seen is None  # another class's poll is not shown to them


async def test_a_closed_or_revealed_poll_refuses_votes(store):
    created, [(ann, device)] = await class_with(store, "Ann")
    poll = await store.open_poll(created["id"], CHECK)
    await store.vote(ann, poll["id"], "yes")
    assert await store.set_poll_status(created["id"], poll["id"], "revealed")
    with pytest.raises(Refusal) as refused:
        await store.vote(ann, poll["id"], "no")
    assert refused.value.status == 409 and "closed" in refused.value.message
    assert await store.set_poll_status(created["id"], poll["id"], "closed")
    assert not await store.set_poll_status(created["id"], poll["id"], "open")  # closed stays closed
    with pytest.raises(Refusal):
        await store.vote(ann, poll["id"], "no")
    assert await store.tally(poll["id"]) == {"yes": 1}
    assert (await store.member_and_poll(device))[1] is None


async def test_deleting_the_class_deletes_its_polls(store):
    created, [(ann, _)] = await class_with(store, "Ann")
    poll = await store.open_poll(created["id"], CHECK)
    await store.vote(ann, poll["id"], "yes")
    await store.delete_class(created["id"])
    assert await store.get_poll(created["id"], poll["id"]) is None and await store.tally(poll["id"]) == {}


async def test_a_student_sees_their_votes_and_they_go_when_they_leave(store):
    created, [(ann, _), (bo, _)] = await class_with(store, "Ann", "Bo")
    poll = await store.open_poll(created["id"], CHECK)
    await store.vote(ann, poll["id"], "yes")
    await store.vote(bo, poll["id"], "no")
    mine = (await store.my_data(ann))["poll_votes"]
    assert [(row["check_id"], row["round"], row["option"]) for row in mine] == [(CHECK, 1, "yes")]
    assert "check_answers" in await store.my_data(ann)  # the rest of the student's data is still there
    await store.leave(ann)
    assert await store.tally(poll["id"]) == {"no": 1}

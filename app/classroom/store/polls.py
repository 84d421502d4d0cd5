"""Class polls (peer instruction): rounds on one check, one vote per student per round.

A poll's status is how far the round has gone, in the order a teacher runs it:
`open` (voting; students see nothing of the votes), `counting` (students also see how many voted),
`shown` (everyone sees the distribution), `revealed` (voting over, torch's answer shown), `closed`.
At most one poll per class is not closed: opening one closes the others in the same transaction.

A vote is one statement, an upsert on the (poll, student) primary key that only inserts while the
poll is in the student's class and still taking votes, so a second click replaces the vote, a vote
can never be counted twice, and a vote on a closed poll changes nothing whatever the interleaving.
On SQLite, votes that arrive while a commit is under way share the next one (group commit, as the
records do): a class of 200 voting within 2 s otherwise queues 200 lock hand-overs between workers.
"""

import asyncio

from sqlalchemy import DateTime, String, func, insert, literal, select, update

from app.classroom.models import Poll, PollVote
from app.classroom.rules import Member, Refusal, digest, new_id
from app.classroom.store.base import CLASSES, DEVICES, STUDENTS, StoreBase, rows, utcnow
from app.i18n import gettext as _

POLLS, VOTES = Poll.__table__, PollVote.__table__
STATUSES = ("open", "counting", "shown", "revealed", "closed")
VOTING = ("open", "counting", "shown")  # the statuses that take votes
COUNT_SHOWN = ("counting", "shown", "revealed")  # students see how many voted
DISTRIBUTION_SHOWN = ("shown", "revealed")  # students and the projector see the distribution


class PollStore(StoreBase):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._votes: list[tuple[object, asyncio.Future]] = []  # votes waiting for the next SQLite commit
        self._casting: asyncio.Task | None = None

    # --- the teacher's side ---

    async def open_poll(self, class_id: str, check_id: str, previous: dict | None = None) -> dict:
        """Open a round on a check (round 2 after `previous`), closing whatever poll was open."""
        now = utcnow()
        row = {
            "id": new_id(),
            "class_id": class_id,
            "check_id": check_id,
            "round": previous["round"] + 1 if previous else 1,
            "previous_poll_id": previous["id"] if previous else None,
            "status": "open",
            "opened_at": now,
            "closed_at": None,
        }
        async with self._writing() as db:
            await db.execute(
                update(POLLS)
                .where(POLLS.c.class_id == class_id, POLLS.c.status != "closed")
                .values(status="closed", closed_at=now)
            )
            await db.execute(insert(POLLS).values(**row))
        return row

    async def get_poll(self, class_id: str, poll_id: str) -> dict | None:
        async with self._reading() as db:
            row = (await db.execute(select(POLLS).where(POLLS.c.id == poll_id, POLLS.c.class_id == class_id))).first()
        return dict(row._mapping) if row else None

    async def current_poll(self, class_id: str) -> dict | None:
        """Return the class's poll that is not closed, if any (the newest, should two teachers race)."""
        query = (
            select(POLLS)
            .where(POLLS.c.class_id == class_id, POLLS.c.status != "closed")
            .order_by(POLLS.c.opened_at.desc())
            .limit(1)
        )
        async with self._reading() as db:
            row = (await db.execute(query)).first()
        return dict(row._mapping) if row else None

    async def set_poll_status(self, class_id: str, poll_id: str, status: str) -> bool:
        """Move a poll to `status`; False when the class has no such poll or it is closed already."""
        if status not in STATUSES:
            raise ValueError(status)
        values = {"status": status, **({"closed_at": utcnow()} if status == "closed" else {})}
        async with self._writing() as db:
            done = await db.execute(
                update(POLLS)
                .where(POLLS.c.id == poll_id, POLLS.c.class_id == class_id, POLLS.c.status != "closed")
                .values(**values)
            )
        return done.rowcount == 1

    async def tally(self, poll_id: str) -> dict[str, int]:
        """Count the votes of one round per option."""
        query = select(VOTES.c.option, func.count()).where(VOTES.c.poll_id == poll_id).group_by(VOTES.c.option)
        async with self._reading() as db:
            return {option: count for option, count in await db.execute(query)}

    async def class_size(self, class_id: str) -> int:
        async with self._reading() as db:
            return await db.scalar(select(func.count()).where(STUDENTS.c.class_id == class_id)) or 0

    async def poll_record(self, class_id: str) -> list[dict]:
        """Return every round of every poll in the class with its tally, oldest first, each round 2
        after its round 1: the shift from first vote to second that the class's record keeps."""
        async with self._reading() as db:
            polls = rows(
                await db.execute(select(POLLS).where(POLLS.c.class_id == class_id).order_by(POLLS.c.opened_at))
            )
            counts = await db.execute(
                select(VOTES.c.poll_id, VOTES.c.option, func.count())
                .join(POLLS, POLLS.c.id == VOTES.c.poll_id)
                .where(POLLS.c.class_id == class_id)
                .group_by(VOTES.c.poll_id, VOTES.c.option)
            )
        tallies: dict[str, dict[str, int]] = {}
        for poll_id, option, count in counts:
            tallies.setdefault(poll_id, {})[option] = count
        by_id = {poll["id"]: {**poll, "counts": tallies.get(poll["id"], {}), "later": []} for poll in polls}
        chains = []
        for poll in by_id.values():
            earlier = by_id.get(poll["previous_poll_id"])
            (earlier["later"] if earlier else chains).append(poll)
        return [{"check_id": first["check_id"], "rounds": _flatten(first)} for first in chains]

    # --- the students' side ---

    async def my_data(self, member: Member) -> dict:
        """Add the student's poll votes to everything else the server keeps about them (/class/me)."""
        data = await super().my_data(member)
        query = (
            select(POLLS.c.check_id, POLLS.c.round, VOTES.c.option, VOTES.c.voted_at)
            .join(POLLS, POLLS.c.id == VOTES.c.poll_id)
            .where(VOTES.c.student_id == member.student_id)
            .order_by(VOTES.c.voted_at)
        )
        async with self._reading() as db:
            data["poll_votes"] = rows(await db.execute(query))
        return data

    async def member_and_poll(self, device: str | None) -> tuple[Member | None, dict | None]:
        """Resolve a device cookie to its student and their class's open poll, in one query.

        Every page a class member opens asks this (the poll panel), so it is one indexed join: the
        device, the student, the class, the poll that is not closed, this student's vote and the
        number of votes.
        """
        if not device:
            return None, None
        counted = VOTES.alias("counted")  # the outer query joins poll_votes too (for this student's vote)
        votes = select(func.count()).where(counted.c.poll_id == POLLS.c.id).scalar_subquery()
        query = (
            select(
                STUDENTS.c.id,
                STUDENTS.c.class_id,
                STUDENTS.c.display_name,
                CLASSES.c.name,
                CLASSES.c.ends_on,
                POLLS.c.id.label("poll_id"),
                POLLS.c.check_id,
                POLLS.c.round,
                POLLS.c.status,
                VOTES.c.option.label("mine"),
                votes.label("votes"),
            )
            .join(DEVICES, DEVICES.c.student_id == STUDENTS.c.id)
            .join(CLASSES, CLASSES.c.id == STUDENTS.c.class_id)
            .outerjoin(POLLS, (POLLS.c.class_id == STUDENTS.c.class_id) & (POLLS.c.status != "closed"))
            .outerjoin(VOTES, (VOTES.c.poll_id == POLLS.c.id) & (VOTES.c.student_id == STUDENTS.c.id))
            .where(DEVICES.c.id_digest == digest(device))
            .order_by(POLLS.c.opened_at.desc())
            .limit(1)
        )
        async with self._reading() as db:
            row = (await db.execute(query)).first()
        if row is None:
            return None, None
        found = row._mapping
        member = Member(found["id"], found["class_id"], found["display_name"], found["name"], found["ends_on"])
        if found["poll_id"] is None:
            return member, None
        poll = {key: found[key] for key in ("poll_id", "check_id", "round", "status", "mine", "votes")}
        return member, poll

    async def vote(self, member: Member, poll_id: str, option: str) -> None:
        """Keep a student's vote, replacing their earlier one; refuse a poll that is not theirs or not open."""
        now = utcnow()
        source = select(
            literal(poll_id, String),
            literal(member.student_id, String),
            literal(option, String),
            literal(now, DateTime),
        ).where(POLLS.c.id == poll_id, POLLS.c.class_id == member.class_id, POLLS.c.status.in_(VOTING))
        statement = self._insert(VOTES).from_select(["poll_id", "student_id", "option", "voted_at"], source)
        statement = statement.on_conflict_do_update(
            index_elements=["poll_id", "student_id"],
            set_={"option": statement.excluded.option, "voted_at": statement.excluded.voted_at},
        )
        if await self._cast(statement) == 1:
            return
        poll = await self.get_poll(member.class_id, poll_id)
        if poll is None:
            raise Refusal(_("This poll is not one of your class's polls."), 404)
        raise Refusal(_("This poll is closed: it takes no more votes."), 409)

    async def _cast(self, statement) -> int:
        """Run one vote's upsert and return how many rows it wrote (0: the poll refused it)."""
        if self._write_turn is None:  # PostgreSQL: every connection writes at once
            async with self._writing() as db:
                return (await db.execute(statement)).rowcount
        done = asyncio.get_running_loop().create_future()
        self._votes.append((statement, done))
        if self._casting is None:
            self._casting = asyncio.create_task(self._commit_votes())
        return await done

    async def _commit_votes(self) -> None:
        try:
            while self._votes:
                batch, self._votes = self._votes, []
                try:
                    async with self._writing() as db:
                        written = [(await db.execute(statement)).rowcount for statement, _done in batch]
                except Exception:  # e.g. a student removed meanwhile: then each vote on its own
                    for statement, done in batch:
                        await self._cast_alone(statement, done)
                else:
                    for (_statement, done), count in zip(batch, written, strict=True):
                        if not done.done():  # a request that went away stopped waiting
                            done.set_result(count)
        finally:
            self._casting = None

    async def _cast_alone(self, statement, done: asyncio.Future) -> None:
        try:
            async with self._writing() as db:
                count = (await db.execute(statement)).rowcount
        except Exception as error:
            if not done.done():
                done.set_exception(error)
        else:
            if not done.done():
                done.set_result(count)


def _flatten(first: dict) -> list[dict]:
    """List a round and the rounds that followed it, in order, without the linking field."""
    rounds, poll = [], first
    while poll is not None:
        later = poll.pop("later")
        rounds.append(poll)
        poll = later[-1] if later else None
    return rounds

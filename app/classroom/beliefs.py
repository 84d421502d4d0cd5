"""Sum up what a class believes: per check, how many answered, how many were right first, who chose what.

Pure: it takes the lessons (in the teacher's language), each check's right option (which the
check's torch probe decides at request time, never this module) and the answer counts the store
reads (rows of check_id, first_option, first_correct, latest_option, students, attempts), and
returns plain data for the page. Nothing here touches the database or the web.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.course.checks import CheckPart
from app.course.lessons import Lesson


@dataclass(frozen=True)
class OptionCount:
    """One option of a check and how many students chose it."""

    key: str
    text_html: str
    feedback_html: str | None  # for a wrong option, the misconception choosing it reveals
    right: bool
    now: int  # students whose latest answer is this option
    first: int  # students whose first answer was this option
    share: float  # now / answered, 0 when nobody answered


@dataclass(frozen=True)
class CheckBeliefs:
    """What a class answered to one check."""

    lesson: Lesson
    part: CheckPart
    position: int  # the check's place in the course, for a stable order among equals
    right_key: str | None  # None when nobody answered (the probe was not asked)
    answered: int
    right_first: int
    attempts: int
    options: tuple[OptionCount, ...]

    @property
    def check_id(self) -> str:
        return self.part.check_id

    @property
    def first_right_share(self) -> float | None:
        """Return the share right on the first attempt, None when nobody answered."""
        return self.right_first / self.answered if self.answered else None


def course_checks(lessons: Sequence[Lesson]) -> list[tuple[Lesson, CheckPart]]:
    """List every check of the course with its lesson, in course order."""
    return [(lesson, part) for lesson in lessons for part in lesson.parts if isinstance(part, CheckPart)]


def check_beliefs(
    lesson: Lesson, part: CheckPart, right_key: str | None, answers: Iterable[Mapping], position: int = 0
) -> CheckBeliefs:
    """Add up one check's answer counts: answered, right first, and each option's latest and first choosers."""
    found = list(answers)
    now: dict[str, int] = defaultdict(int)
    first: dict[str, int] = defaultdict(int)
    for answer in found:
        now[answer["latest_option"]] += answer["students"]
        first[answer["first_option"]] += answer["students"]
    answered = sum(answer["students"] for answer in found)
    options = tuple(
        OptionCount(
            key=option.key,
            text_html=option.text_html,
            feedback_html=option.feedback_html,
            right=option.key == right_key,
            now=now[option.key],
            first=first[option.key],
            share=now[option.key] / answered if answered else 0.0,
        )
        for option in part.options
    )
    return CheckBeliefs(
        lesson=lesson,
        part=part,
        position=position,
        right_key=right_key,
        answered=answered,
        right_first=sum(answer["students"] for answer in found if answer["first_correct"]),
        attempts=sum(int(answer["attempts"]) for answer in found),
        options=options,
    )


def most_missed_first(beliefs: Iterable[CheckBeliefs]) -> list[CheckBeliefs]:
    """Sort checks by the share right on the first attempt, lowest first; unanswered ones last.

    Among equal shares the check more students answered comes first (it tells more), then course order.
    """

    def key(item: CheckBeliefs):
        share = item.first_right_share
        return (share is None, share or 0.0, -item.answered, item.position)

    return sorted(beliefs, key=key)


def class_beliefs(
    lessons: Sequence[Lesson], right_keys: Mapping[str, str], answers: Iterable[Mapping], lesson_slug: str | None = None
) -> list[CheckBeliefs]:
    """Return every check's beliefs (or one lesson's), most missed first.

    `right_keys` needs only the checks someone answered: the others draw no chart.
    """
    by_check: dict[str, list[Mapping]] = defaultdict(list)
    for answer in answers:
        by_check[answer["check_id"]].append(answer)
    return most_missed_first(
        check_beliefs(lesson, part, right_keys.get(part.check_id), by_check.get(part.check_id, ()), position)
        for position, (lesson, part) in enumerate(course_checks(lessons))
        if lesson_slug is None or lesson.slug == lesson_slug
    )

"""Sum up a class's exercise attempts: per exercise, how many tried and solved, which invariants
fail most and which mistakes are diagnosed most, each named as the lesson names it (in the page's
language), never by its id alone."""

from collections import Counter
from dataclasses import dataclass

from app.course.exercises import ExercisePart

TOP = 3  # invariants and mistakes listed per exercise


@dataclass(frozen=True)
class ExerciseName:
    """Where an exercise is and what its parts are called, in one locale."""

    lesson_slug: str
    lesson_order: int
    lesson_title: str
    part: ExercisePart

    def invariant_label(self, invariant_id: str) -> str:
        """Return the invariant's label (HTML from the lesson), or its id if the lesson lost it."""
        found = next((item for item in self.part.invariants if item.invariant_id == invariant_id), None)
        return found.label_html if found else invariant_id

    def mistake_label(self, mistake_id: str) -> str:
        return self.part.mistakes.get(mistake_id, mistake_id)


@dataclass(frozen=True)
class ExerciseStats:
    exercise_id: str
    name: ExerciseName
    attempts: int
    tried: int  # students with at least one attempt
    solved: int  # students with at least one passing attempt
    failing: tuple[tuple[str, int], ...]  # (invariant label HTML, failed attempts), most first
    mistakes: tuple[tuple[str, int], ...]  # (mistake feedback HTML, attempts), most first

    @property
    def share_solved(self) -> float | None:
        return self.solved / self.tried if self.tried else None


def exercise_names(lessons) -> dict[str, ExerciseName]:
    return {
        part.exercise_id: ExerciseName(lesson.slug, lesson.order, lesson.title, part)
        for lesson in lessons
        for part in lesson.parts
        if isinstance(part, ExercisePart)
    }


def exercise_stats(lessons, attempts: list[dict]) -> list[ExerciseStats]:
    """Count every exercise of the course (in course order), including those nobody tried yet."""
    names = exercise_names(lessons)
    by_exercise: dict[str, list[dict]] = {exercise_id: [] for exercise_id in names}
    for attempt in attempts:
        if attempt["exercise_id"] in by_exercise:
            by_exercise[attempt["exercise_id"]].append(attempt)
    found = []
    for exercise_id, tries in by_exercise.items():
        name = names[exercise_id]
        failing = Counter(invariant for attempt in tries for invariant in set(attempt["failed_invariants"] or ()))
        mistakes = Counter(mistake for attempt in tries for mistake in set(attempt["mistakes"] or ()))
        found.append(
            ExerciseStats(
                exercise_id,
                name,
                len(tries),
                len({attempt["student_id"] for attempt in tries}),
                len({attempt["student_id"] for attempt in tries if attempt["outcome"] == "passed"}),
                tuple((name.invariant_label(key), count) for key, count in failing.most_common(TOP)),
                tuple((name.mistake_label(key), count) for key, count in mistakes.most_common(TOP)),
            )
        )
    return found

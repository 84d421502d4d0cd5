"""The content rules every course must keep, in one place: check_course() runs them all at start-up.

Parsing (app/course/lessons.py) already refuses a malformed file or an unknown id; these rules look
at the course as a whole. Each failure names the file and says how to fix it, so a bad lesson stops
start-up with a message an author can act on.
"""

from collections import Counter
from collections.abc import Iterable, Set

from app.course.lessons import CalloutPart, Lesson, LessonError
from app.i18n import LOCALES

MIN_CHECKS = 2  # a predict-then-run check per idea is the point of a lesson; two at the least


def _where(lesson: Lesson) -> str:
    return f"lessons/{lesson.locale}/{lesson.file_name}"


def check_lesson(lesson: Lesson) -> None:
    """Refuse a lesson without a lab, two checks, a code cell and a common-mistake callout."""
    if not lesson.lab_ids:
        raise LessonError(f"{_where(lesson)}: every lesson embeds at least one lab; add a line '::: lab <id>'")
    if len(lesson.check_ids) < MIN_CHECKS:
        raise LessonError(
            f"{_where(lesson)}: a lesson needs at least {MIN_CHECKS} predict-then-run checks "
            f"('::: check <id>' blocks); it has {len(lesson.check_ids)}"
        )
    if not lesson.cell_ids:
        raise LessonError(f"{_where(lesson)}: a lesson needs a runnable code cell; add a line '::: cell <id>'")
    if not any(isinstance(part, CalloutPart) and part.style == "mistake" for part in lesson.parts):
        raise LessonError(f"{_where(lesson)}: a lesson needs a common-mistake callout; add '::: callout mistake'")


def _same_in_every_locale(by_locale: dict[str, tuple[Lesson, ...]]) -> None:
    reference = by_locale[LOCALES[0]]
    for locale in LOCALES[1:]:
        for ours, theirs in zip(reference, by_locale[locale], strict=True):
            for what in ("lab_ids", "check_ids", "cell_ids", "exercise_ids"):
                if getattr(ours, what) != getattr(theirs, what):
                    raise LessonError(
                        f"{_where(theirs)}: embeds {what.removesuffix('_ids')}s {getattr(theirs, what)}, but "
                        f"{_where(ours)} embeds {getattr(ours, what)}; the languages must teach the same, in order"
                    )


def _unique(ids: Iterable[str], what: str, locale: str) -> None:
    repeated = sorted(key for key, count in Counter(ids).items() if count > 1)
    if repeated:
        raise LessonError(f"lessons/{locale}: {what} {repeated} used more than once; each belongs to one place")


def _all_used(used: Set[str], known: Set[str], folder: str) -> None:
    unused = sorted(set(known) - set(used))
    if unused:
        raise LessonError(f"lessons/{folder}: {unused} belong to no lesson; embed them in a lesson or delete them")


def check_course(
    by_locale: dict[str, tuple[Lesson, ...]],
    labs: Set[str],
    checks: Set[str],
    cells: Set[str],
    exercises: Set[str],
) -> None:
    """Run every content rule over a parsed course; raise LessonError at the first one broken."""
    for lessons in by_locale.values():
        for lesson in lessons:
            check_lesson(lesson)
    _same_in_every_locale(by_locale)
    for locale, lessons in by_locale.items():
        _unique((lesson.slug for lesson in lessons), "the slugs", locale)
        for what in ("check_ids", "cell_ids", "exercise_ids"):
            _unique((i for lesson in lessons for i in getattr(lesson, what)), what.replace("_ids", " ids"), locale)
    english = by_locale[LOCALES[0]]
    taught = {lab_id for lesson in english for lab_id in lesson.lab_ids}
    untaught = sorted(set(labs) - taught)
    if untaught:
        raise LessonError(
            f"lessons/{LOCALES[0]}: the labs {untaught} are taught in no lesson; a lab must be embedded "
            "in a lesson ('::: lab <id>') in every language"
        )
    _all_used({i for lesson in english for i in lesson.check_ids}, checks, "checks")
    _all_used({i for lesson in english for i in lesson.cell_ids}, cells, "cells")
    _all_used({i for lesson in english for i in lesson.exercise_ids}, exercises, "exercises")

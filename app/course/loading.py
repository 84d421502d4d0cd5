"""Load the whole course from a lessons folder: the ids lessons may reference, then the lessons."""

from dataclasses import dataclass
from pathlib import Path

from app.course.checks import load_probes
from app.course.exercises import ExerciseSpec, load_exercises
from app.course.facts import FACTS
from app.course.lessons import KnownIds, Lesson, LessonError, load_cells, load_lessons
from app.course.rules import check_course
from app.labs import LAB_BY_ID


@dataclass(frozen=True)
class Course:
    """Everything the lessons folder holds, parsed and cross-checked."""

    known: KnownIds
    probes: dict[str, str]  # check id -> probe source
    exercises: dict[str, ExerciseSpec]
    lessons: dict[str, tuple[Lesson, ...]]  # locale -> lessons in order


def known_ids(lessons_dir: Path) -> tuple[KnownIds, dict[str, str], dict[str, ExerciseSpec]]:
    """Read the checks' probes, the cells and the exercises; return what lessons may reference."""
    probes = load_probes(lessons_dir / "checks")
    try:
        exercises = load_exercises(lessons_dir / "exercises")
    except ValueError as exc:
        raise LessonError(str(exc)) from None
    known = KnownIds(
        labs=set(LAB_BY_ID),
        facts=set(FACTS),
        checks=set(probes),
        cells=load_cells(lessons_dir / "cells"),
        exercises=exercises,
    )
    return known, probes, exercises


def load_course(lessons_dir: Path) -> Course:
    """Load the course; a broken file raises LessonError naming it and the fix."""
    known, probes, exercises = known_ids(lessons_dir)
    lessons = load_lessons(lessons_dir, known)
    check_course(lessons, labs=known.labs, checks=known.checks, cells=set(known.cells), exercises=set(exercises))
    return Course(known=known, probes=probes, exercises=exercises, lessons=lessons)

"""Exercise content and the report protocol: folders, lesson blocks, and what the app believes."""

import json
from pathlib import Path

import pytest

from app.course.exercise_harness import REPORT_LIMIT, build_program, judge, program_overhead, read_report
from app.course.exercises import ExerciseSpec, load_exercises, parse_exercise
from app.course.lessons import KnownIds, LessonError, load_lessons, parse_lesson
from app.runner.service import RunResult
from app.settings import REPO_ROOT, Settings
from tests.course.test_lessons import GOOD, KNOWN
from tests.helpers import write

SPECS = load_exercises(REPO_ROOT / "lessons" / "exercises")
SPEC = ExerciseSpec(
    exercise_id="demo",
    starter="x = 1\n",
    solution="x = 2\n",
    checker="",
    invariants=("is_two", "is_int"),
    mistakes=("was_one",),
)
BLOCK = [
    "Make `x` two.",
    "",
    "- hint: Change the number.",
    "- invariant is_two: `x == 2` :: It is not two.",
    "- invariant is_int: `x` is an int :: Use an int.",
    "- mistake was_one: You left it at one.",
]


def report(**changes) -> str:
    data = {
        "v": 1,
        "stage": "checked",
        "invariants": [["is_two", True, ""], ["is_int", True, "int"]],
        "mistakes": [],
        "error": None,
    }
    return json.dumps({**data, **changes})


def test_every_exercise_folder_is_used_by_both_languages():
    lessons = load_lessons(REPO_ROOT / "lessons", KNOWN)
    for locale in lessons:
        used = [exercise_id for lesson in lessons[locale] for exercise_id in lesson.exercise_ids]
        assert sorted(used) == sorted(SPECS), locale


def test_every_exercise_fits_the_default_code_limit_with_room_for_the_learner():
    for spec in SPECS.values():
        assert program_overhead(spec) < Settings().run_code_limit - 10_000, spec.exercise_id
        assert spec.starter != spec.solution


def test_a_block_becomes_a_task_hints_and_feedback():
    part = parse_exercise(SPEC, BLOCK, "here")
    assert "<code>x</code>" in part.statement_html and part.hints_html == ("Change the number.",)
    assert [i.invariant_id for i in part.invariants] == ["is_two", "is_int"]
    assert part.mistakes == {"was_one": "You left it at one."} and len(part.starter_hash) == 16


@pytest.mark.parametrize(
    "lines, message",
    [
        (BLOCK[:2] + BLOCK[3:], "at least one '- hint"),
        (BLOCK[:-1], "missing: was_one"),
        (BLOCK[:3] + BLOCK[4:], "missing: is_two"),
        (BLOCK + ["- invariant nope: a :: b"], "invariant 'nope' is unknown"),
        (BLOCK + ["- mistake was_one: again"], "mistake 'was_one' is unknown or repeated"),
        (BLOCK + ["More task text"], "put the task first"),
        (BLOCK + ["- hint without a colon"], "write '- hint: text'"),
        (BLOCK[2:], "needs a task"),
    ],
)
def test_broken_blocks_say_how_to_fix_them(lines, message):
    with pytest.raises(ValueError, match=message):
        parse_exercise(SPEC, lines, "here")


def test_an_unknown_exercise_stops_the_lesson(tmp_path):
    path = write(tmp_path, "01-x.md", GOOD + "\n::: exercise nope\nTask\n- hint: h\n:::\n")
    with pytest.raises(LessonError, match="unknown exercise 'nope'.*lessons/exercises/nope/"):
        parse_lesson(path, "en", KNOWN)


def test_an_exercise_left_open_stops_the_lesson(tmp_path):
    known = KnownIds(labs=KNOWN.labs, facts=KNOWN.facts, exercises={"demo": SPEC})
    path = write(tmp_path, "01-x.md", GOOD + "\n::: exercise demo\n" + "\n".join(BLOCK) + "\n")
    with pytest.raises(LessonError, match="never closed"):
        parse_lesson(path, "en", known)


def make_folder(root: Path, files: dict[str, str]) -> Path:
    folder = root / "demo"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return root


CHECKER = "INVARIANTS = ('is_two',)\nMISTAKES = ()\n\ndef check(namespace, report):\n    pass\n"


@pytest.mark.parametrize(
    "files, message",
    [
        ({"starter.py": "", "solution.py": ""}, "holds exactly"),
        ({"starter.py": "", "solution.py": "", "check.py": CHECKER, "notes.txt": ""}, "holds exactly"),
        ({"starter.py": "", "solution.py": "", "check.py": "INVARIANTS = ('a',)\n"}, "define check"),
        ({"starter.py": "", "solution.py": "", "check.py": "def check(n, r): pass\n"}, "declare INVARIANTS"),
        (
            {"starter.py": "", "solution.py": "", "check.py": "INVARIANTS = ['a', 'a']\ndef check(n, r): pass\n"},
            "tuple",
        ),
        (
            {"starter.py": "", "solution.py": "", "check.py": "INVARIANTS = ('a', 'a')\ndef check(n, r): pass\n"},
            "twice",
        ),
        (
            {"starter.py": "", "solution.py": "", "check.py": "INVARIANTS = names()\ndef check(n, r): pass\n"},
            "tuple of id",
        ),
        ({"starter.py": "", "solution.py": "", "check.py": "def check(:\n"}, "not valid Python"),
    ],
)
def test_broken_exercise_folders_say_how_to_fix_them(tmp_path, files, message):
    with pytest.raises(ValueError, match=message):
        load_exercises(make_folder(tmp_path, files))


def test_a_good_folder_loads_with_its_declared_ids(tmp_path):
    spec = load_exercises(make_folder(tmp_path, {"starter.py": "a", "solution.py": "b", "check.py": CHECKER}))["demo"]
    assert spec.invariants == ("is_two",) and spec.mistakes == () and spec.starter == "a"


def test_the_program_carries_the_code_as_a_literal_and_drops_checker_docstrings():
    spec = SPECS["zero_parameters"]
    program = build_program(spec, 'print("""hi""")\n')
    assert repr('print("""hi""")\n') in program
    assert "telling autograd" in spec.checker
    assert "telling autograd" not in program.split("__plab_exercise(", 2)[-1].split(", ", 1)[1]
    compile(program, "<cell>", "exec")


def test_only_a_complete_clean_report_passes():
    ok = RunResult(status="ok", value=report())
    assert judge(SPEC, ok).status == "passed"
    missing = RunResult(status="ok", value=report(invariants=[["is_two", True, ""]]))
    assert judge(SPEC, missing).status == "failed"
    with_mistake = RunResult(status="ok", value=report(mistakes=["was_one"]))
    assert judge(SPEC, with_mistake).status == "failed"
    assert judge(SPEC, RunResult(status="ok", value=report(stage="code_error", error="E"))).status == "code_error"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "not json",
        "[]",
        report(v=2),
        report(stage="passed"),
        report(extra=1),
        report(invariants=[["is_two", "yes", ""]]),
        report(invariants=[["made_up", True, ""]]),
        report(invariants=[["is_two", True, ""], ["is_two", True, ""]]),
        report(invariants=[["is_two", True]]),
        report(mistakes=["made_up"]),
        report(mistakes=["was_one", "was_one"]),
        report(error=3),
        report(error="x" * (REPORT_LIMIT + 200)),
        "[" * 10_000,
    ],
)
def test_a_report_of_another_shape_is_not_believed(value):
    assert read_report(value, SPEC) is None
    assert judge(SPEC, RunResult(status="ok", value=value)).status == "unreadable"


@pytest.mark.parametrize(
    "status, verdict",
    [
        ("refused", "not_run"),
        ("rate_limited", "not_run"),
        ("timeout", "stopped"),
        ("memory", "stopped"),
        ("crashed", "stopped"),
        ("error", "unreadable"),
    ],
)
def test_runs_that_did_not_finish_are_not_judged(status, verdict):
    outcome = judge(SPEC, RunResult(status=status, value=report()))
    assert outcome.status == verdict and not outcome.passed
    assert outcome.attempted == (verdict != "not_run")

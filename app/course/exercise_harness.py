"""Check a learner's attempt at an exercise: one sandboxed run of their code and then the checker.

The app sends the sandbox one ordinary program (through the same JSON protocol as a code cell):
a small harness holding the learner's code and the checker as string literals. In the worker it

1. runs the checker's file, then the learner's code as the cell `<cell>` (so tracebacks and the
   registration trace use the learner's own line numbers), in a namespace of its own;
2. calls `check(namespace, report)`, where `report.invariant(id, ok, detail)` records one invariant,
   `report.mistake(id)` one diagnosed mistake, and `report.source` is the learner's code;
3. when the learner's code (or the checker using it) raises, records the error and calls
   `explain(error, report)` if the checker has one, to name the mistake behind the error;
4. ends with an expression whose repr is a small JSON report, which comes back as the run's `value`.

The learner's code runs in that same process, so it could forge the report: the checks are for
learning, not grading. The app still treats the report as untrusted: `read_report` accepts only
the expected shape, sizes and the exercise's declared ids, and anything else counts as not checked.
"""

import ast
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.course.exercises import ExerciseSpec
from app.runner.service import RunResult

REPORT_LIMIT = 3_900  # below the sandbox's value limit (4 000 characters), so a report is never cut

HARNESS = r"""def __plab_exercise(learner, checker):
    import json, linecache, traceback
    out = {"v": 1, "stage": "checked", "invariants": [], "mistakes": [], "error": None}

    class Report:
        source = learner

        def invariant(self, name, ok, detail=""):
            out["invariants"].append([str(name)[:60], ok is True, str(detail)[:100]])

        def mistake(self, name):
            if str(name) not in out["mistakes"]:
                out["mistakes"].append(str(name)[:60])

    def describe(exc):
        frames = [f for f in traceback.extract_tb(exc.__traceback__)[1:] if f.filename == "<cell>"]
        text = "".join(traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc))
        return text if len(text) <= 1200 else text[:200] + "\n...\n" + text[-1000:]

    checks, namespace, report, stage = {"__name__": "plab_check"}, {"__name__": "__main__"}, Report(), "code_error"
    exec(compile(checker, "<check>", "exec"), checks)
    linecache.cache["<cell>"] = (len(learner), None, learner.splitlines(True), "<cell>")
    try:
        exec(compile(learner, "<cell>", "exec"), namespace)
        stage = "check_error"
        checks["check"](namespace, report)
    except MemoryError:
        raise
    except (Exception, SystemExit) as exc:
        out["stage"], out["error"] = stage, describe(exc)
        if "explain" in checks:
            try:
                checks["explain"](exc, report)
            except Exception:
                pass
    text = json.dumps(out)
    while len(text) > %(limit)d and out["error"]:
        out["error"] = out["error"][len(out["error"]) // 2:]
        text = json.dumps(out)

    class Answer:
        def __repr__(self):
            return text
    return Answer()


__plab_exercise(%(learner)s, %(checker)s)
"""


def compact_checker(source: str) -> str:
    """Drop the checker's docstrings and comments: the program must fit the sandbox's code limit."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body.pop(0)
            if not body:
                body.append(ast.Pass())
    return ast.unparse(tree)


def build_program(spec: ExerciseSpec, code: str) -> str:
    """Return the program that runs `code` and then the exercise's checks in one sandboxed run."""
    return HARNESS % {"limit": REPORT_LIMIT, "learner": repr(code), "checker": repr(compact_checker(spec.checker))}


def program_overhead(spec: ExerciseSpec) -> int:
    """Return how many bytes the harness and checker add around the learner's code."""
    return len(build_program(spec, "").encode("utf-8"))


class Report(BaseModel):
    """The checker's answer, as it must look to be believed (anything else is rejected)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    v: Literal[1]
    stage: Literal["checked", "code_error", "check_error"]
    invariants: list[tuple[str, bool, str]] = Field(max_length=40)
    mistakes: list[str] = Field(max_length=40)
    error: str | None = Field(default=None, max_length=4_000)


def read_report(value: str | None, spec: ExerciseSpec) -> Report | None:
    """Parse and validate the report a run sent back; None when it is not a believable report."""
    if not isinstance(value, str) or len(value) > REPORT_LIMIT + 100:
        return None
    try:
        report = Report.model_validate_json(value)
    except (ValueError, ValidationError, RecursionError):
        return None
    names = [name for name, _ok, _detail in report.invariants]
    if len(set(names)) != len(names) or not set(names) <= set(spec.invariants):
        return None
    if len(set(report.mistakes)) != len(report.mistakes) or not set(report.mistakes) <= set(spec.mistakes):
        return None
    return report


class Outcome(BaseModel):
    """What an attempt came to: the verdict, each invariant's result, diagnosed mistakes, the run."""

    status: Literal["passed", "failed", "code_error", "check_error", "stopped", "unreadable", "not_run"]
    run: RunResult
    results: dict[str, tuple[bool, str]] = Field(default_factory=dict)  # invariant id -> (ok, detail)
    mistakes: list[str] = Field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def passed_count(self) -> int:
        return sum(1 for ok, _detail in self.results.values() if ok)

    @property
    def attempted(self) -> bool:
        """Tell whether the sandbox ran the attempt (a refused or rate-limited one does not count)."""
        return self.status != "not_run"


def judge(spec: ExerciseSpec, run: RunResult) -> Outcome:
    """Turn a sandboxed run of build_program(...) into a verdict; only a complete, clean report passes."""
    if run.status in ("refused", "rate_limited"):
        return Outcome(status="not_run", run=run)
    if run.status in ("timeout", "memory", "crashed"):
        return Outcome(status="stopped", run=run)
    report = read_report(run.value, spec) if run.status == "ok" else None
    if report is None:
        return Outcome(status="unreadable", run=run)
    results = {name: (ok, detail) for name, ok, detail in report.invariants}
    if report.stage != "checked":
        status = report.stage
    else:
        complete = all(results.get(name, (False, ""))[0] for name in spec.invariants)
        status = "passed" if complete and not report.mistakes else "failed"
    return Outcome(status=status, run=run, results=results, mistakes=report.mistakes, error=report.error)

"""Write the notebook cells of a check (a question, then its probe) and of an exercise (the task, the
starter code, then a cell that checks the learner's code by the exercise's own invariants).

Cells are plain nbformat cells; UI words go through gettext in the current locale, so call these
with the lesson's locale set (app/course/notebook.py does).
"""

import html
import re

from nbformat.v4 import new_code_cell, new_markdown_cell

from app.course.checks import CheckPart
from app.course.exercises import ExercisePart, ExerciseSpec
from app.course.lab_code import setup_for
from app.i18n import gettext as _

TAG = re.compile(r"<[^>]+>")
# A cell that may raise on purpose (a torch error that is the lesson, or an unfinished exercise):
# nbclient and nbval run on past it, as Jupyter's own convention says.
RAISES = "raises-exception"


def plain_text(fragment: str) -> str:
    """Turn an inline HTML fragment (a label, a feedback) into plain text for a printed line."""
    return html.unescape(TAG.sub("", fragment)).strip()


def _string_literal(text: str) -> str:
    """Write text as a Python literal a reader can still read (a raw triple-quoted string if it can be)."""
    if "'''" not in text and not text.endswith("\\") and "\r" not in text:
        return "r'''" + text + "'''"
    return repr(text)


def check_cells(part: CheckPart, probe: str) -> list:
    """Write a check: the question and its options, the probe that answers it, the feedback."""
    options = "\n".join(f"- `{option.key}`: {option.text_html}" for option in part.options)
    predict = _("Predict, then run:")
    question = new_markdown_cell(
        f"**{predict}** {part.question_html}\n\n{options}\n\n"
        + _("Choose an option, then run the next cell: torch answers with the lesson's own probe.")
    )
    answers, produced = _("torch answers:"), _("torch produced:")
    setup = setup_for(probe + "\ntorch.manual_seed(0)")  # what the probe uses, and torch for the seed
    code = "\n".join(
        [
            setup,
            "",
            "torch.manual_seed(0)  # the site seeds every probe the same way",
            "shown = None  # the probe may set it to the value torch produced",
            probe.strip("\n"),
            "",
            f"print({answers!r}, answer)",
            "if shown is not None:",
            f"    print({produced!r}, shown)",
        ]
    ).lstrip("\n")
    cells = [question, new_code_cell(code, metadata={"parameter_lab": {"check": part.check_id}})]
    feedback = [f"- `{option.key}`: {option.feedback_html}" for option in part.options if option.feedback_html]
    if feedback:
        summary = _("What each answer tells you")
        cells.append(
            new_markdown_cell(f"<details><summary>{summary}</summary>\n\n" + "\n".join(feedback) + "\n\n</details>")
        )
    return cells


# The harness of app/course/exercise_harness.py, minus the sandbox: the learner's cell is the last
# input in IPython's history (`In`) that is not a check cell (those call check_exercise).
CHECK_FUNCTION = r'''def check_exercise(checker, labels, mistakes, words):
    """Run the learner's last cell again in a fresh namespace, then the exercise's own checks."""
    import contextlib
    import io
    import linecache
    import traceback

    history = [cell for cell in globals().get("In", [])[:-1] if cell.strip() and "check_exercise(" not in cell]
    learner = history[-1] if history else ""
    results, found = {}, []

    class Report:
        source = learner

        def invariant(self, name, ok, detail=""):
            results[str(name)] = (ok is True, str(detail))

        def mistake(self, name):
            if name not in found:
                found.append(name)

    checks, namespace, report = {"__name__": "plab_check"}, {"__name__": "__main__"}, Report()
    stage, error = "code", None
    exec(compile(checker, "<check>", "exec"), checks)
    linecache.cache["<cell>"] = (len(learner), None, learner.splitlines(True), "<cell>")
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(learner, "<cell>", "exec"), namespace)
        stage = "check"
        checks["check"](namespace, report)
    except Exception as exc:
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        if "explain" in checks:
            try:
                checks["explain"](exc, report)
            except Exception:
                pass
    for name, (label, feedback) in labels.items():
        ok, detail = results.get(name, (False, ""))
        print(("✓ " if ok else "✗ ") + label + ("" if ok else " — " + feedback) + (f" ({detail})" if detail else ""))
    for name in found:
        print("• " + mistakes.get(name, name))
    if error is not None:
        print(error)
    failed = sum(1 for name in labels if not results.get(name, (False, ""))[0])
    assert error is None, words["code_error" if stage == "code" else "check_error"]
    assert failed == 0 and not found, words["failed"] % {"failed": failed, "total": len(labels)}
    print(words["passed"])
'''


def exercise_cells(part: ExercisePart, spec: ExerciseSpec) -> list:
    """Write an exercise: the task and hints, the starter code, the cell that checks it."""
    total = len(part.hints_html)
    hints = "\n".join(
        f"<details><summary>{_('Hint %(number)s of %(total)s') % {'number': number, 'total': total}}</summary>\n\n"
        f"{hint}\n\n</details>\n"
        for number, hint in enumerate(part.hints_html, start=1)
    )
    checks = "\n".join(f"- {invariant.label_html}" for invariant in part.invariants)
    heading, tested = _("Exercise"), _("What the check tests:")
    task = new_markdown_cell(
        f"### {heading}\n\n{part.statement_html}\n\n{hints}\n**{tested}**\n\n{checks}\n\n"
        + _("Write your solution in the next cell and run it, then run the cell after it to check it.")
    )
    labels = {i.invariant_id: (plain_text(i.label_html), plain_text(i.feedback_html)) for i in part.invariants}
    mistakes = {key: plain_text(text) for key, text in part.mistakes.items()}
    words = {
        "passed": _("Solved: every check passed."),
        "failed": _("Not yet: %(failed)s of %(total)s checks failed."),
        "code_error": _("Not yet: your code raised an error before the checks could run."),
        "check_error": _("Not yet: the checks could not use your code; it raised an error."),
    }
    code = "\n".join(
        [
            "# " + _("Checks the cell above with the same invariants as the site (it runs your code again)."),
            CHECK_FUNCTION,
            f"CHECKER = {_string_literal(spec.checker)}",
            "",
            f"check_exercise(CHECKER, {labels!r}, {mistakes!r}, {words!r})",
        ]
    )
    starter_meta = {"parameter_lab": {"exercise": part.exercise_id, "role": "starter"}}
    # Tagged: with the starter code the check fails, as it should, and the notebook runs on past it.
    check_meta = {"tags": [RAISES], "parameter_lab": {"exercise": part.exercise_id, "role": "check"}}
    return [task, new_code_cell(part.starter, metadata=starter_meta), new_code_cell(code, metadata=check_meta)]

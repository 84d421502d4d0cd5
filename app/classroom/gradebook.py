"""Lay a class's records out as a gradebook: one row per student, as CSV a spreadsheet opens safely.

Pure: it takes the lessons (in the teacher's language, for the headers) and the rows the store's
export_records returns. A check counts as right as the server's torch probe judged it when the
student answered; an exercise as solved when one attempt passed in the learner's own sandbox.
"""

import csv
import io
from collections import defaultdict
from collections.abc import Mapping, Sequence

from app.course.lessons import Lesson
from app.i18n import gettext as _

# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"  # without it, Excel reads UTF-8 as the local code page and garbles Chinese


def neutralised(cell: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with a single quote, so it stays text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_text(table: Sequence[Sequence[object]]) -> str:
    """Write rows as CSV: byte-order mark first, every cell quoted, formulas neutralised."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in table:
        writer.writerow([neutralised(str(cell)) for cell in row])
    return out.getvalue()


def _header(lessons: Sequence[Lesson]) -> list[str]:
    header = [_("Name")]
    for lesson in lessons:
        for check in lesson.check_ids:
            header += [
                _("%(check)s: right now") % {"check": check},
                _("%(check)s: right first time") % {"check": check},
                _("%(check)s: attempts") % {"check": check},
            ]
        for exercise in lesson.exercise_ids:
            header += [
                _("%(exercise)s: solved") % {"exercise": exercise},
                _("%(exercise)s: attempts") % {"exercise": exercise},
            ]
        number = {"number": lesson.order}
        header += [
            _("Lesson %(number)s: checks right") % number,
            _("Lesson %(number)s: checks answered") % number,
            _("Lesson %(number)s: exercises solved") % number,
        ]
    return header


def _right(value: bool) -> str:
    return _("right") if value else _("wrong")


def gradebook(lessons: Sequence[Lesson], records: Mapping[str, list[dict]]) -> list[list[object]]:
    """Return the gradebook as rows, the header first; a blank cell means never answered or tried."""
    answers: dict[tuple[str, str], dict] = {
        (answer["student_id"], answer["check_id"]): answer for answer in records["check_answers"]
    }
    tries: dict[tuple[str, str], int] = defaultdict(int)
    solved: set[tuple[str, str]] = set()
    for attempt in records["exercise_attempts"]:
        key = (attempt["student_id"], attempt["exercise_id"])
        tries[key] += 1
        if attempt["outcome"] == "passed":
            solved.add(key)
    table: list[list[object]] = [_header(lessons)]
    for student in records["students"]:
        row: list[object] = [student["display_name"]]
        for lesson in lessons:
            right = answered = exercises_solved = 0
            for check in lesson.check_ids:
                answer = answers.get((student["id"], check))
                if answer is None:
                    row += ["", "", 0]
                    continue
                answered += 1
                right += bool(answer["latest_correct"])
                row += [_right(answer["latest_correct"]), _right(answer["first_correct"]), answer["attempts"]]
            for exercise in lesson.exercise_ids:
                key = (student["id"], exercise)
                exercises_solved += key in solved
                row += [(_("yes") if key in solved else _("no")) if tries[key] else "", tries[key]]
            row += [right, answered, exercises_solved]
        table.append(row)
    return table

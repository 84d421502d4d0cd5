"""Judge a predict-then-run check: the learner's answer against what torch answers right now.

A class member's answer is recorded only from the check form's POST (state changes never ride on a
GET, which any other site could make a browser send); a GET link with ?check=<id>&answer=<key>
shows the same verdict and records nothing.
"""

from dataclasses import dataclass

from fastapi import HTTPException, Request

from app.course.checks import CheckPart, ProbeResult, run_probe
from app.course.lessons import Lesson
from app.i18n import gettext as _


@dataclass
class CheckState:
    """A check as the learner left it: their answer, and torch's, once they have answered."""

    answer: str | None = None
    error: str | None = None
    probe: ProbeResult | None = None

    @property
    def correct(self) -> bool:
        return self.probe is not None and self.answer == self.probe.answer


def asked_check(lesson: Lesson, asked: str | None) -> CheckPart | None:
    """Return the lesson's check called `asked`, None when none is asked; 404 for a foreign id."""
    if asked is None:
        return None
    part = next((p for p in lesson.parts if isinstance(p, CheckPart) and p.check_id == asked), None)
    if part is None:
        raise HTTPException(404, _("This lesson has no check called “%(check)s”.") % {"check": asked})
    return part


def judge(request: Request, part: CheckPart, answer: str | None) -> CheckState:
    """Compare the learner's prediction with what the probe makes torch answer right now."""
    if not answer:
        return CheckState(error=_("Choose an answer first, then check it."))
    if part.option(answer) is None:
        keys = ", ".join(option.key for option in part.options)
        return CheckState(
            answer=answer,
            error=_("“%(answer)s” is not an option here; choose one of: %(keys)s") % {"answer": answer, "keys": keys},
        )
    return CheckState(answer=answer, probe=run_probe(request.app.state.probes[part.check_id]))

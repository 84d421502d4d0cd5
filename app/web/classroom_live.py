"""Teacher pages about a class's work beyond its page: the exercises' statistics and one student's
attempts. Teachers only, like every route in classroom_teachers.py; the queries are in
app/classroom/store/live.py.
"""

from fastapi import APIRouter, Depends, HTTPException, Request

from app.classroom.exercise_stats import exercise_names, exercise_stats
from app.classroom.store import utcnow
from app.i18n import gettext as _
from app.web.class_view import ago
from app.web.classroom import store
from app.web.classroom_teachers import class_or_404, teacher
from app.web.pages import lessons_here
from app.web.render import render

router = APIRouter(include_in_schema=False)
ATTEMPTS_SHOWN = 100  # a student's page lists this many attempts, newest first


@router.get("/teacher/classes/{class_id}/exercises", dependencies=[Depends(teacher)])
async def exercises_page(request: Request, class_id: str):
    classroom = await class_or_404(request, class_id)
    lessons = lessons_here(request)
    attempts = await store(request).exercise_attempts(class_id)
    context = {"classroom": classroom, "stats": exercise_stats(lessons, attempts)}
    return render(request, "classroom/teacher_exercises.html", context)


@router.get("/teacher/classes/{class_id}/students/{student_id}", dependencies=[Depends(teacher)])
async def student_page(request: Request, class_id: str, student_id: str):
    classroom = await class_or_404(request, class_id)
    student, attempts, total = await store(request).student_attempts(class_id, student_id, ATTEMPTS_SHOWN)
    if student is None:
        raise HTTPException(404, _("This class has no such student."))
    now = utcnow()
    context = {
        "classroom": classroom,
        "student": student,
        "attempts": attempts,
        "total": total,
        "names": exercise_names(lessons_here(request)),
        "ago": lambda when: ago(now, when),
    }
    return render(request, "classroom/teacher_student.html", context)

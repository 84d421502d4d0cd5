"""Name every page a learner can open, so the layout and accessibility tests walk all of them."""

from app.labs import LABS
from app.labs.zoo import MODELS
from app.settings import REPO_ROOT

LANGUAGES = ("en", "zh-CN")


def lesson_slugs() -> list[str]:
    """Read the lesson slugs from lessons/en/NN-slug.md (every locale holds the same files)."""
    return [path.stem[3:] for path in sorted((REPO_ROOT / "lessons" / "en").glob("*.md"))]


def every_page() -> list[str]:
    """List the path of every page: home, the labs, the gallery and the lessons."""
    return [
        "/",
        "/labs",
        *(f"/labs/{lab.id}" for lab in LABS),
        "/models",
        *(f"/models/{model_id}" for model_id in MODELS),
        *(f"/lessons/{slug}" for slug in lesson_slugs()),
    ]


def in_language(path: str, language: str) -> str:
    """Ask for a page in one language with ?lang= (the app remembers it, the test names it every time)."""
    return f"{path}{'&' if '?' in path else '?'}lang={language}"


def teacher_class_pages(class_id: str, check_id: str) -> list[str]:
    """List a teacher's pages about one class that need a session and answers (tests/browser/test_class_beliefs.py)."""
    base = f"/teacher/classes/{class_id}"
    return [f"{base}/checks", f"{base}/checks?lesson=rebinding-pitfall", f"{base}/checks/{check_id}?option=changed"]


def poll_pages(class_path: str, poll_id: str) -> list[str]:
    """List the class poll pages a teacher opens (they need a teacher session, so tests/browser/test_polls.py walks them)."""
    return [f"{class_path}/polls", f"{class_path}/polls/{poll_id}/projector"]

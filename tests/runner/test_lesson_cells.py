"""Every lesson page in both languages shows its code cells, and a lesson cell posted back runs in place."""

import pytest

from app.course.loading import load_course
from app.i18n import LOCALES
from app.settings import REPO_ROOT
from tests.helpers import soup

COURSE = load_course(REPO_ROOT / "lessons")
CELLS = COURSE.known.cells
LESSONS = COURSE.lessons


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("slug, cell_ids", [(lesson.slug, lesson.cell_ids) for lesson in LESSONS["en"]])
def test_each_lesson_page_shows_its_cells_with_the_starter_code(api, locale, slug, cell_ids):
    page = soup(api.get(f"/lessons/{slug}?lang={locale}"))
    for cell_id in cell_ids:
        textarea = page.select_one(f"section#cell-{cell_id} textarea[name=code]")
        assert textarea is not None, f"/lessons/{slug} has no cell {cell_id}"
        assert textarea.text.removeprefix("\n") == CELLS[cell_id]


def test_the_live_registration_cell_posted_back_shows_the_trace(api):
    response = api.post(
        "/lessons/live-registration", data={"cell": "live_registration", "code": CELLS["live_registration"]}
    )
    cell = soup(response).select_one("section#cell-live_registration")
    assert "cell-status-ok" in cell.select_one(".cell-status")["class"]
    assert "named_parameters():" in cell.select_one(".cell-stdout").text
    filed = {row.select_one(".filed")["class"][1] for row in cell.select(".registration-table tbody tr")}
    assert filed == {"filed-parameter", "filed-attribute", "filed-buffer", "filed-module"}

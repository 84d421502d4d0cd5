"""Route invariants a lab author must keep (see app/labs/base.py)."""

import inspect

from fastapi.routing import APIRoute

from tests.helpers import soup

LAB_PATHS = ("/labs", "/api/labs", "/lessons", "/models", "/api/models")


def test_every_route_that_runs_a_lab_is_async(app):
    # A plain `def` route runs in the thread pool, where torch's global random generator is shared
    # between threads: seeded labs would stop giving the same page for the same URL.
    lab_routes = [r for r in app.routes if isinstance(r, APIRoute) and r.path.startswith(LAB_PATHS)]
    assert lab_routes
    plain = [r.path for r in lab_routes if not inspect.iscoroutinefunction(r.endpoint)]
    assert plain == [], f"make these routes async def: {plain}"


def test_labs_are_listed_in_the_order_the_lessons_teach_them(client):
    listed = [a["href"].removeprefix("/labs/") for a in soup(client.get("/labs")).select("main ul a")]
    taught = []
    for lesson in client.app.state.lessons["en"]:
        taught += [lab_id for lab_id in lesson.lab_ids if lab_id not in taught]
    assert listed == taught

"""Class poll routes on both databases: who may start, steer and see a poll, and who may vote."""

import re

from tests.classroom.conftest import another_browser
from tests.classroom.helpers import create_class, join, sign_in
from tests.helpers import soup

CHECK = "tensor_requires_grad_is_not_parameter"  # options True / False; torch answers False
LESSON = "/lessons/tensor-or-parameter"


def class_with_poll(web, *students):
    """A signed-in teacher (web), a class with these students (their own browsers) and an open poll."""
    sign_in(web)
    path, code = create_class(web, "Polls")
    browsers = []
    for name in students:
        browser = another_browser(web)
        join(browser, code, name)
        browsers.append(browser)
    response = web.post(f"{path}/polls", data={"check": CHECK}, follow_redirects=False)
    assert response.status_code == 303, response.text
    poll_id = soup(web.get(f"{path}/polls")).select_one("[data-projector-link]")["href"].split("/")[-2]
    return path, poll_id, browsers


def vote(browser, poll_id, option, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return browser.post(
        f"/class/poll/{poll_id}/vote", data={"option": option, "next": LESSON}, headers=headers, follow_redirects=False
    )


def projector_count(web, path, poll_id) -> int:
    page = soup(web.get(f"{path}/polls/{poll_id}/projector"))
    return int(page.select_one("[data-vote-count]")["data-vote-count"])


def test_every_page_shows_the_open_poll_to_class_members_only(web):
    path, poll_id, [ann] = class_with_poll(web, "Ann")
    for page_path in ("/", LESSON, "/labs"):
        panel = soup(ann.get(page_path)).select_one(".class-poll")
        assert panel is not None and panel["data-poll-id"] == poll_id, page_path
        form = panel.select_one("form")
        assert form["method"] == "post" and form["action"] == f"/class/poll/{poll_id}/vote"
        assert [b["value"] for b in form.select("button[name=option]")] == ["True", "False"]
    outsider = another_browser(web)
    assert soup(outsider.get("/")).select_one("#class-poll") is None


def test_a_vote_without_javascript_comes_back_to_the_page_and_a_second_click_changes_it(web):
    path, poll_id, [ann, bo] = class_with_poll(web, "Ann", "Bo")
    response = vote(ann, poll_id, "True")
    assert response.status_code == 303 and response.headers["location"] == LESSON
    assert soup(ann.get(LESSON)).select_one("[data-my-vote]")["data-my-vote"] == "True"
    vote(bo, poll_id, "True")
    vote(ann, poll_id, "False")
    assert projector_count(web, path, poll_id) == 2
    record = web.get(f"{path}/polls.json").json()["polls"][0]["rounds"][0]
    assert record["counts"] == {"True": 1, "False": 1}


def test_htmx_votes_and_the_panel_is_sent_only_when_it_changed(web):
    path, poll_id, [ann] = class_with_poll(web, "Ann")
    response = vote(ann, poll_id, "False", htmx=True)
    assert response.status_code == 200
    panel = soup(response)
    key = panel.select_one("#class-poll-seen")["value"]
    assert panel.select_one("[aria-pressed=true]")["value"] == "False"
    htmx = {"HX-Request": "true"}
    assert ann.get("/class/poll", params={"seen": key}, headers=htmx).status_code == 204
    web.post(f"{path}/polls/{poll_id}/status", data={"to": "counting"})
    changed = ann.get("/class/poll", params={"seen": key}, headers=htmx)
    assert changed.status_code == 200 and soup(changed).select_one("[data-poll-count]")["data-poll-count"] == "1"
    assert another_browser(web).get("/class/poll", headers=htmx).status_code == 286  # not in a class: stop asking


def test_students_see_no_counts_until_the_teacher_shows_them(web):
    path, poll_id, [ann, bo] = class_with_poll(web, "Ann", "Bo")
    vote(ann, poll_id, "True")
    page = soup(bo.get("/"))
    assert page.select_one("[data-poll-count]") is None and page.select_one(".poll-table") is None
    web.post(f"{path}/polls/{poll_id}/status", data={"to": "counting"})
    assert soup(bo.get("/")).select_one("[data-poll-count]")["data-poll-count"] == "1"
    assert soup(bo.get("/")).select_one(".poll-table") is None
    web.post(f"{path}/polls/{poll_id}/status", data={"to": "shown"})
    table = soup(bo.get("/")).select_one(".poll-table")
    assert table.select_one("[data-option=True] [data-round-count]").text.startswith("1")


def test_second_round_reveal_and_record(web):
    path, poll_id, [ann, bo] = class_with_poll(web, "Ann", "Bo")
    vote(ann, poll_id, "True")
    vote(bo, poll_id, "True")
    web.post(f"{path}/polls/{poll_id}/again")
    second = soup(web.get(f"{path}/polls")).select_one("[data-projector-link]")["href"].split("/")[-2]
    assert second != poll_id
    assert vote(ann, poll_id, "False").status_code == 409  # round 1 is closed
    vote(ann, second, "False")
    vote(bo, second, "False")
    web.post(f"{path}/polls/{second}/status", data={"to": "revealed"})
    projector = soup(web.get(f"{path}/polls/{second}/projector"))
    assert projector.select_one("[data-poll-answer]")["data-poll-answer"] == "False"  # torch's probe decided
    assert [th.text for th in projector.select(".poll-table thead th")][1:3] == ["Round 1", "Round 2"]
    assert projector.select_one(".poll-bars") is not None
    assert projector.select_one("[data-join-code]") is not None and projector.select_one(".qr-figure svg")
    wrong = projector.select_one(".poll-table [data-option=True]")
    assert "only a Parameter is registered" in wrong.text  # the misconception this option stands for
    assert soup(ann.get("/")).select_one(".verdict-correct") is not None
    refused = vote(bo, second, "True")
    assert refused.status_code == 409 and "closed" in soup(refused).select_one("[role=alert]").text
    [chain] = web.get(f"{path}/polls.json").json()["polls"]
    assert chain["answer"] == "False" and [(r["round"], r["right"], r["votes"]) for r in chain["rounds"]] == [
        (1, 0, 2),
        (2, 2, 2),
    ]


def test_walking_through_a_lesson_opens_its_next_check(web):
    path, poll_id, _ = class_with_poll(web)
    web.post(f"{path}/polls/{poll_id}/next")
    page = soup(web.get(f"{path}/polls"))
    assert page.select_one("[data-poll-check]")["data-poll-check"] == "parameter_shares_storage"


def test_teacher_poll_routes_refuse_non_teachers(web):
    path, poll_id, [ann] = class_with_poll(web, "Ann")
    base = f"{path}/polls/{poll_id}"
    for who in (ann, another_browser(web)):
        for url in (f"{path}/polls", f"{path}/polls.json", f"{base}/projector", f"{base}/live"):
            assert who.get(url).status_code == 401, url
        for url in (f"{path}/polls", f"{base}/status", f"{base}/again", f"{base}/next"):
            assert who.post(url, data={"check": CHECK, "to": "closed"}).status_code == 401, url
    assert soup(web.get(f"{path}/polls")).select_one("[data-poll-status]")["data-poll-status"] == "open"


def test_cross_site_posts_are_refused(web):
    path, poll_id, [ann] = class_with_poll(web, "Ann")
    evil = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert web.post(f"{path}/polls/{poll_id}/status", data={"to": "closed"}, headers=evil).status_code == 403
    response = ann.post(f"/class/poll/{poll_id}/vote", data={"option": "True"}, headers=evil)
    assert response.status_code == 403
    assert web.get(f"{path}/polls.json").json()["polls"][0]["rounds"][0]["votes"] == 0


def test_a_student_of_another_class_cannot_vote(web):
    path, poll_id, [ann] = class_with_poll(web, "Ann")
    _other_path, other_code = create_class(web, "Other")
    stranger = another_browser(web)
    join(stranger, other_code, "Zed")
    response = vote(stranger, poll_id, "True")
    assert response.status_code == 404 and soup(response).select_one("[role=alert]")
    assert vote(another_browser(web), poll_id, "True").status_code == 403  # not in any class
    assert projector_count(web, path, poll_id) == 0


def test_bad_input_gets_a_message(web):
    path, poll_id, [ann] = class_with_poll(web, "Ann")
    response = vote(ann, poll_id, "Maybe")
    assert response.status_code == 422 and "True, False" in response.text
    assert web.post(f"{path}/polls", data={"check": "no_such_check"}).status_code == 400
    assert web.post(f"{path}/polls/{poll_id}/status", data={"to": "sideways"}).status_code == 400
    assert web.get(f"{path}/polls/not-a-poll/projector").status_code == 404
    assert re.search("no such poll", web.get(f"{path}/polls/not-a-poll/projector").text)


def test_a_page_costs_a_class_member_one_lookup_and_anyone_else_none(web, monkeypatch):
    path, poll_id, [ann] = class_with_poll(web, "Ann")
    store = web.app.state.classroom
    calls = []
    for name in ("member_and_poll", "member"):
        real = getattr(store, name)

        async def counted(*args, _real=real, _name=name):
            calls.append(_name)
            return await _real(*args)

        monkeypatch.setattr(store, name, counted)  # the real queries still run; this only counts them
    ann.get(LESSON)
    assert calls == ["member_and_poll"]  # the lesson's own hooks reuse what it found
    calls.clear()
    another_browser(web).get(LESSON)
    assert calls == []


def test_the_projector_follows_the_class_to_the_next_round(web):
    path, poll_id, _ = class_with_poll(web)
    htmx = {"HX-Request": "true"}
    live = f"{path}/polls/{poll_id}/live?on=projector"
    assert web.get(live, headers=htmx).status_code == 200
    web.post(f"{path}/polls/{poll_id}/again")
    moved = web.get(live, headers=htmx)
    second = moved.headers["hx-redirect"].split("/")[-2]
    assert moved.status_code == 204 and second != poll_id
    assert soup(web.get(f"{path}/polls/{second}/projector")).select_one("[data-poll-round]")["data-poll-round"] == "2"


def test_a_student_finds_their_votes_in_what_the_class_keeps(web):
    path, poll_id, [ann] = class_with_poll(web, "Ann")
    vote(ann, poll_id, "False")
    assert soup(ann.get("/class/me")).select_one(f"[data-poll-vote={CHECK}]") is not None
    assert ann.get("/class/me/data.json").json()["poll_votes"][0]["option"] == "False"
    page = soup(ann.get("/class/poll"))  # the page a vote without JavaScript falls back to
    assert page.select_one(".class-poll form") is not None

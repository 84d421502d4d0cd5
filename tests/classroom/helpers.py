"""Steps the route tests share: sign a teacher in, create a class, join it."""

import re
from datetime import date, timedelta

from tests.classroom.conftest import TOKEN


def sign_in(client) -> None:
    response = client.post("/teacher/sign-in", data={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303, response.text


def create_class(client, name="Physics 1") -> tuple[str, str]:
    """Return (class page path, join code as shown)."""
    ends = (date.today() + timedelta(days=30)).isoformat()
    response = client.post("/teacher/classes", data={"name": name, "ends_on": ends}, follow_redirects=False)
    assert response.status_code == 303, response.text
    path = response.headers["location"]
    code = re.search(r"data-join-code>([^<]+)<", client.get(path).text).group(1)
    return path, code


def join(client, code, name) -> str:
    """Join and return the recovery code shown."""
    response = client.post("/join", data={"code": code, "name": name})
    assert response.status_code == 201, response.text
    return re.search(r"data-recovery-code>([^<]+)<", response.text).group(1)

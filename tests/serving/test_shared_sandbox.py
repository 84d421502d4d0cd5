"""With several workers the server has one sandbox, shared, and its limits hold for the whole server
(issue 17: with 2 workers one client got 60 runs a minute, not the documented 30, and each worker
kept a sandbox of its own)."""

import http.client
import json
import time
import urllib.request
from urllib.parse import urlsplit

from benchmarks.server import _is_sandbox, process_tree, running_server


def _status(url: str) -> dict:
    with urllib.request.urlopen(url + "/api/run/status", timeout=10) as answer:
        return json.load(answer)


def _run(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # a new connection: any worker
    connection.request(
        "POST", "/api/run", body=json.dumps({"code": "1 + 1"}), headers={"content-type": "application/json"}
    )
    status = connection.getresponse().status
    connection.close()
    return status


def test_two_workers_share_one_sandbox_and_one_rate_limit():
    env = {"PLAB_RUN_RATE_LIMIT": "3", "PLAB_RUN_POOL_SIZE": "1"}
    with running_server(workers=2, extra_env=env) as (url, pid, _ready):
        deadline = time.monotonic() + 120
        while _status(url)["state"] != "ready" and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _status(url)["state"] == "ready", _status(url)
        tree = process_tree(pid)
        sandboxes = [p for p in tree if _is_sandbox(p)]
        roots = [p for p in sandboxes if not any(p in process_tree(q) and p != q for q in sandboxes)]
        assert len(roots) == 1, roots  # one sandbox parent for the whole server
        statuses = [_run(urlsplit(url).port) for _ in range(8)]
        assert statuses.count(200) == 3 and statuses.count(429) == 5, statuses

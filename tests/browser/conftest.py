"""Browser fixtures: a real uvicorn server on 127.0.0.1 and Debian's headless chromium via Playwright."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from app.settings import REPO_ROOT
from tests.browser.walks import every_page_walked  # noqa: F401  (here, so both walk tests share one walk)

# CI shares two cores with the server and chromium; wait longer than Playwright's 5 s default
# before calling a page broken (a working page answers in milliseconds either way).
expect.set_options(timeout=20_000)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def server_url():
    # uvicorn serves on a socket bound here and handed over, so no other process can take the port
    # between choosing it and listening on it (several test runs may share a machine).
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    env = {**os.environ, "PLAB_LOG_LEVEL": "warning"}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:app",
        "--fd",
        str(listener.fileno()),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, pass_fds=(listener.fileno(),))
    listener.close()  # the server holds its own copy
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the server did not start")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: scripts/test installs it with apt-get")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture()
def page_without_js(browser):
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()

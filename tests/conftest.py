"""Shared fixtures: one app per test session, an in-process client, and an HTML parser."""

import os
import tempfile
import warnings

import pytest
from fastapi.testclient import TestClient

# Before the app is imported: tests keep their database and teacher token out of the work tree.
os.environ.setdefault("PLAB_DATA_DIR", tempfile.mkdtemp(prefix="plab-test-data-"))

from app.main import create_app  # noqa: E402

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")


@pytest.fixture(scope="session")
def app():
    return create_app()


@pytest.fixture()
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def pytest_collection_modifyitems(items):
    """Run the browser tests last: Playwright's sync API leaves an asyncio loop running in the main
    thread, and async tests after it (the classroom's) could not start their own."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))

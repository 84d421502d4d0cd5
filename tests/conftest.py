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

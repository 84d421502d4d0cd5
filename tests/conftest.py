"""Shared fixtures: one app per test session, an in-process client, and an HTML parser."""

import warnings

import pytest
from fastapi.testclient import TestClient

from app.main import create_app

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")


@pytest.fixture(scope="session")
def app():
    return create_app()


@pytest.fixture()
def client(app):
    with TestClient(app) as test_client:
        yield test_client

"""Content check: every starter cell of the course runs cleanly in the sandbox."""

import pytest

from app.lessons import load_cells
from app.settings import REPO_ROOT
from tests.runner.conftest import run_many

CELLS = load_cells(REPO_ROOT / "lessons" / "cells")


@pytest.fixture(scope="module")
def results(sandbox):
    return run_many(sandbox, CELLS)


@pytest.mark.parametrize("cell_id", sorted(CELLS))
def test_starter_cell_runs_ok(results, cell_id):
    result = results[cell_id]
    assert result["status"] == "ok", result.get("traceback") or result
    assert result["stdout"] or result["value"], "a starter cell should show something"

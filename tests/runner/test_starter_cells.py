"""Content check: every starter cell of the course runs cleanly in the sandbox and shows what torch shows."""

import builtins
import contextlib
import io

import pytest

from app.course.lessons import load_cells
from app.runner.execute import compile_cell
from app.settings import REPO_ROOT
from tests.runner.conftest import run_many

CELLS = load_cells(REPO_ROOT / "lessons" / "cells")


def run_in_this_process(code: str) -> tuple[str, str | None]:
    """Run a cell with plain torch here, like the sandbox does (REPL style); return stdout and the value's repr."""
    body, last = compile_cell(code)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(body, namespace)
        value = eval(last, namespace) if last is not None else None
    return output.getvalue(), None if value is None else repr(value)


@pytest.fixture(scope="module")
def results(sandbox):
    return run_many(sandbox, CELLS)


@pytest.mark.parametrize("cell_id", sorted(CELLS))
def test_starter_cell_runs_ok(results, cell_id):
    result = results[cell_id]
    assert result["status"] == "ok", result.get("traceback") or result
    assert result["stdout"] or result["value"], "a starter cell should show something"
    assert not result["stdout_truncated"], "a starter cell's output should fit the output limit"


@pytest.mark.parametrize("cell_id", sorted(CELLS))
def test_starter_cell_shows_what_plain_torch_shows(results, cell_id):
    # Seeded and deterministic: a learner who runs the starter code at home sees the same output.
    stdout, value = run_in_this_process(CELLS[cell_id])
    assert (results[cell_id]["stdout"], results[cell_id]["value"]) == (stdout, value)


@pytest.mark.parametrize("cell_id", sorted(cell_id for cell_id, code in CELLS.items() if "(nn.Module):" in code))
def test_cells_that_define_a_module_get_a_registration_trace(results, cell_id):
    steps = results[cell_id]["registration"]
    assert steps and all(step["function"] == "__init__" for step in steps)


def test_the_live_registration_cell_files_a_name_in_every_place(results):
    outcomes = {
        step["source"].split("=")[0].strip(): step["outcome"] for step in results["live_registration"]["registration"]
    }
    assert set(outcomes.values()) == {"parameter", "attribute", "buffer", "module"}
    assert outcomes["self.extras"] == "attribute"  # the Python list of Parameters the lesson warns about

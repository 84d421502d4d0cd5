"""Lesson and lab notebooks: valid nbformat, every part present, and (slow tier) every notebook run
top to bottom in a fresh Jupyter kernel, its outputs compared with what torch gives the page.

The kernel runs need ipykernel and nbclient (the test extra); skip them with -m "not slow_notebooks".
"""

import json
import subprocess
import sys
import tempfile
import time
from urllib.parse import parse_qsl

import nbformat
import pytest
import torch
from nbformat.v4 import new_code_cell, new_notebook

from app.course.checks import run_probe
from app.course.facts import compute
from app.course.lab_code import free_names, lab_code, setup_for
from app.course.lessons import LabPart, MarkdownPart
from app.course.loading import load_course
from app.course.notebook import (
    fill_facts,
    lab_notebook,
    lab_query,
    lab_script,
    lesson_file_name,
    lesson_notebook,
    speaking,
)
from app.i18n import LOCALES
from app.labs import LAB_BY_ID, LABS
from app.labs.base import evaluate
from app.settings import REPO_ROOT
from app.web.lab_inputs import query_inputs

COURSE = load_course(REPO_ROOT / "lessons")
LESSONS = [(locale, lesson) for locale in LOCALES for lesson in COURSE.lessons[locale]]
CELL_TIMEOUT = 120  # seconds a single cell may take before the run counts as failed (a bound, not a timing)

# What a lab's page shows, read from its result, and the expression that gives it in the notebook.
LAB_OUTPUTS = {
    "tensor_or_parameter": ("repr(x)", lambda r: r.repr if not r.error else None),
    "registration": (
        "[name for name, _ in m.named_parameters()]",
        lambda r: [row.name for row in (r.steps[-1].views if r.steps else r.initial).named_parameters],
    ),
    "training": ("round(loss.item(), 4)", lambda r: round(r.losses[-1], 4) if r.losses else None),
    "views": ("p.detach().tolist()", lambda r: r.detail.p_after),
    "devices": ("returned is model", lambda r: r.returned_is_model),
    "buffers": ("list(state)", lambda r: r.state_dict_keys),
}
PROBE_MARK = "PLAB-OUTPUT "


def starting_states(lesson):
    """Evaluate each lab a lesson embeds with its starting inputs, as the page opens it."""
    with speaking(lesson.locale):
        return {
            part.lab_id: evaluate(LAB_BY_ID[part.lab_id], query_inputs(None, LAB_BY_ID[part.lab_id], part.start))
            for part in lesson.parts
            if isinstance(part, LabPart)
        }


def build(lesson):
    return lesson_notebook(lesson, starting_states(lesson), COURSE.probes, COURSE.exercises, "http://testserver")


def text_of(cell) -> str:
    """Join a code cell's printed output and results into one text."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def errors_of(cell) -> list[str]:
    return [f"{o.ename}: {o.evalue}" for o in cell.get("outputs", []) if o.output_type == "error"]


# ---------------------------------------------------------------- fast: the notebook's shape


@pytest.mark.parametrize(("locale", "lesson"), LESSONS, ids=[f"{loc}-{lesson.slug}" for loc, lesson in LESSONS])
def test_lesson_notebook_is_valid_and_complete(locale, lesson):
    notebook = build(lesson)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    assert notebook.metadata.kernelspec.name == "python3"
    assert notebook.metadata.parameter_lab.torch_version == torch.__version__
    assert lesson_file_name(lesson) == f"{lesson.order:02d}-{lesson.slug}.{locale}.ipynb"
    roles = [cell.metadata.get("parameter_lab", {}) for cell in notebook.cells]
    assert [r["check"] for r in roles if "check" in r] == lesson.check_ids
    assert [r["cell"] for r in roles if "cell" in r] == lesson.cell_ids
    assert [r["exercise"] for r in roles if r.get("role") == "starter"] == lesson.exercise_ids
    assert {r["lab"] for r in roles if "lab" in r} == set(lesson.lab_ids)
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "[[fact:" not in markdown
    for fact_id in lesson.fact_ids:  # filled with the value torch computes now, as the page shows it
        assert compute(fact_id) in markdown, fact_id
    prose = [part for part in lesson.parts if isinstance(part, MarkdownPart)]
    assert all(fill_facts(part.markdown, {}).split("\n")[0] in markdown for part in prose)


def test_starter_code_is_the_lessons_own():
    for _locale, lesson in LESSONS:
        notebook = build(lesson)
        cells = {
            cell.metadata["parameter_lab"].get("cell"): cell.source
            for cell in notebook.cells
            if "parameter_lab" in cell.metadata
        }
        for part in lesson.parts:
            if part.kind == "cell":
                assert cells[part.cell_id] == part.code.strip("\n")
        starters = [c.source for c in notebook.cells if c.metadata.get("parameter_lab", {}).get("role") == "starter"]
        assert starters == [part.starter for part in lesson.parts if part.kind == "exercise"]  # in its language


def test_free_names_and_setup():
    assert free_names("x = torch.zeros(2)\nprint(len(x), y)") == ["torch", "y"]
    assert free_names("import torch\nfor p in torch.ones(2):\n    q = p") == []
    setup = setup_for("model = LinearBias(10, 5)\nF.relu(model(torch.ones(1, 10)))")
    assert "import torch.nn.functional as F" in setup and "class LinearBias(nn.Module):" in setup
    assert setup.index("from torch import nn") < setup.index("class LinearBias")


def lab_states():
    """Every lab at its defaults and at each lesson's starting inputs, plus a few histories."""
    states = [(lab.id, {}) for lab in LABS]
    for _locale, lesson in LESSONS[: len(COURSE.lessons[LOCALES[0]])]:
        states += [(part.lab_id, dict(part.start)) for part in lesson.parts if isinstance(part, LabPart)]
    states += [
        ("gradients", {"a": ["forward", "backward", "step:sgd:0.1", "forward", "backward"]}),
        ("registration", {"step": ["add:w:param:3,4", "add:b:list:2,3", "del:w"]}),
        ("tensor_or_parameter", {"dtype": "int64"}),
        ("gallery", {"model": "sge"}),
    ]
    return [(lab_id, raw) for lab_id, raw in states if lab_id in LAB_BY_ID]


def test_lab_query_opens_the_same_state():
    for lab_id, raw in lab_states():
        lab = LAB_BY_ID[lab_id]
        state = evaluate(lab, raw)
        assert not state.errors, (lab_id, state.errors)
        again = evaluate(lab, query_inputs(None, lab, tuple(parse_qsl(lab_query(state), keep_blank_values=True))))
        assert again.values == state.values, lab_id


def test_lab_scripts_run_alone_with_nothing_but_torch(tmp_path):
    """Run every lab state's script in an isolated Python (no app on the path), each in a fresh namespace."""
    scripts, raising = [], []
    for lab_id, raw in lab_states():
        state = evaluate(LAB_BY_ID[lab_id], raw)
        scripts.append(lab_script(state))
        raising.append(lab_code(state).may_raise)
        nbformat.validate(lab_notebook(state))
    driver = (
        "import json, sys\nfailed = []\n"
        "for number, (code, may_raise) in enumerate(json.load(sys.stdin)):\n"
        "    try:\n        exec(compile(code, f'<lab {number}>', 'exec'), {'__name__': '__main__'})\n"
        "    except Exception as exc:\n"
        "        if not may_raise:\n            failed.append([number, repr(exc)])\n"
        "print(json.dumps(failed))\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", driver],
        input=json.dumps(list(zip(scripts, raising, strict=True))),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    failed = json.loads(done.stdout.strip().splitlines()[-1])
    assert failed == [], [(lab_states()[n], error) for n, error in failed]


# ---------------------------------------------------------------- slow: run them in Jupyter kernels


class FreshKernels:
    """Hand out a fresh python3 kernel per notebook, the next one already booting while the current
    notebook runs (kernel start-up is most of a small notebook's cost on two busy cores)."""

    def __init__(self):
        self.ahead = self._start()

    @staticmethod
    def _start():
        from jupyter_client.manager import KernelManager

        manager = KernelManager(kernel_name="python3")
        manager.start_kernel(cwd=tempfile.gettempdir())  # away from the repo, so `app` cannot be imported
        return manager

    def run(self, notebook):
        """Run a notebook top to bottom in its own fresh kernel, each cell bounded by CELL_TIMEOUT."""
        from nbclient import NotebookClient

        manager, self.ahead = self.ahead, self._start()
        try:
            NotebookClient(notebook, km=manager, timeout=CELL_TIMEOUT, startup_timeout=CELL_TIMEOUT).execute()
        finally:
            manager.shutdown_kernel(now=True)
        return notebook

    def close(self):
        self.ahead.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def kernels():
    pool = FreshKernels()
    yield pool
    pool.close()


def with_output_probes(notebook, states):
    """Insert, after each lab's cells, a cell printing what the lab's page shows (test-only)."""
    cells = list(notebook.cells)
    for lab_id, (expression, _read) in LAB_OUTPUTS.items():
        indices = [i for i, c in enumerate(cells) if c.metadata.get("parameter_lab", {}).get("lab") == lab_id]
        if indices and lab_id in states:
            probe = new_code_cell(f"import json\nprint({PROBE_MARK!r} + json.dumps({expression}))")
            probe.metadata["parameter_lab"] = {"probe": lab_id}
            cells.insert(indices[-1] + 1, probe)
    notebook.cells = cells
    return notebook


@pytest.fixture(scope="module")
def timings():
    spent: dict[str, float] = {}
    yield spent
    if spent:  # measured, not asserted: shown with -s so the cost of this tier stays visible
        print(f"\nnotebook runs: {len(spent)} in {sum(spent.values()):.0f} s; slowest {max(spent.values()):.0f} s")


@pytest.mark.slow_notebooks
@pytest.mark.parametrize(("locale", "lesson"), LESSONS, ids=[f"{loc}-{lesson.slug}" for loc, lesson in LESSONS])
def test_lesson_notebook_runs_in_a_fresh_kernel(locale, lesson, kernels, timings):
    states = starting_states(lesson)
    notebook = with_output_probes(build(lesson), states)
    started = time.perf_counter()
    kernels.run(notebook)
    timings[f"{locale}/{lesson.slug}"] = time.perf_counter() - started
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        role = cell.metadata.get("parameter_lab", {})
        if role.get("role") == "check":  # the starter code must fail the exercise's checks
            assert any(e.startswith("AssertionError") for e in errors_of(cell)), text_of(cell)
        elif "raises-exception" not in cell.metadata.get("tags", []):
            assert errors_of(cell) == [], (role, cell.source[:200], errors_of(cell))
        if "check" in role:  # the notebook's answer is the probe's answer on the server
            expected = run_probe(COURSE.probes[role["check"]])
            assert text_of(cell).splitlines()[0].endswith(" " + expected.answer), role
            if expected.shown is not None:
                assert expected.shown in text_of(cell)
        if "probe" in role:
            printed = text_of(cell).split(PROBE_MARK, 1)[1].strip()
            shown = LAB_OUTPUTS[role["probe"]][1](states[role["probe"]].result)
            if shown is not None:
                assert json.loads(printed) == shown, role


@pytest.mark.slow_notebooks
@pytest.mark.parametrize("locale", LOCALES)
def test_exercise_checks_pass_with_the_solution(locale, kernels):
    """Paste each solution over its starter: every exercise's check cell then passes."""
    cells = []
    for lesson in COURSE.lessons[locale]:
        for cell in build(lesson).cells:
            role = cell.metadata.get("parameter_lab", {}).get("role")
            if role == "starter":
                cell.source = COURSE.exercises[cell.metadata["parameter_lab"]["exercise"]].solution
            if role in ("starter", "check"):
                cells.append(cell)
    assert len(cells) == 2 * len(COURSE.exercises)
    kernels.run(new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}))
    for cell in cells:
        if cell.metadata["parameter_lab"]["role"] == "check":
            assert errors_of(cell) == [], text_of(cell)
            assert "✗" not in text_of(cell)


@pytest.mark.slow_notebooks
def test_a_lab_history_notebook_runs_and_reaches_the_pages_loss(kernels):
    """A lab state from a URL (a gradients history) runs as its own notebook and ends where the page does."""
    actions = ["forward", "backward", "step:sgd:0.1", "zero_grad", "forward"]
    state = evaluate(LAB_BY_ID["gradients"], {"a": actions})
    notebook = lab_notebook(state)
    notebook.cells.append(new_code_cell(f"print({PROBE_MARK!r} + repr(loss.item()))"))
    kernels.run(notebook)
    assert all(errors_of(cell) == [] for cell in notebook.cells if cell.cell_type == "code")
    printed = float(text_of(notebook.cells[-1]).split(PROBE_MARK, 1)[1])
    assert printed == pytest.approx(state.result.losses[-1], rel=1e-6)

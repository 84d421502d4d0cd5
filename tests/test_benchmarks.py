"""The benchmark suite's own pieces: its requests are real lab URLs, and its report renders from the
committed figures. No timing is asserted here; the figures live in docs/benchmarks.md."""

import json
from concurrent.futures import ThreadPoolExecutor

from app.settings import REPO_ROOT
from benchmarks import in_process
from benchmarks.report import write_report
from benchmarks.scenarios import LAB_SCENARIOS


def test_every_benchmark_request_is_answered_by_the_app():
    # Its own thread: browser tests earlier in the session leave an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        figures = thread.submit(in_process.measure, 1).result()  # raises unless every URL answers 200
    assert list(figures) == [scenario.name for scenario in LAB_SCENARIOS] + [in_process.FRESH_REGISTRATION]
    assert all(ms > 0 for ms in figures.values())


def test_every_scenario_names_a_lab_run_with_valid_inputs():
    with ThreadPoolExecutor(1) as thread:
        figures = thread.submit(in_process.measure_lab_runs, 1).result()  # raises on any invalid input
    assert list(figures) == [scenario.name for scenario in LAB_SCENARIOS]
    lstm_page = next(scenario for scenario in LAB_SCENARIOS if scenario.path == "/models/lstm")
    lab, raw = in_process._lab_and_inputs(lstm_page)
    assert (lab.id, raw["model"]) == ("gallery", "lstm")


def test_the_report_renders_from_the_committed_figures(tmp_path):
    results = json.loads((REPO_ROOT / "docs" / "benchmarks.json").read_text())
    write_report(results, tmp_path / "benchmarks.md", quick=False)
    report = (tmp_path / "benchmarks.md").read_text()
    assert report == (REPO_ROOT / "docs" / "benchmarks.md").read_text()  # the committed report is current
    for scenario in LAB_SCENARIOS:
        assert scenario.name in report

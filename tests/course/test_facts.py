"""Every fact a lesson can quote is checked against plain torch by a test, and the join keeps every lab's facts."""

import importlib
from collections.abc import Mapping

import pytest

from app.course.facts import FACTS, join_facts
from app.settings import REPO_ROOT

# Labs whose every fact must have a plain-torch expectation in tests/labs/test_<lab>_facts.py (its EXPECTED).
# A lab added later lists itself here once its facts test exists; until then its facts are not required.
LABS_WITH_EXPECTATIONS = (
    "tensor_or_parameter",
    "registration",
    "gradients",
    "rebinding",
    "initialisation",
    "buffers",
    "detach_clone_view",
    "devices",
    "training",
)

# Facts of those labs checked against plain torch by another test file instead: fact id -> that file.
CHECKED_ELSEWHERE: dict[str, str] = {}


def owned_facts(lab: str) -> Mapping[str, object]:
    """Return the FACTS a lab's own facts module defines."""
    return importlib.import_module(f"app.labs.{lab}.facts").FACTS


def expectations(lab: str) -> Mapping[str, object]:
    """Return the plain-torch expectations tests/labs/test_<lab>_facts.py holds."""
    return importlib.import_module(f"tests.labs.test_{lab}_facts").EXPECTED


@pytest.mark.parametrize("lab", LABS_WITH_EXPECTATIONS)
def test_every_fact_of_the_lab_has_a_plain_torch_expectation(lab):
    missing = set(owned_facts(lab)) - set(expectations(lab)) - set(CHECKED_ELSEWHERE)
    assert not missing, f"add an expectation to tests/labs/test_{lab}_facts.py for: {sorted(missing)}"


@pytest.mark.parametrize("lab", LABS_WITH_EXPECTATIONS)
def test_every_expectation_is_for_a_fact_the_lab_defines(lab):
    stale = set(expectations(lab)) - set(owned_facts(lab))
    assert not stale, f"tests/labs/test_{lab}_facts.py expects facts app/labs/{lab} does not define: {sorted(stale)}"


@pytest.mark.parametrize("lab", LABS_WITH_EXPECTATIONS)
def test_the_joined_table_holds_every_fact_of_the_lab(lab):
    assert all(FACTS[fact_id] is fact for fact_id, fact in owned_facts(lab).items())


def test_a_fact_checked_elsewhere_is_one_of_these_labs_and_named_in_that_file():
    required = {fact_id for lab in LABS_WITH_EXPECTATIONS for fact_id in owned_facts(lab)}
    for fact_id, test_file in CHECKED_ELSEWHERE.items():
        assert fact_id in required, f"{fact_id} is not a fact of {LABS_WITH_EXPECTATIONS}"
        assert fact_id in (REPO_ROOT / test_file).read_text(encoding="utf-8"), f"{test_file} never names {fact_id}"


def test_a_fact_id_defined_twice_is_refused_naming_both_labs():
    def fact():
        return 1

    with pytest.raises(ValueError, match="'same' is defined by both app/labs/first and app/labs/second"):
        join_facts({"first": {"same": fact}, "second": {"same": fact}})

"""The claims lesson 5's prose builds on still hold in this torch (the values themselves are computed live)."""

from app.course.facts import FACTS, compute
from app.labs.rebinding.facts import FACTS as REBINDING_FACTS


def test_every_rebinding_fact_is_registered():
    assert set(REBINDING_FACTS) <= set(FACTS)


def test_rebinding_changes_nothing_and_in_place_does():
    assert compute("rebind_leaves_values") == "True"
    assert compute("rebind_p_is_weight") == "False"
    assert compute("zero_in_no_grad_leaves_values") == "False"


def test_errors_are_torchs_words():
    assert (
        compute("in_place_leaf_error") == "a leaf Variable that requires grad is being used in an in-place operation."
    )
    assert "modified by an inplace operation" in compute("backward_after_in_place_error")
    assert "Hint" not in compute("backward_after_in_place_error")


def test_data_assignment_is_invisible_to_autograd():
    before, after = compute("data_version_change").split(" → ")
    assert before == after
    zero_before, zero_after = compute("zero_version_change").split(" → ")
    assert int(zero_after) == int(zero_before) + 1
    assert compute("data_moves_storage") == "True"
    assert compute("grad_after_data_swap") != compute("true_grad_of_w_squared")


def test_replacement_leaves_the_optimizer_with_the_old_object():
    assert compute("replaced_optimizer_holds_new") == "False"
    assert compute("replaced_optimizer_holds_old") == "True"


def test_python_analogy_facts():
    assert compute("python_ints_after_loop") == "[1, 2]"
    assert compute("python_rows_after_loop") == "[[2, 2], [4, 4]]"

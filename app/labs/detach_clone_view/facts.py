"""Facts lesson 8 (detach, clone, view and .data) quotes, computed with the lab's own code."""

from collections.abc import Callable

from app.labs import detach_clone_view as views_lab


def view_outcome(operation: str, question: str, **choices: str) -> object:
    outcome = views_lab.outcome(operation, views_lab.Params(operation=operation, **choices))[0]
    return getattr(outcome, question)


def backward_after(operation: str, question: str) -> object:
    detail = views_lab.run(views_lab.Params(operation=operation, graph="square")).detail
    value = getattr(detail, question)
    return " ".join(value.split()) if isinstance(value, str) else value


FACTS: dict[str, Callable[[], object]] = {
    "views_detach_requires_grad": lambda: view_outcome("detach", "requires_grad"),
    "views_detach_shares_storage": lambda: view_outcome("detach", "same_storage"),
    "views_detach_change_reaches_p": lambda: view_outcome("detach", "parameter_changed"),
    "views_clone_type": lambda: view_outcome("clone", "type_name"),
    "views_clone_grad_fn": lambda: view_outcome("clone", "grad_fn"),
    "views_clone_shares_storage": lambda: view_outcome("clone", "same_storage"),
    "views_clone_change_reaches_p": lambda: view_outcome("clone", "parameter_changed"),
    "views_index_is_leaf": lambda: view_outcome("index", "is_leaf"),
    "views_index_grad_fn": lambda: view_outcome("index", "grad_fn"),
    "views_index_shares_storage": lambda: view_outcome("index", "same_storage"),
    "views_index_in_place_error": lambda: view_outcome("index", "error"),
    "views_index_in_place_no_grad_reaches_p": lambda: view_outcome("index", "parameter_changed", context="no_grad"),
    "views_data_requires_grad": lambda: view_outcome("data", "requires_grad"),
    "views_data_change_reaches_p": lambda: view_outcome("data", "parameter_changed"),
    "views_data_version_after": lambda: view_outcome("data", "p_version_after"),
    "views_detach_version_after": lambda: view_outcome("detach", "p_version_after"),
    "views_detach_backward_error": lambda: backward_after("detach", "backward_error"),
    "views_data_grad_is_right": lambda: backward_after("data", "grad_is_right"),
    "views_detach_clone_shares_storage": lambda: view_outcome("detach_clone", "same_storage"),
}

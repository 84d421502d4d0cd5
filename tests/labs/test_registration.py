"""The registration lab against plain torch: every kind, every operation, the code view, the bounds."""

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.labs.errors import field_errors
from app.labs.registration import Params, run
from app.labs.registration.steps import MAX_STEPS, parse_step


def lab(*steps: str, **pending: str):
    return run(Params.model_validate({"step": list(steps), **pending}))


def names(rows) -> list[str]:
    return [row.name for row in rows]


def shapes(rows) -> dict[str, list[int] | None]:
    return {row.name: row.shape for row in rows}


def torch_views(module: nn.Module) -> dict:
    """Read the same views with plain torch, written independently of the lab."""
    try:
        optimizer_names = [
            n
            for p in torch.optim.SGD(module.parameters(), lr=0.1).param_groups[0]["params"]
            for n, q in module.named_parameters()
            if q is p
        ]
        error = None
    except ValueError as exc:
        optimizer_names, error = [], f"ValueError: {exc}"
    return {
        "parameters_dict": list(module._parameters),
        "named_parameters": {n: list(p.shape) for n, p in module.named_parameters()},
        "buffers": {n: list(b.shape) for n, b in module.named_buffers()},
        "state_dict": list(module.state_dict()),
        "modules": list(module._modules),
        "plain": sorted(set(vars(module)) - set(vars(nn.Module()))),
        "optimizer": optimizer_names,
        "optimizer_error": error,
        "total": sum(p.numel() for p in module.parameters()),
    }


def lab_views(views) -> dict:
    return {
        "parameters_dict": names(views.parameters_dict),
        "named_parameters": shapes(views.named_parameters),
        "buffers": shapes(views.buffers),
        "state_dict": names(views.state_dict),
        "modules": names(views.modules),
        "plain": sorted(names(views.plain_attributes)),
        "optimizer": names(views.optimizer),
        "optimizer_error": views.optimizer_error,
        "total": views.total_parameters,
    }


KIND_CASES = {
    "add:w:param:3,4": lambda m: setattr(m, "w", nn.Parameter(torch.randn(3, 4))),
    "add:w:tensor:3,4": lambda m: setattr(m, "w", torch.randn(3, 4)),
    "add:w:tensor_grad:5": lambda m: setattr(m, "w", torch.randn(5, requires_grad=True)),
    "add:w:buffer:2,2": lambda m: m.register_buffer("w", torch.randn(2, 2)),
    "add:w:buffer_np:2": lambda m: m.register_buffer("w", torch.randn(2), persistent=False),
    "add:w:linear:4,2": lambda m: setattr(m, "w", nn.Linear(4, 2)),
    "add:w:list:3,2": lambda m: setattr(m, "w", [nn.Parameter(torch.randn(2)) for _ in range(3)]),
    "add:w:paramlist:3,2": lambda m: setattr(
        m, "w", nn.ParameterList([nn.Parameter(torch.randn(2)) for _ in range(3)])
    ),
    "add:w:none": lambda m: setattr(m, "w", None),
}


@pytest.mark.parametrize("step", list(KIND_CASES))
def test_every_kind_matches_plain_torch(step):
    result = lab("add:first:param:2", step)
    reference = nn.Module()
    reference.first = nn.Parameter(torch.randn(2))
    KIND_CASES[step](reference)
    assert lab_views(result.steps[-1].views) == torch_views(reference)
    assert result.steps[-1].error is None


def test_the_views_that_teach_the_lesson():
    views = lab("add:w:tensor_grad:3", "add:b:buffer:2", "add:c:buffer_np:2", "add:ps:list:2,3").steps[-1].views
    assert views.named_parameters == [] and views.optimizer == []
    assert views.optimizer_error == "ValueError: optimizer got an empty parameter list"
    assert names(views.state_dict) == ["b"]
    assert [(row.name, row.persistent) for row in views.buffers] == [("b", True), ("c", False)]
    plain = {row.name: row for row in views.plain_attributes}
    assert plain["w"].requires_grad is True and plain["ps"].what.startswith("list")


def test_submodules_and_parameter_lists_get_dotted_names():
    views = lab("add:head:linear:4,2", "add:blocks:paramlist:2,3").steps[-1].views
    assert list(shapes(views.named_parameters)) == ["head.weight", "head.bias", "blocks.0", "blocks.1"]
    assert names(views.modules) == ["head", "blocks"]
    assert views.total_parameters == 4 * 2 + 2 + 2 * 3


def test_assigning_a_tensor_to_a_parameter_name_shows_torchs_type_error():
    reference = nn.Module()
    reference.w = nn.Parameter(torch.randn(3))
    with pytest.raises(TypeError) as raised:
        reference.w = torch.randn(3)
    result = lab("add:w:param:3", "set:w:tensor:3")
    assert result.steps[1].error == f"TypeError: {raised.value}"
    assert result.steps[1].existed is True
    assert lab_views(result.steps[1].views) == lab_views(result.steps[0].views)  # the module is unchanged


@pytest.mark.parametrize(
    "steps, then",
    [
        (("add:w:param:3", "del:w"), lambda m: delattr(m, "w")),
        (("add:w:param:3", "set:w:none"), lambda m: setattr(m, "w", None)),
        (("add:w:buffer:3", "set:w:param:2"), lambda m: setattr(m, "w", nn.Parameter(torch.randn(2)))),
        (("add:w:buffer:3", "set:w:linear:2,2"), lambda m: setattr(m, "w", nn.Linear(2, 2))),
    ],
)
def test_remove_and_reassign_match_plain_torch(steps, then):
    torch.manual_seed(0)
    reference = nn.Module()
    if steps[0].split(":")[2] == "param":
        reference.w = nn.Parameter(torch.randn(3))
    else:
        reference.register_buffer("w", torch.randn(3))
    then(reference)
    assert lab_views(lab(*steps).steps[-1].views) == torch_views(reference)


@pytest.mark.parametrize(
    "steps, error_type",
    [
        (("del:ghost",), "AttributeError"),
        (("add:w:tensor:3", "add:w:buffer:3"), "KeyError"),
        (("add:w:buffer:3", "set:w:list:2,2"), "TypeError"),
        (("add:w:param:3", "set:w:linear:2,2"), "TypeError"),
    ],
)
def test_torchs_other_refusals_are_results(steps, error_type):
    result = lab(*steps)
    assert result.steps[-1].error.startswith(error_type + ":")


def test_changes_are_marked_and_removals_listed():
    result = lab("add:w:param:3", "add:t:tensor:2", "del:w")
    first, second, third = (step.views for step in result.steps)
    assert [row.new for row in first.named_parameters] == [True]
    assert [row.new for row in second.named_parameters] == [False]
    assert [row.new for row in second.plain_attributes] == [True]
    assert third.removed == {
        "parameters_dict": ["w"],
        "named_parameters": ["w"],
        "state_dict": ["w"],
        "optimizer": ["w"],
    }


def test_each_step_names_the_views_it_changed():
    result = lab("add:w:param:3", "add:t:tensor:2", "set:w:tensor:3", "add:b:buffer_np:2", "del:w")
    assert [step.changed for step in result.steps] == [
        ["parameters_dict", "named_parameters", "state_dict", "optimizer"],  # and the optimizer no longer refuses
        ["plain_attributes"],
        [],  # torch refused the TypeError step: nothing changed
        ["buffers"],  # non-persistent, so state_dict is unchanged
        ["parameters_dict", "named_parameters", "state_dict", "optimizer"],
    ]
    for step in result.steps:  # the same rule as the rows' flags and the removed lists
        views = step.views
        expected = [
            view
            for view in (
                "parameters_dict",
                "named_parameters",
                "buffers",
                "state_dict",
                "modules",
                "plain_attributes",
                "optimizer",
            )
            if any(row.new for row in getattr(views, view)) or view in views.removed
        ]
        assert step.changed == expected


def test_the_code_view_builds_the_same_module():
    steps = (
        "add:w:param:3,4",
        "add:t:tensor_grad:3",
        "add:b:buffer_np:2",
        "add:lin:linear:4,2",
        "add:ps:list:2,3",
        "add:pl:paramlist:2,3",
        "set:w:tensor:3",
        "add:r:buffer:2",
        "del:t",
    )
    result = lab(*steps, seed="7")
    namespace: dict = {}
    exec(result.code, namespace)  # the class the page prints, run as the learner would
    module = namespace["m"]
    assert torch_views(module) == lab_views(result.steps[-1].views)
    torch.manual_seed(7)
    assert torch.equal(module.w, nn.Parameter(torch.randn(3, 4)))  # seeded values agree too
    assert "except TypeError as error:" in result.code


@pytest.mark.parametrize("text", [*KIND_CASES, "set:w:tensor:3", "add:w:param:(2, 3)", "del:w"])
def test_the_steps_run_replays_are_the_steps_validation_checked(text):
    params = Params.model_validate({"step": [text]})
    assert params.steps == [parse_step(text)]


def test_the_pending_step_joins_the_list_in_canonical_form():
    params = Params.model_validate(
        {"step": ["add:a:param:2"], "op": "add", "name": " head ", "kind": "linear", "sizes": "(4, 2)"}
    )
    assert params.step == ["add:a:param:2", "add:head:linear:4,2"] and params.name == ""
    assert Params.model_validate({"step": ["add:x:none:3"]}).step == ["add:x:none"]


@pytest.mark.parametrize(
    "raw, field, text",
    [
        ({"step": ["add:w:param:3"] * (MAX_STEPS + 1)}, "step", "20"),
        ({"step": ["add:w:param:3"] * MAX_STEPS, "name": "x"}, "name", "at most 20 steps"),
        ({"name": "1x"}, "name", "not a Python identifier"),
        ({"name": "class"}, "name", "not a Python identifier"),
        ({"name": "_parameters"}, "name", "starting with _"),
        ({"name": "forward"}, "name", "already a method or attribute"),
        ({"name": "training"}, "name", "already a method or attribute"),
        ({"name": "w", "sizes": "99999"}, "sizes", "between 1 and 64"),
        ({"name": "w", "sizes": "64,64,64"}, "sizes", "4096"),
        ({"name": "w", "kind": "linear", "sizes": "65,2"}, "sizes", "between 1 and 64"),
        ({"name": "w", "kind": "linear", "sizes": "4,2,1"}, "sizes", "nn.Linear takes two sizes"),
        ({"name": "w", "kind": "list", "sizes": "9,2"}, "sizes", "count from 1 to 8"),
        ({"step": ["add:w:param"]}, "step.0", "commas"),
        ({"step": ["grow:w:param:3"]}, "step.0", "operation must be one of"),
        ({"step": ["add:w:magic:3"]}, "step.0", "kind must be one of"),
        ({"step": ["add:1w:param:3"]}, "step.0", "not a Python identifier"),
        ({"kind": "magic"}, "kind", ""),
    ],
)
def test_bad_inputs_name_the_field_and_what_is_allowed(raw, field, text):
    with pytest.raises(ValidationError) as raised:
        Params.model_validate(raw)
    errors = field_errors(raised.value)
    assert field in errors, errors
    assert text in errors[field]

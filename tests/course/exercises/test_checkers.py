"""Every exercise in the sandbox: the solution passes, the starter fails with its targeted feedback,
and typical wrong attempts are named by the mistake behind them."""

import pytest

from app.course.exercises import load_exercises
from app.settings import REPO_ROOT

SPECS = load_exercises(REPO_ROOT / "lessons" / "exercises")


def variant(exercise_id: str, base: str, old: str, new: str) -> tuple[str, str]:
    """Return an attempt made from the starter or the solution by one textual change (which must apply)."""
    code = getattr(SPECS[exercise_id], base)
    assert old in code, f"{exercise_id}/{base}.py no longer holds {old!r}"
    return exercise_id, code.replace(old, new)


# attempt name -> ((exercise, code), expected status, expected mistakes, invariants expected to fail)
SCALE_INIT = "        self.scale = nn.Parameter(torch.ones(features))"
ZERO_BODY = "    with torch.no_grad():\n        for p in model.parameters():\n            p.zero_()"
FREEZE_BODY = (
    '    for name, p in lstm.named_parameters():\n        if name.startswith("weight_ih_"):\n'
    "            p.requires_grad_(False)"
)
RENAME_HEAD = '        if key.startswith("classifier."):\n            key = "head." + key.removeprefix("classifier.")'
BUFFER_INIT = '        self.register_buffer("running_mean", torch.zeros(features))'
TIE_LINE = "    model.decoder.weight = model.embedding.weight"
MATERIALIZE_BODY = "    with torch.no_grad():\n        model(torch.zeros(1, in_features))"
ATTEMPTS = {
    "scale starter": (
        ("register_scale", SPECS["register_scale"].starter),
        "failed",
        ["plain_tensor"],
        {"scale_is_parameter", "scale_in_parameters", "changed_by_step"},
    ),
    "scale as buffer": (
        variant(
            "register_scale", "solution", SCALE_INIT, '        self.register_buffer("scale", torch.ones(features))'
        ),
        "failed",
        ["buffer"],
        {"scale_is_parameter", "scale_in_parameters", "grad_after_backward", "changed_by_step"},
    ),
    "scale frozen": (
        variant(
            "register_scale",
            "solution",
            "nn.Parameter(torch.ones(features))",
            "nn.Parameter(torch.ones(features), requires_grad=False)",
        ),
        "failed",
        ["frozen"],
        {"grad_after_backward", "changed_by_step"},
    ),
    "scale unused": (
        variant("register_scale", "solution", "return x * self.scale", "return x * 2.0"),
        "failed",
        ["not_used_in_forward"],
        {"grad_after_backward", "changed_by_step"},
    ),
    "scale before super": (
        variant(
            "register_scale",
            "solution",
            "        super().__init__()\n" + SCALE_INIT,
            SCALE_INIT + "\n        super().__init__()",
        ),
        "code_error",
        ["before_super_init"],
        set(),
    ),
    "scale renamed": (
        ("register_scale", SPECS["register_scale"].solution.replace("Scale", "Scaler")),
        "failed",
        ["no_scale_class"],
        set(),
    ),
    "zero starter": (
        ("zero_parameters", SPECS["zero_parameters"].starter),
        "failed",
        ["rebound"],
        {"all_zero", "version_bumped"},
    ),
    "zero rebinding in no_grad": (
        variant("zero_parameters", "solution", "p.zero_()", "p = torch.zeros(p.shape)"),
        "failed",
        ["rebound"],
        {"all_zero", "version_bumped"},
    ),
    "zero without no_grad": (
        variant("zero_parameters", "solution", ZERO_BODY, "    for p in model.parameters():\n        p.zero_()"),
        "code_error",
        ["leaf_in_place"],
        set(),
    ),
    "zero by replacing": (
        variant(
            "zero_parameters",
            "solution",
            ZERO_BODY,
            "    for module in model.modules():\n"
            "        for name, p in list(module.named_parameters(recurse=False)):\n"
            "            setattr(module, name, nn.Parameter(torch.zeros_like(p)))",
        ),
        "failed",
        ["replaced"],
        {"same_objects", "version_bumped"},
    ),
    "zero through .data": (
        variant("zero_parameters", "solution", "p.zero_()", "p.data = torch.zeros_like(p)"),
        "failed",
        ["data_swap"],
        {"version_bumped"},
    ),
    "zero_grad instead": (
        variant("zero_parameters", "solution", ZERO_BODY, "    model.zero_grad()"),
        "failed",
        ["zero_grad"],
        {"all_zero", "version_bumped"},
    ),
    "freeze starter": (
        ("freeze_lstm_input", SPECS["freeze_lstm_input"].starter),
        "failed",
        ["only_first_layer"],
        {"input_weights_frozen", "frozen_get_no_grad", "frozen_unchanged_by_step"},
    ),
    "freeze forward direction only": (
        variant(
            "freeze_lstm_input",
            "solution",
            FREEZE_BODY,
            '    for k in range(lstm.num_layers):\n        getattr(lstm, f"weight_ih_l{k}").requires_grad_(False)',
        ),
        "failed",
        ["missed_reverse"],
        {"input_weights_frozen", "frozen_get_no_grad", "frozen_unchanged_by_step"},
    ),
    "freeze everything": (
        variant("freeze_lstm_input", "solution", FREEZE_BODY, "    lstm.requires_grad_(False)"),
        "failed",
        ["froze_everything"],
        {"others_trainable", "others_changed_by_step"},
    ),
    "freeze by 'ih' in name": (
        variant("freeze_lstm_input", "solution", 'name.startswith("weight_ih_")', '"ih" in name'),
        "failed",
        ["froze_biases"],
        {"others_trainable", "others_changed_by_step"},
    ),
    "freeze by rebinding": (
        variant("freeze_lstm_input", "solution", "p.requires_grad_(False)", "p = p.detach()"),
        "failed",
        ["nothing_frozen"],
        {"input_weights_frozen", "frozen_get_no_grad", "frozen_unchanged_by_step"},
    ),
    "freeze by assigning a tensor": (
        variant("freeze_lstm_input", "solution", FREEZE_BODY, "    lstm.weight_ih_l0 = lstm.weight_ih_l0.detach()"),
        "code_error",
        ["assigned_tensor"],
        set(),
    ),
    "buffer starter": (
        ("running_mean_buffer", SPECS["running_mean_buffer"].starter),
        "failed",
        ["plain_tensor"],
        {"in_buffers", "in_state_dict", "follows_to"},
    ),
    "buffer as frozen parameter": (
        variant(
            "running_mean_buffer",
            "solution",
            BUFFER_INIT,
            "        self.running_mean = nn.Parameter(torch.zeros(features), requires_grad=False)",
        ),
        "failed",
        ["parameter"],
        {"in_buffers", "not_in_parameters"},
    ),
    "buffer not persistent": (
        variant(
            "running_mean_buffer", "solution", "torch.zeros(features))", "torch.zeros(features), persistent=False)"
        ),
        "failed",
        ["not_persistent"],
        {"in_state_dict"},
    ),
    "tie starter": (
        ("tie_weights", SPECS["tie_weights"].starter),
        "failed",
        ["copied_values"],
        {"same_object", "listed_once", "one_grad_for_both", "tied_after_step"},
    ),
    "tie through .data": (
        variant("tie_weights", "solution", TIE_LINE, "    model.decoder.weight.data = model.embedding.weight.data"),
        "failed",
        ["shared_storage"],
        {"same_object", "listed_once", "one_grad_for_both"},
    ),
    "tie with a new Parameter around the weight": (
        variant("tie_weights", "solution", TIE_LINE, "    model.decoder.weight = nn.Parameter(model.embedding.weight)"),
        "failed",
        ["shared_storage"],
        {"same_object", "listed_once", "one_grad_for_both"},
    ),
    "tie the other way round": (
        variant("tie_weights", "solution", TIE_LINE, "    model.embedding.weight = model.decoder.weight"),
        "failed",
        ["wrong_way"],
        {"keeps_embedding"},
    ),
    "tie a detached tensor": (
        variant("tie_weights", "solution", TIE_LINE, "    model.decoder.weight = model.embedding.weight.detach()"),
        "code_error",
        ["plain_tensor"],
        set(),
    ),
    "tie nothing": (
        variant("tie_weights", "solution", TIE_LINE, "    pass"),
        "failed",
        ["untouched"],
        {"same_object", "listed_once", "one_grad_for_both", "tied_after_step"},
    ),
    "materialize starter": (
        ("materialize_lazy", SPECS["materialize_lazy"].starter),
        "failed",
        ["no_forward"],
        {"none_uninitialized", "first_layer_shape", "all_linear"},
    ),
    "materialize with the wrong size": (
        variant("materialize_lazy", "solution", "torch.zeros(1, in_features)", "torch.zeros(1, 10)"),
        "failed",
        ["wrong_size"],
        {"first_layer_shape"},
    ),
    "materialize with backward": (
        variant(
            "materialize_lazy", "solution", MATERIALIZE_BODY, "    model(torch.zeros(1, in_features)).sum().backward()"
        ),
        "failed",
        ["called_backward"],
        {"no_grad_left"},
    ),
    "materialize by replacing the layers": (
        variant(
            "materialize_lazy",
            "solution",
            MATERIALIZE_BODY,
            "    model[0] = nn.Linear(in_features, 16)\n    model[2] = nn.Linear(16, 4)",
        ),
        "failed",
        ["replaced_layers"],
        {"same_objects"},
    ),
    "materialize counting first": (
        variant(
            "materialize_lazy",
            "solution",
            MATERIALIZE_BODY,
            "    print(sum(p.numel() for p in model.parameters()))\n" + MATERIALIZE_BODY,
        ),
        "code_error",
        ["counted_too_early"],
        set(),
    ),
    "buffer class renamed": (
        ("running_mean_buffer", SPECS["running_mean_buffer"].solution.replace("Centre", "Center")),
        "failed",
        ["no_centre_class"],
        set(),
    ),
    "symmetric starter": (
        ("symmetric_weight", SPECS["symmetric_weight"].starter),
        "failed",
        ["fixed_once"],
        {"parametrized", "optimizer_holds_original", "symmetric_after_steps"},
    ),
    "symmetric but frozen": (
        variant(
            "symmetric_weight",
            "starter",
            "    return layer\n",
            "    layer.requires_grad_(False)\n    return layer\n",
        ),
        "failed",
        ["frozen"],
        {"parametrized", "optimizer_holds_original", "still_trains"},
    ),
    "symmetric parametrization that is not": (
        variant("symmetric_weight", "solution", "return X.triu() + X.triu(1).transpose(-1, -2)", "return X.triu()"),
        "failed",
        ["not_symmetric"],
        {"symmetric_now", "symmetric_after_steps"},
    ),
    "symmetric renamed": (
        ("symmetric_weight", SPECS["symmetric_weight"].solution.replace("make_symmetric", "symmetrize")),
        "failed",
        ["no_function"],
        set(),
    ),
    **{
        f"checkpoint {name}": attempt
        for name, attempt in {
            "starter": (
                ("load_renamed_checkpoint", SPECS["load_renamed_checkpoint"].starter),
                "failed",
                ["raw_keys"],
                {"all_loaded"},
            ),
            "prefix only": (
                variant("load_renamed_checkpoint", "solution", RENAME_HEAD, "        pass"),
                "failed",
                ["prefix_only"],
                {"all_loaded"},
            ),
            "head only": (
                variant(
                    "load_renamed_checkpoint",
                    "solution",
                    '        key = key.removeprefix("module.")\n' + RENAME_HEAD,
                    '        key = key.replace("classifier.", "head.")',
                ),
                "failed",
                ["head_only"],
                {"all_loaded"},
            ),
            "not strict": (
                variant(
                    "load_renamed_checkpoint",
                    "solution",
                    "load_state_dict(renamed)",
                    "load_state_dict(renamed, strict=False)",
                ),
                "failed",
                ["not_strict"],
                {"still_strict"},
            ),
            "strict=False on raw keys": (
                variant(
                    "load_renamed_checkpoint",
                    "starter",
                    "load_state_dict(state)",
                    "load_state_dict(state, strict=False)",
                ),
                "failed",
                ["not_strict"],
                {"all_loaded", "still_strict"},
            ),
            "replaced parameters": (
                variant(
                    "load_renamed_checkpoint",
                    "solution",
                    "    model.load_state_dict(renamed)",
                    "    for key, value in renamed.items():\n"
                    '        layer, name = key.split(".")\n'
                    "        setattr(getattr(model, layer), name, nn.Parameter(value.clone()))\n"
                    "    if len(renamed) < 4:\n"
                    '        raise KeyError("body.bias")',
                ),
                "failed",
                ["replaced_parameters"],
                {"same_objects", "optimizer_still_works"},
            ),
            "renamed function": (
                (
                    "load_renamed_checkpoint",
                    SPECS["load_renamed_checkpoint"].solution.replace("def load_renamed", "def load"),
                ),
                "failed",
                ["no_function"],
                set(),
            ),
        }.items()
    },
}


@pytest.fixture(scope="module")
def outcomes(check_attempts):
    attempts = {f"{ex} solution": (ex, spec.solution) for ex, spec in SPECS.items()}
    attempts.update({name: attempt for name, (attempt, *_rest) in ATTEMPTS.items()})
    return check_attempts(attempts)


def test_every_exercise_is_known_here():
    assert set(SPECS) == {
        "register_scale",
        "zero_parameters",
        "freeze_lstm_input",
        "running_mean_buffer",
        "tie_weights",
        "materialize_lazy",
        "symmetric_weight",
        "load_renamed_checkpoint",
    }


@pytest.mark.parametrize("exercise_id", sorted(SPECS))
def test_the_solution_passes_every_invariant(outcomes, exercise_id):
    outcome = outcomes[f"{exercise_id} solution"]
    assert outcome.status == "passed", outcome
    assert set(outcome.results) == set(SPECS[exercise_id].invariants)
    assert all(ok for ok, _detail in outcome.results.values()) and not outcome.mistakes


@pytest.mark.parametrize("exercise_id", sorted(SPECS))
def test_the_starter_fails_with_a_named_mistake(outcomes, exercise_id):
    outcome = outcomes[
        next(name for name, (attempt, *_r) in ATTEMPTS.items() if attempt == (exercise_id, SPECS[exercise_id].starter))
    ]
    assert outcome.status == "failed" and outcome.mistakes


@pytest.mark.parametrize("name", sorted(ATTEMPTS))
def test_a_typical_wrong_attempt_gets_its_targeted_feedback(outcomes, name):
    _attempt, status, mistakes, failing = ATTEMPTS[name]
    outcome = outcomes[name]
    assert outcome.status == status, outcome
    assert outcome.mistakes == mistakes
    assert {invariant for invariant, (ok, _detail) in outcome.results.items() if not ok} == failing
    assert not outcome.passed


def test_the_errors_trace_points_at_the_learners_own_line(outcomes):
    outcome = outcomes["zero without no_grad"]
    code = ATTEMPTS["zero without no_grad"][0][1]
    line = code.splitlines().index("        p.zero_()") + 1
    assert f'File "<cell>", line {line}, in zero_parameters' in outcome.error
    assert "p.zero_()" in outcome.error and "RuntimeError" in outcome.error
    assert "<check>" not in outcome.error and "__plab_exercise" not in outcome.error

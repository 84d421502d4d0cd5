"""Lab for lesson 5: change a model's parameters in a loop, and see which statements really do.

`for p in model.parameters(): p = torch.zeros(p.shape)` only moves the loop name `p`; in-place
statements change the Parameter the model holds; without torch.no_grad() they raise torch's leaf
error; and replacing a Parameter with setattr leaves an optimizer built earlier holding the old one.
"""

import math
from functools import lru_cache
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from app.i18n import N_
from app.i18n import gettext as _
from app.labs.base import Lab
from app.labs.errors import field_errors
from app.labs.rebinding.statements import LOOP_STATEMENTS, python_analogy, replacement_code, run_loop, run_replacement
from app.labs.zoo import MODELS, LinearBiasParams, LSTMParams, SGEParams, ViTParams, build
from app.pictures.names import Panel, names_picture

ModelId = Literal["linear_bias", "matmul3", "sge", "vit_tokens", "lstm"]
Variant = Literal["rebind", "slice", "zero", "fill", "copy", "add", "data", "replace"]
Context = Literal["no_grad", "normal"]
PREVIEW = 4  # values shown per parameter, before and after
MAX_VALUE = 1000.0

# How the code panel writes each gallery model (the classes live in app/labs/zoo.py).
CONSTRUCTORS = {
    "linear_bias": lambda h: f"LinearBias({h.in_features}, {h.out_features})",
    "matmul3": lambda h: "MatMul3()",
    "sge": lambda h: f"SpatialGroupEnhance({h.groups})",
    "vit_tokens": lambda h: f"ViTTokens({h.num_patches}, {h.dim})",
    "lstm": lambda h: (
        f"nn.LSTM({h.input_size}, {h.hidden_size}, num_layers={h.num_layers}, bidirectional={h.bidirectional})"
    ),
}


def _zoo_field(params: type[BaseModel], name: str):
    """Reuse the gallery's own bounds for a hyper-parameter, so both labs agree."""
    return params.model_fields[name]


@lru_cache(maxsize=256)
def parameter_names(model_id: str, hyper_json: str) -> tuple[str, ...]:
    """List a gallery model's parameter names, building it on the meta device (no memory, no values)."""
    hyper = MODELS[model_id].params.model_validate_json(hyper_json)
    with torch.device("meta"):
        model = MODELS[model_id].build(hyper)
    return tuple(name for name, _ in model.named_parameters())


class Params(BaseModel):
    """Inputs: a gallery model (with its hyper-parameters), the statement, its context and value."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True
    )  # defaults take part in cross-field checks

    model: ModelId = Field("linear_bias", description="Which gallery model to change.")
    variant: Variant = Field(
        "rebind", description="The statement run for every p in model.parameters(), or 'replace' for setattr."
    )
    context: Context = Field("no_grad", description="Run the statement inside torch.no_grad() or normally.")
    value: float = Field(0.5, ge=-MAX_VALUE, le=MAX_VALUE, description="v for fill_, copy_ and the replacement.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before the model is built.")
    in_features: int = _zoo_field(LinearBiasParams, "in_features")
    out_features: int = _zoo_field(LinearBiasParams, "out_features")
    groups: int = _zoo_field(SGEParams, "groups")
    channels: int = _zoo_field(SGEParams, "channels")
    num_patches: int = _zoo_field(ViTParams, "num_patches")
    dim: int = _zoo_field(ViTParams, "dim")
    input_size: int = _zoo_field(LSTMParams, "input_size")
    hidden_size: int = _zoo_field(LSTMParams, "hidden_size")
    num_layers: int = _zoo_field(LSTMParams, "num_layers")
    bidirectional: bool = _zoo_field(LSTMParams, "bidirectional")
    parameter: str = Field(
        "", max_length=100, description="The parameter to picture (and to replace); empty means the first one."
    )

    @field_validator("value", mode="before")
    @classmethod
    def _finite(cls, value):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return value  # pydantic says "must be a number"
        if not math.isfinite(number):
            raise ValueError(
                _("must be a finite number from %(low)s to %(high)s") % {"low": -MAX_VALUE, "high": MAX_VALUE}
            )
        return value

    @field_validator("parameter")
    @classmethod
    def _known_parameter(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        model_id = info.data.get("model")
        if not value or model_id is None:
            return value
        try:
            hyper = _hyper(model_id, info.data)
        except ValidationError:
            return value  # the model validator below reports the hyper-parameter problem
        names = parameter_names(model_id, hyper.model_dump_json())
        if value not in names:
            raise ValueError(
                _("%(model)s has no parameter called “%(name)s”; choose one of: %(names)s")
                % {"model": model_id, "name": value, "names": ", ".join(names)}
            )
        return value

    @field_validator(
        "seed",
        "in_features",
        "out_features",
        "groups",
        "channels",
        "num_patches",
        "dim",
        "input_size",
        "hidden_size",
        "num_layers",
        "bidirectional",
    )
    @classmethod
    def _valid_for_gallery(cls, value, info: ValidationInfo):
        """Run the gallery's own cross-field checks once the chosen model's last field is read,
        so the message lands on that field (e.g. channels that do not divide by groups)."""
        model_id = info.data.get("model")
        if model_id is None or info.field_name != list(MODELS[model_id].params.model_fields)[-1]:
            return value
        values = {**info.data, info.field_name: value}
        if any(name not in values for name in MODELS[model_id].params.model_fields):
            return value  # an earlier field failed and already has its message
        try:
            _hyper(model_id, values)
        except ValidationError as exc:
            raise ValueError("; ".join(field_errors(exc).values())) from None
        return value

    def hyper(self) -> BaseModel:
        """Build the gallery's own hyper-parameter model for the chosen model."""
        return _hyper(self.model, self.model_dump())


def _hyper(model_id: str, values: dict) -> BaseModel:
    hyper_type = MODELS[model_id].params
    return hyper_type(**{name: values[name] for name in hyper_type.model_fields if name in values})


class ParameterValues(BaseModel):
    """One parameter's values before and after, compared by torch, and who holds which object."""

    name: str
    shape: list[int]
    numel: int
    changed: bool = Field(description="not torch.equal(before, after)")
    elements_changed: int = Field(description="(before != after).sum()")
    before: list[float] = Field(description=f"The first {PREVIEW} values, flattened, before the statement.")
    after: list[float] = Field(description="The same positions after it.")
    registered_is_original: bool = Field(description="model.<name> after `is` the Parameter it held before.")
    optimizer_holds_registered: bool = Field(description='opt.param_groups[0]["params"][i] is model.<name>')


class AnalogyCase(BaseModel):
    """A plain-Python loop run for real."""

    code: str
    before: str
    after: str
    changed: bool = Field(description="The list after != a deep copy taken before.")
    name_id_before: int = Field(description="id() of the loop name's object when the first turn starts.")
    name_id_after: int = Field(description="id() of the loop name's object when the first turn ends.")


class Result(BaseModel):
    """What torch did: the verdict, any exception verbatim, values, identities and the picture."""

    code: str = Field(description="The Python the lab ran.")
    statement: str = Field(description="The statement alone.")
    verdict: Literal["changed", "unchanged"] = Field(
        description="Whether any of the model's values differ afterwards (torch.equal)."
    )
    error: str | None = Field(None, description="The exception torch raised, verbatim.")
    error_parameter: str | None = Field(None, description="Whose turn of the loop raised it.")
    pictured: str = Field(description="The parameter whose turn the picture shows.")
    identity_expression: str = Field(description="The identity test read after the statement.")
    identity_after: bool = Field(
        description="Its value: for the loop, p is model.<name>; for setattr, model.<name> is the optimizer's."
    )
    parameters: list[ParameterValues]
    before: Panel
    after: Panel
    picture_svg: str = Field(description="The before/after picture of names and objects, as SVG.")
    analogy: list[AnalogyCase]


def code_for(params: Params, focus: str) -> tuple[str, str]:
    """Write the Python the lab runs for these inputs, and the statement alone."""
    hyper = params.hyper()
    lines = [
        f"torch.manual_seed({params.seed})",
        f"model = {CONSTRUCTORS[params.model](hyper)}  # {params.model}",
        "opt = torch.optim.SGD(model.parameters(), lr=0.1)",
    ]
    indent = ""
    if params.variant == "replace":
        statement = replacement_code(focus, params.value)
    else:
        statement = LOOP_STATEMENTS[params.variant].text(params.value)
        lines.append("for p in model.parameters():")
        indent = "    "
    if params.context == "no_grad":
        lines += [f"{indent}with torch.no_grad():", f"{indent}    {statement}"]
    else:
        lines.append(f"{indent}{statement}")
    return "\n".join(lines), statement


def run(params: Params) -> Result:
    """Build the model and an optimizer, run the chosen statement, and compare before with after."""
    model = build(params.model, params.hyper())
    names = [name for name, _ in model.named_parameters()]
    focus = params.parameter or names[0]
    originals = list(model.parameters())
    values_before = [p.detach().clone() for p in originals]
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    if params.variant == "replace":
        outcome = run_replacement(model, opt, params.value, params.context, focus)
    else:
        outcome = run_loop(model, opt, params.variant, params.value, params.context, focus)
    rows = []
    for index, name in enumerate(names):
        now = model.get_parameter(name).detach()
        before = values_before[index]
        rows.append(
            ParameterValues(
                name=name,
                shape=list(now.shape),
                numel=now.numel(),
                changed=not torch.equal(before, now),
                elements_changed=int((before != now).sum()),
                before=before.flatten()[:PREVIEW].tolist(),
                after=now.flatten()[:PREVIEW].tolist(),
                registered_is_original=model.get_parameter(name) is originals[index],
                optimizer_holds_registered=opt.param_groups[0]["params"][index] is model.get_parameter(name),
            )
        )
    if not params.parameter and not rows[names.index(focus)].changed:
        # The picture defaults to a parameter the statement changed, so it shows what the verdict says.
        changed = next((row.name for row in rows if row.changed), None)
        if changed is not None:
            return run(params.model_copy(update={"parameter": changed}))
    code, statement = code_for(params, focus)
    first, second = outcome.after.names[0], outcome.after.names[1]
    title = _("Names and the objects they point at, before and after %(statement)s") % {"statement": statement}
    labels = {"moved": _("moved"), "new": _("new"), "was": _("was"), "values": _("values")}
    return Result(
        code=code,
        statement=statement,
        verdict="changed" if any(row.changed for row in rows) else "unchanged",
        error=outcome.error,
        error_parameter=outcome.error_parameter,
        pictured=outcome.pictured,
        identity_expression=f"{first.name} is {second.name}",
        identity_after=first.target == second.target,
        parameters=rows,
        before=outcome.before,
        after=outcome.after,
        picture_svg=str(names_picture(outcome.before, outcome.after, title, labels)),
        analogy=[AnalogyCase(**vars(case)) for case in python_analogy()],
    )


LAB = Lab(
    id="rebinding",
    title=N_("Changing parameters safely"),
    summary=N_(
        "Run p = …, p[:] = …, p.zero_(), p.data = … or setattr on a model's parameters and see which really change it."
    ),
    params=Params,
    result=Result,
    run=run,
)

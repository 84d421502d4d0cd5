"""Lab for lesson 6: initialise a model's parameters with a chosen scheme and compare before with after."""

from collections.abc import Callable
from typing import Literal

import torch
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from app.i18n import N_
from app.labs import zoo
from app.labs.base import Lab
from app.labs.initialisation.models import SmallConvNet, init_weights
from app.labs.inspect import TensorSummary, summarize
from app.labs.seeding import seed_cpu
from app.pictures.svg import draw_histogram, histogram_bins

ModelId = Literal["small_convnet", "linear_bias", "matmul3", "sge", "vit_tokens", "lstm"]
Scheme = Literal[
    "modules_loop", "apply_fn", "xavier_uniform", "kaiming_fan_in", "kaiming_fan_out", "normal_001", "zeros", "ones"
]

# How each model is built; the gallery models use their default sizes (see app/labs/zoo.py).
MODEL_CODE = {
    "small_convnet": "SmallConvNet()",
    "linear_bias": "LinearBias(10, 5)",
    "matmul3": "MatMul3()",
    "sge": "SpatialGroupEnhance(8)",
    "vit_tokens": "ViTTokens(16, 64)",
    "lstm": "nn.LSTM(512, 64)",
}

RULE_CODE = """\
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, 0, 0.01)
        if m.bias is not None:
            nn.init.zeros_(m.bias)"""

RULE_TYPES = (nn.Conv2d, nn.BatchNorm2d, nn.Linear)  # the isinstance checks of RULE_CODE, in order

MODULE_SCHEME_CODE = {
    "modules_loop": "for m in model.modules():\n" + RULE_CODE,
    "apply_fn": "def init_weights(m):\n" + RULE_CODE + "\n\nmodel.apply(init_weights)",
}

# Schemes that call one init function on every parameter, whatever module owns it.
PARAMETER_SCHEMES: dict[str, tuple[str, Callable[[torch.Tensor], object]]] = {
    "xavier_uniform": ("nn.init.xavier_uniform_(p)", nn.init.xavier_uniform_),
    "kaiming_fan_in": (
        'nn.init.kaiming_normal_(p, mode="fan_in", nonlinearity="relu")',
        lambda p: nn.init.kaiming_normal_(p, mode="fan_in", nonlinearity="relu"),
    ),
    "kaiming_fan_out": (
        'nn.init.kaiming_normal_(p, mode="fan_out", nonlinearity="relu")',
        lambda p: nn.init.kaiming_normal_(p, mode="fan_out", nonlinearity="relu"),
    ),
    "normal_001": ("nn.init.normal_(p, 0, 0.01)", lambda p: nn.init.normal_(p, 0, 0.01)),
    "zeros": ("nn.init.zeros_(p)", nn.init.zeros_),
    "ones": ("nn.init.ones_(p)", nn.init.ones_),
}


class Params(BaseModel):
    """Inputs of the lab: which model, which initialisation scheme, the seed and the histogram's bins."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: ModelId = Field("small_convnet", description="The model whose parameters are initialised.")
    scheme: Scheme = Field("modules_loop", description="How the parameters are initialised.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before the model is built.")
    bins: int = Field(20, ge=4, le=40, description="Number of histogram bins.")


class Bin(BaseModel):
    left: float
    right: float
    count: int


class ParameterInit(BaseModel):
    """One parameter before and after initialisation, and whether it is still the same object."""

    name: str
    shape: list[int]
    owner: str = Field(description="Type of the module that registered the parameter.")
    before: TensorSummary
    after: TensorSummary
    bins_before: list[Bin]
    bins_after: list[Bin]
    changed: bool = Field(description="not torch.equal(values before, values after)")
    error: str | None = Field(None, description="The exception the init function raised for this parameter, verbatim.")
    id_before: int = Field(description="id(p) before initialisation")
    id_after: int = Field(description="id(p) after initialisation, read again from named_parameters()")
    same_object: bool = Field(description="parameter after is parameter before")
    same_storage: bool = Field(description="data_ptr() after == data_ptr() before")

    def histogram(self, which: Literal["before", "after"], title: str) -> Markup:
        """Draw the before or after histogram as SVG (the bins table is its text alternative)."""
        return draw_histogram([(b.left, b.right, b.count) for b in getattr(self, f"bins_{which}")], title)


class Visit(BaseModel):
    """One module the scheme's loop or apply() visited, in visiting order."""

    name: str = Field(description="Name from named_modules(); empty for the model itself.")
    type_name: str
    branch: str | None = Field(description="The isinstance branch of the rule this module matched, if any.")
    changed: list[str] = Field(description="Its own parameters (recurse=False) whose values this visit changed.")


class Result(BaseModel):
    """The code that ran, the modules it visited, and every parameter before and after."""

    code: str
    visits: list[Visit] | None = Field(None, description="For modules_loop and apply_fn: the visiting order.")
    parameters: list[ParameterInit]
    all_same_objects: bool


def code_for(params: Params) -> str:
    """Write the Python the lab runs for these inputs, so a learner can repeat it."""
    lines = [f"torch.manual_seed({params.seed})", f"model = {MODEL_CODE[params.model]}"]
    if params.scheme in MODULE_SCHEME_CODE:
        return "\n".join(lines) + "\n" + MODULE_SCHEME_CODE[params.scheme]
    call = PARAMETER_SCHEMES[params.scheme][0]
    lines += [
        "for name, p in model.named_parameters():",
        "    try:",
        f"        {call}",
        "    except ValueError as error:",
        "        print(name, error)",
    ]
    return "\n".join(lines)


def build_model(params: Params) -> nn.Module:
    """Build the chosen model, seeded, exactly as MODEL_CODE says."""
    if params.model == "small_convnet":
        seed_cpu(params.seed)
        return SmallConvNet()
    return zoo.build(params.model, zoo.MODELS[params.model].params(seed=params.seed))


def _visit_modules(model: nn.Module, scheme: str) -> list[Visit]:
    """Run init_weights over the modules as the scheme does, recording each visit and what it changed."""
    names = {id(module): name for name, module in model.named_modules()}
    visits: list[Visit] = []

    def recording(module: nn.Module) -> None:
        own = {name: p.detach().clone() for name, p in module.named_parameters(recurse=False)}
        init_weights(module)
        changed = [name for name, p in module.named_parameters(recurse=False) if not torch.equal(p, own[name])]
        branch = next((cls.__name__ for cls in RULE_TYPES if isinstance(module, cls)), None)
        visits.append(Visit(name=names[id(module)], type_name=type(module).__name__, branch=branch, changed=changed))

    if scheme == "modules_loop":
        for module in model.modules():
            recording(module)
    else:
        model.apply(recording)
    return visits


def _owners(model: nn.Module) -> dict[str, str]:
    return {
        f"{prefix}.{name}" if prefix else name: type(module).__name__
        for prefix, module in model.named_modules()
        for name, _p in module.named_parameters(recurse=False)
    }


def run(params: Params) -> Result:
    """Build the model, remember every parameter, initialise with the scheme, and compare."""
    model = build_model(params)
    before = dict(model.named_parameters())
    snapshot = {name: (p.detach().clone(), id(p), p.data_ptr()) for name, p in before.items()}
    errors: dict[str, str] = {}
    visits = None
    if params.scheme in MODULE_SCHEME_CODE:
        visits = _visit_modules(model, params.scheme)
    else:
        init = PARAMETER_SCHEMES[params.scheme][1]
        for name, p in model.named_parameters():
            try:
                init(p)
            except ValueError as exc:  # torch refuses 1-D tensors for fan-based schemes: a real answer
                errors[name] = f"ValueError: {exc}"
    owners = _owners(model)
    rows = []
    for name, p in model.named_parameters():
        values, old_id, old_ptr = snapshot[name]
        rows.append(
            ParameterInit(
                name=name,
                shape=list(p.shape),
                owner=owners[name],
                before=summarize(values),
                after=summarize(p),
                bins_before=[Bin(left=a, right=b, count=c) for a, b, c in histogram_bins(values, params.bins)],
                bins_after=[Bin(left=a, right=b, count=c) for a, b, c in histogram_bins(p, params.bins)],
                changed=not torch.equal(values, p.detach()),
                error=errors.get(name),
                id_before=old_id,
                id_after=id(p),
                same_object=p is before[name],
                same_storage=p.data_ptr() == old_ptr,
            )
        )
    return Result(
        code=code_for(params),
        visits=visits,
        parameters=rows,
        all_same_objects=all(row.same_object for row in rows),
    )


LAB = Lab(
    id="init",
    title=N_("Initialising parameters"),
    summary=N_("Initialise a model with a chosen scheme and compare value histograms before and after."),
    params=Params,
    result=Result,
    run=run,
)

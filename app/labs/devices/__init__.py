"""Lab for lesson 9: convert a small module's dtype or device and see what each tensor in it became."""

import inspect
from functools import cache
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator
from torch import nn

from app.i18n import N_
from app.i18n import gettext as _
from app.labs.base import Lab
from app.labs.seeding import seed_cpu


class Demo(nn.Module):
    """A module with one of each kind of tensor state: a Parameter, two buffers and a plain attribute."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(2, 3))
        self.register_buffer("running_mean", torch.zeros(3))
        self.register_buffer("steps", torch.tensor(0))  # an integer buffer, like BatchNorm's counter
        self.scale = torch.ones(3)  # a plain tensor attribute: neither registered nor saved

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return ((x - self.running_mean) * self.scale) @ self.weight.T


Conversion = Literal["to_float64", "to_float16", "double", "half", "float", "bfloat16", "cpu", "cuda"]
StartDtype = Literal["float32", "float64"]

# The call each conversion makes; the lab runs exactly these on the module.
CONVERSION_CODE: dict[str, str] = {
    "to_float64": "model.to(torch.float64)",
    "to_float16": "model.to(torch.float16)",
    "double": "model.double()",
    "half": "model.half()",
    "float": "model.float()",
    "bfloat16": "model.bfloat16()",
    "cpu": "model.cpu()",
    "cuda": "model.cuda()",
}
APPLY_METHODS = ("to", "cuda", "cpu", "double", "float", "half", "bfloat16")
DEMO_SOURCE = inspect.getsource(Demo)


def gpu_present() -> bool:
    """Ask torch whether this server has a CUDA GPU (asked on every call, never cached)."""
    return torch.cuda.is_available()


class Params(BaseModel):
    """Inputs of the lab: the dtype the module starts in and the conversion applied to it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    conversion: Conversion = Field(
        "to_float64", description="The conversion applied to the module; cuda only when torch reports a GPU."
    )
    start: StartDtype = Field(
        "float32", description="The module's dtype before the conversion (float64 runs model.double() first)."
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before the module is built.")

    @field_validator("conversion")
    @classmethod
    def _cuda_needs_a_gpu(cls, conversion: str) -> str:
        if conversion == "cuda" and not gpu_present():
            raise ValueError(
                _("no GPU is present on this server (torch.cuda.is_available() is False); choose another conversion")
            )
        return conversion

    @computed_field(description="torch.cuda.is_available() on this server, read when the inputs were checked.")
    @property
    def gpu_present(self) -> bool:
        return gpu_present()


class TensorChange(BaseModel):
    """One tensor of the module before and after the conversion."""

    name: str
    kind: Literal["parameter", "buffer", "attribute"]
    type_before: str
    type_after: str
    dtype_before: str
    dtype_after: str
    device_before: str
    device_after: str
    same_object: bool = Field(description="the tensor under this name after `is` the one before")
    same_data_ptr: bool = Field(description="data_ptr() is unchanged: no new memory was allocated")
    requires_grad_after: bool
    max_value_change: float = Field(
        description="max |after - before| over the values, compared in float64: rounding from a new dtype"
    )


class ApplyRoute(BaseModel):
    """Whether one nn.Module conversion method hands its work to Module._apply (read from torch's source)."""

    method: str
    calls_apply: bool


class Result(BaseModel):
    """What every tensor became, whether the call returned the module itself, and the GPU situation."""

    code: str = Field(description="The Python statements the lab ran.")
    module_source: str
    returned_is_model: bool = Field(description="model.<conversion>(...) is model")
    tensors: list[TensorChange]
    gpu_present: bool = Field(description="torch.cuda.is_available()")
    gpu_count: int = Field(description="torch.cuda.device_count()")
    apply_routes: list[ApplyRoute]


def _tensors(model: nn.Module) -> list[tuple[str, str, torch.Tensor]]:
    """List (name, kind, tensor) for every parameter, buffer and plain tensor attribute of the module."""
    found = [(name, "parameter", tensor) for name, tensor in model.named_parameters()]
    found += [(name, "buffer", tensor) for name, tensor in model.named_buffers()]
    # A plain tensor assigned to a Module lands in its __dict__, outside _parameters and _buffers.
    found += [(name, "attribute", value) for name, value in vars(model).items() if isinstance(value, torch.Tensor)]
    return found


def _convert(model: nn.Module, conversion: str) -> nn.Module:
    if conversion == "to_float64":
        return model.to(torch.float64)
    if conversion == "to_float16":
        return model.to(torch.float16)
    return getattr(model, conversion)()


def _type_name(tensor: torch.Tensor) -> str:
    return type(tensor).__name__


def _max_change(before: torch.Tensor, after: torch.Tensor) -> float:
    difference = after.detach().cpu().double() - before.cpu()
    return difference.abs().max().item() if difference.numel() else 0.0


def code_for(params: Params) -> str:
    """Write the Python that the lab runs for these inputs, so a learner can repeat it."""
    lines = [f"torch.manual_seed({params.seed})", "model = Demo()"]
    if params.start == "float64":
        lines.append("model.double()  # the starting dtype")
    lines += [
        "weight, running_mean, scale = model.weight, model.running_mean, model.scale",
        f"returned = {CONVERSION_CODE[params.conversion]}",
        "returned is model, model.weight is weight, model.running_mean is running_mean, model.scale is scale",
    ]
    return "\n".join(lines)


@cache
def calls_apply(method_name: str) -> bool:
    """Tell whether nn.Module.<method_name> is written in terms of self._apply (read from torch's source)."""
    return "self._apply(" in inspect.getsource(getattr(nn.Module, method_name))


def run(params: Params) -> Result:
    """Build the demo module, apply the conversion, and compare every tensor before and after."""
    seed_cpu(params.seed)
    model = Demo()
    if params.start == "float64":
        model.double()
    before = {
        name: (kind, tensor, tensor.data_ptr(), str(tensor.dtype), str(tensor.device), _type_name(tensor))
        for name, kind, tensor in _tensors(model)
    }
    values_before = {name: tensor.detach().double() for name, _kind, tensor in _tensors(model)}
    returned = _convert(model, params.conversion)
    after = {name: tensor for name, _kind, tensor in _tensors(model)}
    changes = [
        TensorChange(
            name=name,
            kind=kind,
            type_before=type_name,
            type_after=_type_name(after[name]),
            dtype_before=dtype,
            dtype_after=str(after[name].dtype),
            device_before=device,
            device_after=str(after[name].device),
            same_object=after[name] is tensor,
            same_data_ptr=after[name].data_ptr() == pointer,
            requires_grad_after=after[name].requires_grad,
            max_value_change=_max_change(values_before[name], after[name]),
        )
        for name, (kind, tensor, pointer, dtype, device, type_name) in before.items()
    ]
    return Result(
        code=code_for(params),
        module_source=DEMO_SOURCE,
        returned_is_model=returned is model,
        tensors=changes,
        gpu_present=gpu_present(),
        gpu_count=torch.cuda.device_count(),
        apply_routes=[ApplyRoute(method=name, calls_apply=calls_apply(name)) for name in APPLY_METHODS],
    )


LAB = Lab(
    id="devices",
    title=N_("Devices and dtypes"),
    summary=N_(
        "Convert a module's dtype or device and see which tensors keep their identity, which move, and which are left behind."
    ),
    params=Params,
    result=Result,
    run=run,
)

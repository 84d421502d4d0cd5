"""Lab for lesson 3 and the /models pages: build a gallery model and report what torch registers.

The lab's inputs are the model's id plus the union of every model's hyper-parameters; only the
chosen model's are used (the others are dropped, so switching models in a form never trips over
a stale value), and the zoo's own Params validate them, cross-field checks included.
"""

from typing import Annotated, Any, Literal

import torch
from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from torch import nn

from app.i18n import N_
from app.i18n import gettext as _
from app.labs.base import Lab
from app.labs.inspect import TensorRow, TensorSummary, buffer_rows, parameter_rows, summarize
from app.labs.zoo import MODELS, build, example_input
from app.pictures.svg import grid_rows, grid_shape, heatmap, is_block_averaged

ModelId = Literal["linear_bias", "matmul3", "sge", "vit_tokens", "lstm"]
assert set(ModelId.__args__) == set(MODELS), "ModelId must list exactly the zoo's models"
HYPER_FIELDS = {
    name: info for model in MODELS.values() for name, info in model.params.model_fields.items() if name != "seed"
}


# torch stacks an LSTM's four gates in one tensor per weight and bias, in this order (nn.LSTM docs:
# W_ii|W_if|W_ig|W_io), so weight_ih_l0 has 4 * hidden_size rows.
GATES = (N_("i: input"), N_("f: forget"), N_("g: cell"), N_("o: output"))
GATED_PREFIXES = ("weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l")


class GateBlock(BaseModel):
    """One gate's rows of an LSTM weight or bias, with their own statistics from torch."""

    gate: str = Field(description="The gate, an English msgid: i: input, f: forget, g: cell, o: output.")
    first_row: int
    last_row: int = Field(description="Inclusive: the block is parameter[first_row:last_row + 1].")
    summary: TensorSummary


class ParameterPicture(BaseModel):
    """One parameter: its named_parameters() row, a value summary, a small table, and a heat map."""

    row: TensorRow
    summary: TensorSummary
    values: list[list[str]] | None = Field(None, description="Every value as text when the tensor is small, else None.")
    block_averages: bool = Field(description="True when the heat map shows averages of blocks of a large tensor.")
    block_rows: float = Field(1.0, description="Values per square of the heat map, down (1 unless averaged).")
    block_cols: float = Field(1.0, description="Values per square of the heat map, across (1 unless averaged).")
    scale: float = Field(0.0, description="The colour bar's ends are +-scale: max |value| of the squares drawn.")
    gates: list[GateBlock] = Field([], description="An LSTM weight's or bias's four gate blocks, in torch's order.")
    drawn_shape: list[int] = Field(description="Rows x columns the picture lays the values out as (before averaging).")
    heatmap_svg: str = Field("", exclude=True, description="The heat map as SVG (HTML pages only).")


class OutputShape(BaseModel):
    label: str = Field(description="Where in the forward's return value: output, output[1][0]...")
    shape: list[int]


class Report(BaseModel):
    """What torch says about one gallery model built with these hyper-parameters."""

    model: str
    title: str
    hyper: dict[str, int | bool] = Field(description="The hyper-parameters used, defaults filled in.")
    source: str = Field(description="The model's Python source.")
    parameters: list[ParameterPicture]
    total: int = Field(description="sum(p.numel() for p in model.parameters())")
    trainable: int = Field(description="The same count over parameters with requires_grad.")
    buffers: list[TensorRow]
    state_dict_keys: list[str]
    input_shape: list[int] = Field(description="Shape of the seeded example input of the forward pass.")
    outputs: list[OutputShape]


def _output_shapes(value: Any, label: str = "output") -> list[OutputShape]:
    if isinstance(value, torch.Tensor):
        return [OutputShape(label=label, shape=list(value.shape))]
    if isinstance(value, (tuple, list)):
        return [shape for i, item in enumerate(value) for shape in _output_shapes(item, f"{label}[{i}]")]
    return []


def gate_blocks(module: nn.Module, name: str, values: torch.Tensor) -> tuple[list[GateBlock], TensorSummary | None]:
    """Split an LSTM's stacked weight or bias (float64) into its four gates' rows, with the whole
    tensor's summary combined from theirs; other parameters have no blocks (and None).

    One call per statistic over a (gates, rest) view, and the whole summary from the blocks' own
    (pooled variance), keeps the LSTM page at one pass over each tensor per statistic.
    """
    if not isinstance(module, nn.LSTM) or not name.startswith(GATED_PREFIXES):
        return [], None
    size = values.shape[0] // len(GATES)
    blocks = values.reshape(len(GATES), -1)
    low, high = blocks.aminmax(dim=1)
    means = blocks.mean(dim=1)
    per_block = blocks.shape[1]
    # as summarize(): a block of one value (hidden_size=1, a bias) has std 0, not NaN
    variances = blocks.var(dim=1) if per_block > 1 else torch.zeros_like(means)
    mean = means.mean()
    squares = (variances * (per_block - 1)).sum() + per_block * ((means - mean) ** 2).sum()
    whole = TensorSummary(
        shape=list(values.shape),
        min=low.min().item(),
        max=high.max().item(),
        mean=mean.item(),
        std=(squares / (values.numel() - 1)).sqrt().item(),
    )
    shape = [size, *values.shape[1:]]
    gates = [
        GateBlock(
            gate=gate,
            first_row=i * size,
            last_row=(i + 1) * size - 1,
            summary=TensorSummary(shape=shape, min=lo, max=hi, mean=block_mean, std=variance**0.5),
        )
        for i, (gate, lo, hi, block_mean, variance) in enumerate(
            zip(GATES, low.tolist(), high.tolist(), means.tolist(), variances.tolist(), strict=True)
        )
    ]
    return gates, whole


def _picture(module: nn.Module, row: TensorRow, parameter: torch.Tensor, draw: bool) -> ParameterPicture:
    values = parameter.detach().double()  # one float64 copy serves the summary, the table and the picture
    gates, gated_summary = gate_blocks(module, row.name, values)
    table = grid_rows(values)
    # A gated bias is drawn as one row per gate, so the picture can label the four blocks.
    drawn_values, labels = (values.reshape(len(GATES), -1), None) if gates and values.dim() == 1 else (values, table)
    bands = [_(gate) for gate in GATES] if gates else ()
    labels = labels if labels is not None else grid_rows(drawn_values)
    drawn = heatmap(drawn_values, row.name, labels=labels, bands=bands) if draw else None
    return ParameterPicture(
        row=row,
        summary=gated_summary or summarize(parameter, float64_values=values),
        values=table,
        block_averages=drawn.block_averages if drawn else is_block_averaged(drawn_values),
        block_rows=drawn.block[0] if drawn else 1.0,
        block_cols=drawn.block[1] if drawn else 1.0,
        scale=drawn.limit if drawn else 0.0,
        gates=gates,
        drawn_shape=list(grid_shape(drawn_values)),
        heatmap_svg=str(drawn.svg) if drawn else "",
    )


def report(model_id: str, hyper: BaseModel, draw: bool = True) -> Report:
    """Build the model (seeded), run it once on its example input, and read every view from torch."""
    module: nn.Module = build(model_id, hyper)
    # Nothing after the build needs autograd. Inference mode is no_grad minus the version counting
    # and view tracking too: every one of the hundred or so small torch calls below costs less.
    with torch.inference_mode():
        sample = example_input(model_id, hyper)
        output = module(sample)
        pictures = [
            _picture(module, row, parameter, draw)
            for row, parameter in zip(parameter_rows(module), module.parameters(), strict=False)
        ]
    return Report(
        model=model_id,
        title=MODELS[model_id].title,
        hyper=hyper.model_dump(exclude={"seed"}),
        source=MODELS[model_id].source(hyper),
        parameters=pictures,
        total=sum(p.numel() for p in module.parameters()),
        trainable=sum(p.numel() for p in module.parameters() if p.requires_grad),
        buffers=buffer_rows(module),
        state_dict_keys=list(module.state_dict()),
        input_shape=list(sample.shape),
        outputs=_output_shapes(output),
    )


class _GalleryParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    model: ModelId = Field("linear_bias", description="Which gallery model to build.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before the model is built.")

    @model_validator(mode="before")
    @classmethod
    def _keep_the_chosen_models_fields(cls, data: Any) -> Any:
        """Drop other models' hyper-parameters and fill in the chosen model's defaults."""
        # A client may send any JSON value as the model ([] or {} are unhashable): only text can name one.
        if not isinstance(data, dict) or not isinstance(model := data.get("model", "linear_bias"), str):
            return data
        if model not in MODELS:
            return data
        fields = MODELS[data.get("model", "linear_bias")].params.model_fields
        kept = {key: value for key, value in data.items() if key not in HYPER_FIELDS or key in fields}
        return {**{name: info.default for name, info in fields.items() if name != "seed"}, **kept}

    @model_validator(mode="wrap")
    @classmethod
    def _check_with_the_zoo(cls, data: Any, handler):
        params = handler(data)
        params.hyper()  # the zoo's cross-field checks (channels divide by groups...) name their field
        return params

    def hyper(self) -> BaseModel:
        """Return the chosen model's own, fully validated hyper-parameters."""
        zoo_params = MODELS[self.model].params
        return zoo_params.model_validate({name: getattr(self, name) for name in zoo_params.model_fields})


def _bounded(info) -> Any:
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


# Each hyper-parameter keeps the zoo's bounds; None means "not used by the chosen model".
Params = create_model(
    "Params",
    __base__=_GalleryParams,
    __doc__="A gallery model's id, seed and hyper-parameters (bounded).",
    **{name: (_bounded(info) | None, Field(None, description=info.description)) for name, info in HYPER_FIELDS.items()},
)


def run(params: _GalleryParams) -> Report:
    """Report on the chosen gallery model built with these hyper-parameters."""
    return report(params.model, params.hyper())


LAB = Lab(
    id="gallery",
    title=N_("Model gallery"),
    summary=N_("Pick a model, change its sizes, and see every parameter torch registers, with its values."),
    params=Params,
    result=Report,
    run=run,
)

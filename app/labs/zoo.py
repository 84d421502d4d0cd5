"""The gallery models of the curriculum, written as ordinary nn.Modules, with bounded hyper-parameters.

Each entry says how to build the model from validated hyper-parameters and how to make a seeded
example input for a forward pass. The source a learner sees is read from this file by `inspect`.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import torch
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from torch import nn

from app.i18n import N_
from app.i18n import gettext as _
from app.labs.seeding import seed_cpu

MAX_PARAMETERS = 2_000_000  # keeps one gallery request in the milliseconds on a classroom server


class LinearBias(nn.Module):
    """A Linear layer plus an extra learnable bias of shape (1, out_features) added in forward."""

    def __init__(self, in_features: int = 10, out_features: int = 5):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.bias = nn.Parameter(torch.randn(1, out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x) + self.bias


class MatMul3(nn.Module):
    """A module whose only parameter is a (3, 3) weight; forward is x @ weight."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(3, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.weight


class SpatialGroupEnhance(nn.Module):
    """Spatial Group Enhance: each channel group re-weights its positions by their agreement with
    the group's global average feature, normalised over positions and gated by a sigmoid."""

    def __init__(self, groups: int = 8):
        super().__init__()
        self.groups = groups
        self.avg_pool = nn.AdaptiveAvgPool2d(1)  # no parameters: a fixed average
        self.weight = nn.Parameter(torch.zeros(1, groups, 1, 1))
        self.bias = nn.Parameter(torch.zeros(1, groups, 1, 1))
        self.sigmoid = nn.Sigmoid()  # no parameters either

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, channels, height, width = x.shape
        grouped = x.reshape(batch * self.groups, channels // self.groups, height, width)
        # How strongly each position agrees with its group's average feature vector.
        agreement = (grouped * self.avg_pool(grouped)).sum(dim=1)
        flat = agreement.reshape(batch * self.groups, height * width)
        flat = (flat - flat.mean(dim=1, keepdim=True)) / (flat.std(dim=1, keepdim=True) + 1e-5)
        attention = flat.reshape(batch, self.groups, height, width) * self.weight + self.bias
        gate = self.sigmoid(attention).reshape(batch * self.groups, 1, height, width)
        return (grouped * gate).reshape(batch, channels, height, width)


class ViTTokens(nn.Module):
    """A ViT embedding head: a learnable class token is prepended to the patch tokens, then a
    learnable position embedding is added to every token."""

    def __init__(self, num_patches: int = 16, dim: int = 64):
        super().__init__()
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim))
        self.pos_embedding = nn.Parameter(torch.randn(1, num_patches + 1, dim))

    def forward(self, patches: torch.Tensor) -> torch.Tensor:
        cls_tokens = self.cls_token.expand(patches.shape[0], -1, -1)
        return torch.cat([cls_tokens, patches], dim=1) + self.pos_embedding


class _Hyper(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before the model is built.")


class LinearBiasParams(_Hyper):
    in_features: int = Field(10, ge=1, le=512)
    out_features: int = Field(5, ge=1, le=512)


class MatMul3Params(_Hyper):
    pass


class SGEParams(_Hyper):
    groups: int = Field(8, ge=1, le=64)
    channels: int = Field(
        32, ge=1, le=256, validate_default=True, description="Channels of the example input; must divide by groups."
    )

    @field_validator("channels")
    @classmethod
    def _channels_divide_by_groups(cls, channels: int, info: ValidationInfo) -> int:
        groups = info.data.get("groups")
        if groups and channels % groups:
            raise ValueError(
                _("channels (%(channels)s) must divide by groups (%(groups)s); try %(suggestion)s channels")
                % {"channels": channels, "groups": groups, "suggestion": max(groups, channels - channels % groups)}
            )
        return channels


class ViTParams(_Hyper):
    num_patches: int = Field(16, ge=1, le=576)
    dim: int = Field(64, ge=1, le=768)


class LSTMParams(_Hyper):
    input_size: int = Field(512, ge=1, le=1024)
    hidden_size: int = Field(64, ge=1, le=512)
    num_layers: int = Field(1, ge=1, le=4)
    bidirectional: bool = False

    @model_validator(mode="after")
    def _bounded_size(self):
        directions = 2 if self.bidirectional else 1
        count = 0
        for layer in range(self.num_layers):
            layer_input = self.input_size if layer == 0 else self.hidden_size * directions
            count += directions * 4 * self.hidden_size * (layer_input + self.hidden_size + 2)
        if count > MAX_PARAMETERS:
            raise ValueError(
                _("this LSTM would have %(count)s parameters; at most %(limit)s are allowed here")
                % {"count": f"{count:,}", "limit": f"{MAX_PARAMETERS:,}"}
            )
        return self


@dataclass(frozen=True)
class ZooModel:
    """Describes one gallery model: its hyper-parameters, how to build it, and an example input."""

    id: str
    title: str  # an English msgid
    params: type[_Hyper]
    build: Callable[[_Hyper], nn.Module]
    example_input: Callable[[_Hyper], torch.Tensor]
    source: Callable[[_Hyper], str]


def _class_source(cls: type) -> Callable[[_Hyper], str]:
    text = inspect.getsource(cls)
    return lambda params: text


def _lstm_source(params: LSTMParams) -> str:
    return (
        f"model = nn.LSTM(input_size={params.input_size}, hidden_size={params.hidden_size}, "
        f"num_layers={params.num_layers}, bidirectional={params.bidirectional})"
    )


MODELS: dict[str, ZooModel] = {
    model.id: model
    for model in (
        ZooModel(
            "linear_bias",
            N_("Linear plus an extra bias"),
            LinearBiasParams,
            lambda p: LinearBias(p.in_features, p.out_features),
            lambda p: torch.randn(4, p.in_features),
            _class_source(LinearBias),
        ),
        ZooModel(
            "matmul3",
            N_("A single 3×3 weight"),
            MatMul3Params,
            lambda p: MatMul3(),
            lambda p: torch.randn(4, 3),
            _class_source(MatMul3),
        ),
        ZooModel(
            "sge",
            N_("Spatial Group Enhance"),
            SGEParams,
            lambda p: SpatialGroupEnhance(p.groups),
            lambda p: torch.randn(2, p.channels, 8, 8),
            _class_source(SpatialGroupEnhance),
        ),
        ZooModel(
            "vit_tokens",
            N_("ViT class token and position embedding"),
            ViTParams,
            lambda p: ViTTokens(p.num_patches, p.dim),
            lambda p: torch.randn(2, p.num_patches, p.dim),
            _class_source(ViTTokens),
        ),
        ZooModel(
            "lstm",
            N_("LSTM"),
            LSTMParams,
            lambda p: nn.LSTM(p.input_size, p.hidden_size, num_layers=p.num_layers, bidirectional=p.bidirectional),
            lambda p: torch.randn(5, 2, p.input_size),
            _lstm_source,
        ),
    )
}


def build(model_id: str, params: _Hyper) -> nn.Module:
    """Build a gallery model with torch seeded from its hyper-parameters (same params, same values)."""
    seed_cpu(params.seed)
    return MODELS[model_id].build(params)


def example_input(model_id: str, params: _Hyper) -> torch.Tensor:
    """Make the model's seeded example input (seeded apart from the weights)."""
    generator_seed = params.seed + 1
    seed_cpu(generator_seed)
    return MODELS[model_id].example_input(params)

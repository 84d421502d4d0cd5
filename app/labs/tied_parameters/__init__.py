"""Lab for lesson 11: tie a decoder's weight to an embedding's (or untie it) and see the names, the
counts, the optimizer's list and the one gradient that both uses fill."""

import inspect
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from torch import nn

from app.i18n import N_
from app.i18n import gettext as _
from app.labs.base import Lab
from app.labs.seeding import seed_cpu

MAX_TOKENS = 12
STEP_LR = 0.1  # one SGD step shows whether the two names still hold the same values afterwards


class TiedLM(nn.Module):
    """Embed tokens, then score every word of the vocabulary with a decoder that shares the embedding's weight."""

    def __init__(self, vocab: int = 5, dim: int = 3):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)  # weight: (vocab, dim)
        self.decoder = nn.Linear(dim, vocab, bias=False)  # weight: (vocab, dim) too
        self.decoder.weight = self.embedding.weight  # weight tying: one Parameter, two uses

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.embedding(tokens))


SOURCE = inspect.getsource(TiedLM)
UNTIE = "model.decoder.weight = nn.Parameter(model.embedding.weight.detach().clone())  # untie: its own copy"


def parse_tokens(text: str, vocab: int) -> list[int]:
    """Read '1,3,3,0' as token ids, enforcing the lab's bounds before torch sees them."""
    parts = [part.strip() for part in text.replace(" ", ",").split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise ValueError(_("write token ids separated by commas, for example 1,3,3,0"))
    tokens = [int(part) for part in parts]
    if not 2 <= len(tokens) <= MAX_TOKENS:
        raise ValueError(_("give between 2 and %(limit)s tokens") % {"limit": MAX_TOKENS})
    if any(token >= vocab for token in tokens):
        raise ValueError(_("each token id must be below the vocabulary size (0 to %(last)s)") % {"last": vocab - 1})
    return tokens


class Params(BaseModel):
    """Inputs of the lab: tied or untied, the sizes of the model, the tokens and the seed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tie: Literal["tied", "untied"] = Field(
        "tied", description="Keep the weight tied, or give the decoder its own copy."
    )
    vocab: int = Field(5, ge=2, le=8, description="Vocabulary size: the rows of the shared weight.")
    dim: int = Field(3, ge=1, le=4, description="Embedding size: the columns of the shared weight.")
    tokens: str = Field(
        "1,3,3,0", max_length=60, description="Token ids, each below vocab; each token predicts the next one."
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before the model is built.")

    @field_validator("tokens")
    @classmethod
    def _check_tokens(cls, value: str, info: ValidationInfo) -> str:
        vocab = info.data.get("vocab")
        if vocab is None:  # the vocabulary size itself was wrong; that error is reported already
            return value
        return ",".join(str(token) for token in parse_tokens(value, vocab))

    @property
    def token_ids(self) -> list[int]:
        return [int(token) for token in self.tokens.split(",")]


class StateRow(BaseModel):
    """One key of state_dict() and which tensor it holds."""

    key: str
    shape: list[int]
    numel: int
    same_storage_as_first: bool = Field(description="data_ptr() equals that of the first key's tensor")


class GradRow(BaseModel):
    """One row of the weight (one token of the vocabulary): its gradient from each use, and in all."""

    token: int
    in_input: bool = Field(description="The token is one of the inputs, so the embedding looked its row up.")
    via_embedding: list[float]
    via_decoder: list[float]
    sum: list[float]
    tied_grad: list[float]


class Result(BaseModel):
    """Names, counts, the optimizer's list, the gradients of both uses and what one step did."""

    source: str
    code: str
    tied: bool
    same_object: bool = Field(description="model.decoder.weight is model.embedding.weight")
    parameter_names: list[str] = Field(description="names from named_parameters()")
    all_names: list[str] = Field(description="names from named_parameters(remove_duplicate=False)")
    state_dict: list[StateRow]
    parameters_numel: int = Field(description="sum(p.numel() for p in model.parameters())")
    state_dict_numel: int = Field(description="sum(t.numel() for t in model.state_dict().values())")
    optimizer_names: list[str] = Field(description="the names of what optimizer.param_groups[0]['params'] holds")
    loss: float
    grads: list[GradRow]
    grad_is_sum: bool = Field(description="torch.allclose(tied .grad, grad via embedding + grad via decoder)")
    max_abs_difference: float
    equal_after_step: bool = Field(description="torch.equal(embedding.weight, decoder.weight) after one SGD step")


def code_for(params: Params) -> str:
    """Write the Python that the lab runs, so a learner can repeat it."""
    lines = [f"torch.manual_seed({params.seed})", f"model = TiedLM(vocab={params.vocab}, dim={params.dim})"]
    if params.tie == "untied":
        lines.append(UNTIE)
    lines += [
        f"optimizer = torch.optim.SGD(model.parameters(), lr={STEP_LR})",
        f"tokens = torch.tensor([{', '.join(map(str, params.token_ids))}])",
        "logits = model(tokens[:-1])  # each token scores the next one",
        "loss = nn.functional.cross_entropy(logits, tokens[1:])",
        "loss.backward()",
        "optimizer.step()",
    ]
    return "\n".join(lines)


def _build(params: Params, tied: bool) -> TiedLM:
    seed_cpu(params.seed)
    model = TiedLM(params.vocab, params.dim)
    if not tied:
        model.decoder.weight = nn.Parameter(model.embedding.weight.detach().clone())
    return model


def _backward(model: TiedLM, tokens: torch.Tensor) -> float:
    loss = nn.functional.cross_entropy(model(tokens[:-1]), tokens[1:])
    loss.backward()
    return loss.item()


def _rows(tensor: torch.Tensor) -> list[list[float]]:
    return tensor.detach().tolist()


def run(params: Params) -> Result:
    """Run the tied and the untied model on the same values; report the chosen one and compare gradients."""
    tokens = torch.tensor(params.token_ids)
    models = {"tied": _build(params, tied=True), "untied": _build(params, tied=False)}
    model = models[params.tie]  # the one the code shows; the other only lends its gradients for comparison
    optimizer = torch.optim.SGD(model.parameters(), lr=STEP_LR)
    names_of: dict[int, list[str]] = {}
    for name, p in model.named_parameters(remove_duplicate=False):
        names_of.setdefault(id(p), []).append(name)
    state = model.state_dict()
    first = next(iter(state.values()))
    losses = {tie: _backward(each, tokens) for tie, each in models.items()}
    via_embedding = models["untied"].embedding.weight.grad
    via_decoder = models["untied"].decoder.weight.grad
    tied_grad = models["tied"].embedding.weight.grad
    total = via_embedding + via_decoder
    optimizer.step()  # changes the chosen model's values, not the gradients read above
    used = set(params.token_ids[:-1])
    return Result(
        source=SOURCE,
        code=code_for(params),
        tied=params.tie == "tied",
        same_object=model.decoder.weight is model.embedding.weight,
        parameter_names=[name for name, _p in model.named_parameters()],
        all_names=[name for name, _p in model.named_parameters(remove_duplicate=False)],
        state_dict=[
            StateRow(
                key=key, shape=list(t.shape), numel=t.numel(), same_storage_as_first=t.data_ptr() == first.data_ptr()
            )
            for key, t in state.items()
        ],
        parameters_numel=sum(p.numel() for p in model.parameters()),
        state_dict_numel=sum(t.numel() for t in state.values()),
        optimizer_names=[" = ".join(names_of[id(p)]) for p in optimizer.param_groups[0]["params"]],
        loss=losses[params.tie],
        grads=[
            GradRow(token=row, in_input=row in used, via_embedding=e, via_decoder=d, sum=s, tied_grad=t)
            for row, (e, d, s, t) in enumerate(
                zip(_rows(via_embedding), _rows(via_decoder), _rows(total), _rows(tied_grad), strict=True)
            )
        ],
        grad_is_sum=torch.allclose(tied_grad, total),
        max_abs_difference=(tied_grad - total).abs().max().item(),
        equal_after_step=torch.equal(model.embedding.weight, model.decoder.weight),
    )


LAB = Lab(
    id="tied_parameters",
    title=N_("Shared and tied parameters"),
    summary=N_(
        "Tie a decoder's weight to an embedding's, or untie it, and see the names, the counts, "
        "the optimizer's list and the gradient of both uses."
    ),
    params=Params,
    result=Result,
    run=run,
)

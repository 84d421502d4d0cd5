"""Replay one history of actions on a freshly built, seeded model with torch, one action at a time."""

import torch
import torch.nn.functional as F

from app.labs.gradients.actions import OPTIMIZERS, SHIFT, Action
from app.labs.gradients.results import Facts, OptimizerState, Snapshot
from app.labs.seeding import seed_cpu
from app.labs.zoo import MODELS, build, example_input


class Replay:
    """Holds the live torch objects while one history is replayed (never kept between requests)."""

    def __init__(self, model_id: str, seed: int):
        hyper = MODELS[model_id].params(seed=seed)
        self.model = build(model_id, hyper)
        self.x = example_input(model_id, hyper)
        with torch.no_grad():
            out_shape = tuple(self.model(self.x).shape)
        seed_cpu(seed + 2)
        self.target = torch.randn(out_shape)
        self.out_shape = out_shape
        self.loss: torch.Tensor | None = None
        self.shift: torch.Tensor | None = None
        self.optimizer: torch.optim.Optimizer | None = None
        self.setup_code = "\n".join(
            [
                f"torch.manual_seed({seed})",
                "model = "
                + (
                    f"LinearBias({hyper.in_features}, {hyper.out_features})"
                    if model_id == "linear_bias"
                    else "MatMul3()"
                ),
                f"torch.manual_seed({seed + 1})",
                f"x = torch.randn{tuple(self.x.shape)}",
                f"torch.manual_seed({seed + 2})",
                f"target = torch.randn{out_shape}",
            ]
        )
        self._read_tensors()

    def _read_tensors(self) -> None:
        """Ask the model which tensors it uses, by name, and which of them model.parameters() yields.

        Read at the start and again after add_tensor, the only action that changes the model's
        attributes: the others change values, grads and flags, never which tensors there are.
        (Reading them at every snapshot walked the module's parameters several times per action.)
        """
        self.named_tensors = list(self.model.named_parameters()) + (
            [(SHIFT, self.shift)] if self.shift is not None else []
        )
        parameters = {id(p) for p in self.model.parameters()}
        self.parameter_flags = [id(tensor) in parameters for _name, tensor in self.named_tensors]
        self.names = {id(tensor): name for name, tensor in self.named_tensors}

    def snapshot(self) -> list[Snapshot]:
        held = (
            None
            if self.optimizer is None
            else {id(p) for group in self.optimizer.param_groups for p in group["params"]}
        )
        return [
            Snapshot(
                name,
                is_parameter,
                t.detach().clone(),
                None if t.grad is None else t.grad.clone(),
                t.requires_grad,
                None if held is None else id(t) in held,
            )
            for (name, t), is_parameter in zip(self.named_tensors, self.parameter_flags)
        ]

    def optimizer_state(self) -> OptimizerState | None:
        if self.optimizer is None:
            return None
        names, held = self.names, [p for group in self.optimizer.param_groups for p in group["params"]]
        state = {names[id(p)]: list(self.optimizer.state[p]) for p in held if self.optimizer.state.get(p)}
        steps = {names[id(p)]: int(s["step"]) for p in held if "step" in (s := self.optimizer.state.get(p, {}))}
        return OptimizerState(
            kind=type(self.optimizer).__name__,
            lr=self.optimizer.param_groups[0]["lr"],
            params=[names[id(p)] for p in held],
            state=state,
            steps=steps,
        )

    def apply(self, action: Action) -> tuple[str, Facts]:
        """Run one action with torch; return the code it ran and what was observed."""
        kind = action.kind
        if kind == "forward":
            prediction = "model(x) + model.shift" if self.shift is not None else "model(x)"
            output = self.model(self.x)
            self.loss = F.mse_loss(output + self.shift if self.shift is not None else output, self.target)
            return f"loss = F.mse_loss({prediction}, target)", Facts(action, loss=self.loss.item())
        if kind == "backward":
            try:
                self.loss.backward()
            except RuntimeError as exc:  # the freed graph is part of the lesson: show torch's words
                return "loss.backward()", Facts(action, error=f"{type(exc).__name__}: {exc}")
            return "loss.backward()", Facts(action)
        if kind == "zero_grad":
            owner = "optimizer" if self.optimizer is not None else "model"
            (self.optimizer or self.model).zero_grad(set_to_none=action.set_to_none)
            return f"{owner}.zero_grad({'' if action.set_to_none else 'set_to_none=False'})", Facts(action)
        if kind == "step":
            return self._step(action)
        if kind in ("freeze", "unfreeze"):
            self.model.get_parameter(action.name).requires_grad_(kind == "unfreeze")
            return f"model.{action.name}.requires_grad_({kind == 'unfreeze'})", Facts(action)
        self.shift = torch.zeros((1,) + self.out_shape[1:], requires_grad=True)
        self.model.shift = self.shift  # a plain attribute: nn.Module registers only Parameters
        self._read_tensors()
        sizes = ", ".join(str(size) for size in self.shift.shape)
        return f"model.{SHIFT} = torch.zeros({sizes}, requires_grad=True)", Facts(action)

    def _step(self, action: Action) -> tuple[str, Facts]:
        cls = getattr(torch.optim, OPTIMIZERS[action.optimizer])
        lines, created, lr_changed = [], False, False
        if self.optimizer is None:
            self.optimizer = cls(self.model.parameters(), lr=action.lr)
            lines.append(f"optimizer = torch.optim.{cls.__name__}(model.parameters(), lr={action.lr!r})")
            created = True
        elif self.optimizer.param_groups[0]["lr"] != action.lr:
            self.optimizer.param_groups[0]["lr"] = action.lr
            lines.append(f'optimizer.param_groups[0]["lr"] = {action.lr!r}')
            lr_changed = True
        self.optimizer.step()
        lines.append("optimizer.step()")
        held = tuple(self.names[id(p)] for group in self.optimizer.param_groups for p in group["params"])
        return "\n".join(lines), Facts(action, optimizer_created=created, optimizer_names=held, lr_changed=lr_changed)

"""Check that load_renamed maps the old checkpoint's keys onto the model and loads every value, strictly."""

INVARIANTS = ("all_loaded", "same_objects", "optimizer_still_works", "still_strict")
MISTAKES = ("no_function", "raw_keys", "prefix_only", "head_only", "not_strict", "replaced_parameters")


def _old_checkpoint():
    import torch
    from torch import nn

    torch.manual_seed(1)
    old = nn.Module()
    old.body, old.classifier = nn.Linear(4, 3), nn.Linear(3, 2)
    return {"module." + key: value for key, value in old.state_dict().items()}


def _model(namespace):
    from torch import nn

    cls = namespace.get("Classifier")
    if isinstance(cls, type) and issubclass(cls, nn.Module):
        return cls()
    model = nn.Module()
    model.body, model.head = nn.Linear(4, 3), nn.Linear(3, 2)
    return model


def check(namespace, report):
    import torch

    load = namespace.get("load_renamed")
    if not callable(load):
        report.mistake("no_function")
        return
    state = _old_checkpoint()
    saved = {key: value.clone() for key, value in state.items()}
    torch.manual_seed(2)
    model = _model(namespace)
    before = dict(model.named_parameters())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    try:
        load(model, state)
    except RuntimeError as exc:  # torch's own refusal: the keys still do not fit, and its message says how
        _diagnose(str(exc), report)
    params = dict(model.named_parameters())
    expected = {name: saved["module." + name.replace("head.", "classifier.")] for name in before}
    loaded = [name for name, p in params.items() if name in expected and torch.equal(p.detach(), expected[name])]
    report.invariant("all_loaded", len(loaded) == len(expected), f"loaded: {loaded}")
    same = all(params.get(name) is p for name, p in before.items())
    report.invariant("same_objects", same, "" if same else "a Parameter was replaced by a new object")
    values = {name: p.detach().clone() for name, p in params.items()}
    sum(p.sum() for p in params.values()).backward()
    optimizer.step()  # built before loading: it must still be updating the model's own Parameters
    moved = [name for name, p in params.items() if not torch.equal(values[name], p.detach())]
    report.invariant("optimizer_still_works", len(moved) == len(params), f"changed by optimizer.step(): {moved}")
    broken = _old_checkpoint()
    del broken["module.body.bias"]
    try:
        load(_model(namespace), broken)
    except Exception as exc:  # a KeyError naming the key is as good a refusal as torch's RuntimeError
        report.invariant("still_strict", "body.bias" in str(exc), f"{type(exc).__name__}: {str(exc).strip()[-80:]}")
    else:
        report.invariant("still_strict", False, "a checkpoint without body.bias loaded without an error")
        report.mistake("not_strict")
    if not same:
        report.mistake("replaced_parameters")


def _diagnose(text, report):
    """Name the mistake from torch's list of unexpected keys: which of the two renamings is missing."""
    if "Unexpected key(s)" not in text:
        return
    unexpected = text.split("Unexpected key(s)")[-1]
    prefixed, old_name = '"module.' in unexpected, "classifier." in unexpected
    if prefixed and old_name:
        report.mistake("raw_keys")
    elif prefixed:
        report.mistake("head_only")
    elif old_name:
        report.mistake("prefix_only")

"""Check that freeze_input_weights(lstm) freezes exactly the weight_ih_* Parameters, in place."""

INVARIANTS = (
    "input_weights_frozen",
    "others_trainable",
    "frozen_get_no_grad",
    "frozen_unchanged_by_step",
    "others_changed_by_step",
    "same_parameters",
)
MISTAKES = (
    "no_function",
    "only_first_layer",
    "missed_reverse",
    "froze_everything",
    "froze_biases",
    "nothing_frozen",
    "assigned_tensor",
)


def check(namespace, report):
    import torch
    from torch import nn

    function = namespace.get("freeze_input_weights")
    if not callable(function):
        report.mistake("no_function")
        return
    torch.manual_seed(0)
    lstm = nn.LSTM(input_size=4, hidden_size=3, num_layers=2, bidirectional=True)
    before = dict(lstm.named_parameters())
    function(lstm)
    params = dict(lstm.named_parameters())
    report.invariant(
        "same_parameters",
        params.keys() == before.keys() and all(params[n] is before[n] for n in before),
        sorted(set(before) - set(params)),
    )
    inputs = [n for n in params if n.startswith("weight_ih_")]
    still = [n for n in inputs if params[n].requires_grad]
    report.invariant("input_weights_frozen", not still, still)
    frozen_others = [n for n in params if n not in inputs and not params[n].requires_grad]
    report.invariant("others_trainable", not frozen_others, frozen_others)
    old = {n: p.detach().clone() for n, p in params.items()}
    output, _ = lstm(torch.randn(5, 2, 4))
    if output.requires_grad:
        output.pow(2).sum().backward()
    with_grad = [n for n in inputs if params[n].grad is not None]
    report.invariant("frozen_get_no_grad", not with_grad, with_grad)
    trainable = [p for p in params.values() if p.requires_grad]
    if trainable:
        torch.optim.SGD(trainable, lr=0.1).step()
    moved = [n for n in inputs if not torch.equal(old[n], params[n].detach())]
    report.invariant("frozen_unchanged_by_step", not moved, moved)
    stuck = [n for n in params if n not in inputs and torch.equal(old[n], params[n].detach())]
    report.invariant("others_changed_by_step", not stuck, stuck)
    if len(still) == len(inputs):
        report.mistake("nothing_frozen")
    elif still and all(n.endswith("_reverse") for n in still):
        report.mistake("missed_reverse")
    elif still:
        report.mistake("only_first_layer")
    if frozen_others and all(n.startswith("bias_ih_") for n in frozen_others):
        report.mistake("froze_biases")
    elif frozen_others:
        report.mistake("froze_everything")


def explain(error, report):
    import torch
    from torch import nn

    try:
        nn.LSTM(2, 1).weight_ih_l0 = torch.zeros(4, 2)
    except TypeError as expected:
        if type(error) is TypeError and str(error).split("'")[0] == str(expected).split("'")[0]:
            report.mistake("assigned_tensor")

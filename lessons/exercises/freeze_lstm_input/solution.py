from torch import nn


def freeze_input_weights(lstm):
    """Freeze every input-to-hidden weight of `lstm` (all layers, both directions); train the rest."""
    for name, p in lstm.named_parameters():
        if name.startswith("weight_ih_"):
            p.requires_grad_(False)


lstm = nn.LSTM(input_size=4, hidden_size=3, num_layers=2, bidirectional=True)
freeze_input_weights(lstm)
for name, p in lstm.named_parameters():
    print(name, p.requires_grad)

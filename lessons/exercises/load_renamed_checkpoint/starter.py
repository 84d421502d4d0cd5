import torch
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(4, 3)
        self.head = nn.Linear(3, 2)

    def forward(self, x):
        return self.head(torch.relu(self.body(x)))


def load_renamed(model, state):
    """Load `state` into `model` and return the model.

    `state` was saved from an older version whose head was called `classifier`, while the model
    was wrapped in nn.DataParallel, so every key starts with "module.".
    """
    model.load_state_dict(state)
    return model


# The keys of such a checkpoint, next to the keys the model expects:
old_keys = ["module.body.weight", "module.body.bias", "module.classifier.weight", "module.classifier.bias"]
print("checkpoint:", old_keys)
print("model:     ", list(Classifier().state_dict()))

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
    """把 `state` 加载进 `model`，并返回这个模型。

    `state` 是从旧版本保存下来的：那时输出层叫 `classifier`，而且模型套在 nn.DataParallel 里，
    所以每个键都以 "module." 开头。
    """
    model.load_state_dict(state)
    return model


# 这种检查点里的键，和模型期望的键并排放在一起：
old_keys = ["module.body.weight", "module.body.bias", "module.classifier.weight", "module.classifier.bias"]
print("检查点：", old_keys)
print("模型：  ", list(Classifier().state_dict()))

from torch import nn


def freeze_input_weights(lstm):
    """冻结 `lstm` 的所有输入到隐藏层的权重（每一层、两个方向都算）；其余参数照常训练。"""
    lstm.weight_ih_l0.requires_grad_(False)


lstm = nn.LSTM(input_size=4, hidden_size=3, num_layers=2, bidirectional=True)
freeze_input_weights(lstm)
for name, p in lstm.named_parameters():
    print(name, p.requires_grad)

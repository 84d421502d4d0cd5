# What does nn.init.xavier_uniform_ do to a Linear layer's 1-D bias?
layer = nn.Linear(4, 3)
try:
    nn.init.xavier_uniform_(layer.bias)
    shown = layer.bias
    answer = "zeros" if not layer.bias.any() else "fills"
except ValueError as exc:
    shown = f"ValueError: {exc}"
    answer = "error"

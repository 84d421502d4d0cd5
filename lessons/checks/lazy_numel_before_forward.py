# What does nn.LazyLinear(3).weight.numel() give before any forward?
layer = nn.LazyLinear(3)
try:
    shown = layer.weight.numel()
    answer = str(shown)
except ValueError as error:
    shown = f"ValueError: {error}"
    answer = "error"

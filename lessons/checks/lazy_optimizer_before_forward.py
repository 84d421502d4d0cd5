# An optimizer built before the first forward: does it hold the weight the layer uses afterwards?
layer = nn.LazyLinear(3)
try:
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
except Exception as error:
    shown = f"{type(error).__name__}: {error}"
    answer = "error"
else:
    layer(torch.randn(2, 4))
    holds = optimizer.param_groups[0]["params"][0] is layer.weight
    shown = f"optimizer holds layer.weight: {holds}; layer.weight.shape: {tuple(layer.weight.shape)}"
    answer = "yes" if holds else "no"

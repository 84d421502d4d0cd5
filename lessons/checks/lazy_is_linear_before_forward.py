# Before any forward, is an nn.LazyLinear already an nn.Linear?
layer = nn.LazyLinear(3)
is_linear = isinstance(layer, nn.Linear)

shown = f"isinstance(layer, nn.Linear): {is_linear}; type(layer).__mro__: {[c.__name__ for c in type(layer).__mro__]}"
answer = str(is_linear)

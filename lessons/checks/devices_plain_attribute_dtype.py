# After model.double(), what dtype does a plain (unregistered) tensor attribute have?
class Scaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(3))
        self.scale = torch.ones(3)  # a plain attribute: neither a Parameter nor a buffer


model = Scaled()
model.double()

shown = f"model.weight.dtype: {model.weight.dtype}, model.scale.dtype: {model.scale.dtype}"
answer = str(model.scale.dtype).removeprefix("torch.")

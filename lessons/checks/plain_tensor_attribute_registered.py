# Does a plain tensor with requires_grad=True, assigned to a Module, appear in named_parameters()?
m = nn.Module()
m.scale = torch.ones(3, requires_grad=True)

names = [name for name, _ in m.named_parameters()]
shown = f"named_parameters() names: {names}"
answer = str("scale" in names)

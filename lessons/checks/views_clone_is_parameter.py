# Is the clone of a Parameter still a Parameter?
p = nn.Parameter(torch.zeros(3))
c = p.clone()

shown = f"type(p.clone()) is {type(c).__name__}, grad_fn is {c.grad_fn.name()}"
answer = str(isinstance(c, nn.Parameter))

# Is a tensor with requires_grad=True a Parameter?
t = torch.zeros(3, requires_grad=True)

shown = isinstance(t, nn.Parameter)
answer = str(isinstance(t, nn.Parameter))

# Does a Parameter created inside torch.no_grad() require grad?
with torch.no_grad():
    p = nn.Parameter(torch.zeros(3))

shown = p.requires_grad
answer = str(p.requires_grad)

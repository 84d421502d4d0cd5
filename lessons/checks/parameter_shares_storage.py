# Does wrapping a tensor in nn.Parameter copy its data?
source = torch.zeros(3)
p = nn.Parameter(source)
with torch.no_grad():
    source[0] = 5.0

shown = p
answer = "changes" if p[0].item() == 5.0 else "unchanged"

# Does an in-place change through p.data bump the Parameter's version counter?
p = nn.Parameter(torch.zeros(3))
before = p._version
p.data.add_(1)
after = p._version

shown = f"p._version before: {before}, after: {after}"
answer = "bumped" if after > before else "same"

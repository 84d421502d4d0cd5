# Does t.to(torch.float64), without assigning the result, change t?
t = torch.zeros(3)
t.to(torch.float64)

shown = t.dtype
answer = str(t.dtype).removeprefix("torch.")

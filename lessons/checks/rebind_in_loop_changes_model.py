# Does `p = torch.zeros(p.shape)` inside a loop over parameters change the model?
model = nn.Linear(3, 2)
before = [p.detach().clone() for p in model.parameters()]
for p in model.parameters():
    with torch.no_grad():
        p = torch.zeros(p.shape)

same = all(torch.equal(b, a) for b, a in zip(before, model.parameters()))
shown = f"torch.equal(before, after) for every parameter: {same}"
answer = "unchanged" if same else "changed"

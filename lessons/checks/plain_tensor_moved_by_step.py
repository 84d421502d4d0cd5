# A plain tensor attribute with requires_grad=True takes part in forward. Does optimizer.step() change it?
model = nn.Linear(3, 1)
model.shift = torch.ones(1, requires_grad=True)  # a plain tensor, not a Parameter
opt = torch.optim.SGD(model.parameters(), lr=0.1)
before = model.shift.detach().clone()
(model(torch.randn(4, 3)) + model.shift).sum().backward()
opt.step()

has_grad = model.shift.grad is not None
moved = not torch.equal(before, model.shift)
shown = f"shift.grad: {model.shift.grad}, changed by step: {moved}"
answer = "moves" if moved else "grad_but_still" if has_grad else "no_grad"

# Does a state_dict() kept in a variable change when the model trains on?
model = nn.Linear(3, 2)
best = model.state_dict()
kept = best["weight"].clone()
with torch.no_grad():
    model.weight.add_(1.0)  # what an optimizer step does: change the Parameter in place

changed = not torch.equal(best["weight"], kept)
shares = best["weight"].data_ptr() == model.weight.data_ptr()
shown = f"best['weight'] changed with the model: {changed}; it shares storage with model.weight: {shares}"
answer = "changes" if changed else "kept"

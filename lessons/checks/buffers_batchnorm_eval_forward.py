# Does a forward pass in eval mode change BatchNorm's running_mean buffer?
bn = nn.BatchNorm1d(3)
bn.eval()
before = bn.running_mean.clone()
bn(torch.randn(16, 3) * 4 + 10)  # a batch whose mean is far from the stored zeros

changed = not torch.equal(before, bn.running_mean)
shown = f"running_mean before: {before}, after: {bn.running_mean}"
answer = "changes" if changed else "unchanged"

# How many learnable numbers do SGE's nn.AdaptiveAvgPool2d(1) and nn.Sigmoid() hold together?
fixed_parts = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Sigmoid())

count = sum(p.numel() for p in fixed_parts.parameters())
shown = f"sum(p.numel() for p in parameters()) = {count}"
answer = str(count) if count in (0, 2) else "per_channel"

# Does torch.load (weights_only=True by default) read a checkpoint that also holds the run's settings?
import argparse
import io

settings = argparse.Namespace(hidden=3, lr=0.1)  # as many training scripts save their args
buffer = io.BytesIO()
torch.save({"model": nn.Linear(3, 3).state_dict(), "args": settings}, buffer)
buffer.seek(0)
try:
    checkpoint = torch.load(buffer)
    answer = "loads" if "args" in checkpoint else "drops_args"
    shown = f"keys: {list(checkpoint)}"
except Exception as exc:
    answer = "raises"
    reason = next((line for line in str(exc).splitlines() if "WeightsUnpickler error" in line), "")
    shown = f"{type(exc).__name__}: {str(exc).split('. ')[0]}. {reason.strip().split(' Please')[0]}"

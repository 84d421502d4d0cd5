"""Warm the sandbox parent before it forks: one thread, torch's lazy parts, common modules.

Everything imported or initialised here is shared copy-on-write by every worker, so a run pays
neither torch's import nor first-use costs, and workers need not read modules from disk later.
"""

PROBE_CODE = "import torch\nlayer = torch.nn.Linear(2, 1)\nlayer(torch.ones(1, 2)).sum().backward()\n'ready'"
# Imported before forking so workers need not read (or, under the file rules, load) them later.
PRELOAD = (
    "math", "cmath", "random", "statistics", "fractions", "decimal", "json", "collections", "itertools",
    "functools", "operator", "re", "string", "textwrap", "pprint", "copy", "dataclasses", "typing", "enum",
    "time", "datetime", "contextlib", "io", "ast", "traceback", "linecache", "numpy", "pickle", "ctypes",
    "ctypes.util", "subprocess", "socket", "threading", "multiprocessing", "signal", "tempfile", "shutil",
    "pathlib", "inspect", "types", "heapq", "bisect", "array", "struct", "hashlib", "base64", "zlib",
    "unicodedata", "weakref", "abc", "warnings", "encodings.idna", "multiprocessing.popen_fork",
    "multiprocessing.pool", "multiprocessing.synchronize", "concurrent.futures", "torch.nn.functional",
    "torch.optim", "torch.nn.init", "torch.nn.utils", "torch.nn.utils.parametrize", "torch.utils.data", "torch.multiprocessing",
    "torch.autograd.functional", "torch.func", "torch.distributions",
)


def warm_up() -> None:
    """Import torch with one thread and touch its lazy parts, so each fork starts warm."""
    import importlib
    import io
    import traceback

    import torch

    torch.set_num_threads(1)  # before any torch work: a forked child of a multi-threaded OpenMP deadlocks
    torch.set_num_interop_threads(1)
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # an optional module (numpy) may be missing; the rest still helps
            pass
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    loss = model(torch.randn(3, 4)).pow(2).mean()
    loss.backward()
    for optimizer in (torch.optim.SGD(model.parameters(), lr=0.1), torch.optim.Adam(model.parameters())):
        optimizer.step()
        optimizer.zero_grad()
    torch.nn.Conv2d(1, 2, 3)(torch.randn(1, 1, 5, 5)).sum().backward()
    torch.nn.LSTM(3, 4)(torch.randn(2, 1, 3))[0].sum().backward()
    print(torch.randn(2, 2), torch.nn.Parameter(torch.zeros(2)), model, file=io.StringIO())
    try:
        compile("1 +", "<cell>", "exec")
    except SyntaxError as exc:
        "".join(traceback.TracebackException.from_exception(exc).format())

"""Warm the sandbox parent before it forks: one thread, torch's lazy parts, common modules.

Everything imported or initialised here is shared copy-on-write by every worker, so a run pays
neither torch's import nor first-use costs, and workers need not read modules from disk later.
"""

PROBE_CODE = "import torch\nlayer = torch.nn.Linear(2, 1)\nlayer(torch.ones(1, 2)).sum().backward()\n'ready'"
# Imported before forking so workers need not read (or, under the file rules, load) them later.
PRELOAD = (
    "math",
    "cmath",
    "random",
    "statistics",
    "fractions",
    "decimal",
    "json",
    "collections",
    "itertools",
    "functools",
    "operator",
    "re",
    "string",
    "textwrap",
    "pprint",
    "copy",
    "dataclasses",
    "typing",
    "enum",
    "time",
    "datetime",
    "contextlib",
    "io",
    "ast",
    "traceback",
    "linecache",
    "numpy",
    "pickle",
    "ctypes",
    "ctypes.util",
    "subprocess",
    "socket",
    "threading",
    "multiprocessing",
    "signal",
    "tempfile",
    "shutil",
    "pathlib",
    "inspect",
    "types",
    "heapq",
    "bisect",
    "array",
    "struct",
    "hashlib",
    "base64",
    "zlib",
    "unicodedata",
    "weakref",
    "abc",
    "warnings",
    "encodings.idna",
    "multiprocessing.popen_fork",
    "multiprocessing.pool",
    "multiprocessing.synchronize",
    "concurrent.futures",
    "torch.nn.functional",
    "torch.optim",
    "torch.nn.init",
    "torch.nn.utils",
    "torch.nn.utils.parametrize",
    "torch.utils.data",
    "torch.multiprocessing",
    "torch.autograd.functional",
    "torch.func",
    "torch.distributions",
)


def warm_up() -> None:
    """Import torch with one thread and touch its lazy parts, so each fork starts warm."""
    import importlib
    import io
    import traceback

    import torch

    from app.runner import registration_tracer as registration

    torch.set_num_threads(1)  # before any torch work: a forked child of a multi-threaded OpenMP deadlocks
    torch.set_num_interop_threads(1)
    registration.install(None, 0)  # wrap nn.Module once here; each worker only points it at its trace
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


MADV_COLLAPSE = 25  # Linux 6.1+: turn a range into transparent huge pages now, whatever the THP setting
HUGE_PAGE = 2 << 20


def use_huge_pages() -> int:
    """Move the warm process's private anonymous memory into 2 MB pages; return how many MB moved.

    A fork copies one page-table entry per 4 kB page it shares: ~55,000 for the ~220 MB warm heap,
    which made a fork ~7-13 ms and a worker's exit as long. With huge pages it copies one entry per
    2 MB (a fork ~1.5 ms); a worker that writes to one still copies only the 4 kB page it touched
    (the kernel splits the mapping, in the worker only). Called once, after warm-up and gc.freeze()
    and before the first fork, so the forker and its workers share the huge pages. Where the kernel
    refuses (before Linux 6.1, or a region it cannot move) memory stays as it was, only slower to fork.
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    moved = 0
    with open("/proc/self/maps") as maps:
        lines = maps.read().splitlines()
    for line in lines:
        fields = line.split()
        start, end = (int(x, 16) for x in fields[0].split("-"))
        name = fields[5] if len(fields) > 5 else ""
        if fields[1] != "rw-p" or name not in ("", "[heap]"):  # private, writable, not a file or a stack
            continue
        for chunk in range(-(-start // HUGE_PAGE) * HUGE_PAGE, end - HUGE_PAGE + 1, HUGE_PAGE):
            if libc.madvise(chunk, HUGE_PAGE, MADV_COLLAPSE) == 0:  # else it stays as it was
                moved += HUGE_PAGE
    return moved >> 20

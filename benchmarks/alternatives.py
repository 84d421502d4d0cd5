"""What a teacher would use instead, measured on the same machine and the same work:
(a) a fresh `python -c "import torch; ..."` process per request, (b) a Jupyter kernel per learner."""

import statistics
import subprocess
import sys
import time

from benchmarks.server import REPO_ROOT, memory_mb

# The same work as the lesson-1 lab request in the load test.
LAB_WORK = (
    "from app.labs.tensor_or_parameter import Params, run\n"
    "result = run(Params(shape='2,3', seed=3, wrapper='parameter', context='no_grad'))\n"
)


def fresh_process(runs: int = 5) -> dict[str, float]:
    """Time a new Python process that imports torch and does the lab's work, as a naive server would."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import torch\n" + LAB_WORK],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )
        timings.append((time.perf_counter() - started) * 1000)
    return {"runs": runs, "p50_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1)}


def jupyter_kernels(kernels: int = 3, cells: int = 50) -> dict[str, float]:
    """Start warm ipykernels (one per learner), time a cell doing the lab's work, read each kernel's memory."""
    from jupyter_client.manager import start_new_kernel

    started = [start_new_kernel(kernel_name="python3", cwd=str(REPO_ROOT)) for _ in range(kernels)]
    try:
        timings = []
        for _manager, client in started:
            client.execute_interactive(
                f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r})\nimport torch\n" + LAB_WORK, timeout=120
            )
        manager, client = started[0]
        for _ in range(cells):
            begin = time.perf_counter()
            client.execute_interactive(LAB_WORK, timeout=60)
            timings.append((time.perf_counter() - begin) * 1000)
        private = [memory_mb(manager.provisioner.process.pid)["server_uss"] for manager, _ in started]
    finally:
        for _manager, client in started:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    per_kernel = statistics.mean(private)
    return {
        "kernels": kernels,
        "cell_p50_ms": round(statistics.median(timings), 2),
        "cell_p99_ms": round(sorted(timings)[int(len(timings) * 0.99) - 1], 2),
        "private_mb_per_kernel": round(per_kernel, 1),
        "private_gb_for_50": round(per_kernel * 50 / 1024, 1),
        "private_gb_for_200": round(per_kernel * 200 / 1024, 1),
    }

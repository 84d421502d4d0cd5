"""The sandbox parent: a warm torch process that keeps a pool of locked-down, single-use workers.

Started by the app (client.py) with a clean environment and one thread for OpenMP/BLAS. It reads
one JSON line of RunnerConfig, then JSON lines {"op": "run", "id": n, "code": "..."} on stdin and
answers JSON lines on stdout: first {"type": "ready", ...} with the layers a probe worker applied,
then {"type": "result", "id": n, ...} per run. It ends, killing its workers, when stdin closes.

It never forks workers itself: a fork of this ~220 MB process blocks for ~6-10 ms, and its loop
has answers to deliver. After warm-up and gc.freeze() it forks one warm copy, the forker
(forker.py), and asks it for workers; each arrives as pipes and a pidfd over a socket, and the
forker reports each worker's wait status when it reaps it. This loop stays single-threaded (forking
from a threaded process is unsafe): it sends code to idle workers, reads answers, enforces the wall
clock and keeps idle + requested workers at the pool size (pool.py). The whole sandbox runs at the
lowest CPU priority (priority.py), so a learner's busy loop never slows a lab page.
"""

import gc
import os
import sys

from app.runner.pool import RESPAWN_AFTER, Pool
from app.runner.priority import lowest_cpu_priority
from app.runner.warmup import use_huge_pages, warm_up

__all__ = ["RESPAWN_AFTER", "main"]


def main() -> None:
    from app.runner.config import RunnerConfig
    from app.runner.lockdown import python_paths

    line = bytearray()
    while not line.endswith(b"\n"):
        chunk = os.read(0, 1)
        if not chunk:
            return
        line += chunk
    config = RunnerConfig.from_json(bytes(line))
    lowest_cpu_priority()  # before the warm-up's threads and the forks: all of them inherit it
    warm_up()
    pool = Pool(config, python_paths())
    gc.collect()
    gc.freeze()  # the forker and workers then never touch these objects for GC: no copy-on-write storms
    pool.huge_pages_mb = use_huge_pages()  # forks (and workers' exits) get ~5x cheaper
    sys.stdout.flush()
    pool.loop()  # forks the forker first


if __name__ == "__main__":
    main()

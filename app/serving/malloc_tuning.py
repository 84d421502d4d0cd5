"""Tell glibc's allocator to keep freed memory for the next request instead of returning it.

A heavy lab request allocates and frees a few MB (an LSTM's weights, float64 copies, pictures). By
default glibc hands freed memory back to the kernel at once and maps it again for the next request:
about 140 page faults, 0.2-0.3 ms of system time per request. Labs are bounded, so the memory kept
is bounded too: at most TRIM_THRESHOLD of free heap per arena, and the arenas are bounded (glibc
makes up to 8 per core, one per thread that meets a busy one: with the route thread pool that was
up to 16 arenas x 32 MB kept, memory that grew for minutes under load and never came back; the GIL
lets one thread allocate at a time anyway). docs/benchmarks.md has both ways.
"""

import ctypes

M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
TRIM_THRESHOLD = 32 * 1024 * 1024  # free heap kept before any is given back
MMAP_THRESHOLD = 16 * 1024 * 1024  # smaller blocks come from the reusable heap, not fresh mappings
ARENA_MAX = 2  # heaps glibc may keep per process (the main one and one for the thread pool)


def keep_freed_memory() -> bool:
    """Set glibc's thresholds for this process (and the workers it forks); False where there is no glibc."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # another C library (e.g. musl): nothing to tune
        return False
    return all(
        mallopt(parameter, value) == 1
        for parameter, value in (
            (M_ARENA_MAX, ARENA_MAX),
            (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
            (M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        )
    )

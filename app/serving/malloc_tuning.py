"""Tell glibc's allocator to keep freed memory for the next request instead of returning it.

A heavy lab request allocates and frees a few MB (an LSTM's weights, float64 copies, pictures). By
default glibc hands freed memory back to the kernel at once and maps it again for the next request:
about 140 page faults, 0.2-0.3 ms of system time per request. Labs are bounded, so the memory kept
is bounded too (at most TRIM_THRESHOLD of free heap per process); docs/benchmarks.md has both ways.
"""

import ctypes

M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 32 * 1024 * 1024  # free heap kept before any is given back
MMAP_THRESHOLD = 16 * 1024 * 1024  # smaller blocks come from the reusable heap, not fresh mappings


def keep_freed_memory() -> bool:
    """Set glibc's thresholds for this process (and the workers it forks); False where there is no glibc."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # another C library (e.g. musl): nothing to tune
        return False
    return mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1

"""The limits and choices the sandbox parent receives from the app (plain data, sent as JSON)."""

import json
from dataclasses import asdict, dataclass, fields

STATUSES = ("ok", "error", "timeout", "memory", "crashed", "refused", "rate_limited")
REQUIRED_LAYERS = ("rlimits", "fds", "env", "uid", "landlock", "seccomp")


@dataclass(frozen=True)
class RunnerConfig:
    """Holds one sandbox's limits; the app builds it from Settings, tests build it directly."""

    time_limit: float = 5.0  # wall-clock seconds per run; the CPU limit is a second above it
    memory_mb: int = 256  # address space a run may add on top of the warm parent's
    output_limit: int = 20_000  # characters of printed output kept per run
    code_limit: int = 20_000  # bytes of source code per run
    pool_size: int = 2  # locked-down workers waiting for code
    max_concurrent: int = 4  # runs executing at once; the rest queue in the parent
    max_queue: int = 64  # runs waiting beyond that are refused as "busy"
    uid: int = 65534  # unprivileged identity a worker drops to when the sandbox runs as root
    gid: int = 65534
    allow_weak: bool = False  # run even when a required layer could not be applied
    file_size_mb: int = 16  # largest file a run may write in its temp dir
    open_files: int = 64  # descriptors a run may hold
    value_limit: int = 4_000  # characters of the last expression's repr
    traceback_limit: int = 8_000  # characters of a traceback
    trace_limit: int = 200  # registration-trace steps kept per run

    @property
    def result_cap(self) -> int:
        """Return the most bytes a worker's JSON answer may take (UTF-8 needs up to 4 per char)."""
        text = self.output_limit + self.value_limit + self.traceback_limit + self.trace_limit * 600
        return 4 * text + 64_000

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> "RunnerConfig":
        data = json.loads(text)
        known = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

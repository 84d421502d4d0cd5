"""Lock a freshly forked worker down before it sees any code, one layer at a time.

Order matters: limits and identity first (while still allowed to change them), then descriptors
and environment, then no_new_privs, Landlock and finally seccomp (which forbids what came before).
Each layer reports itself so the parent can log and expose what is really in force.
"""

import ctypes
import os
import resource
import signal
import sys
import sysconfig

from app.runner import landlock, seccomp
from app.runner.config import RunnerConfig

DEVICES = ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"]
MB = 1024 * 1024
PR_SET_PDEATHSIG = 1


def python_paths() -> list[str]:
    """List the folders of the Python and torch install a worker may read (never the app's own)."""
    install = {sysconfig.get_path(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    install |= {os.path.join(sys.base_prefix, "lib"), os.path.join(sys.base_exec_prefix, "lib")}
    roots = {os.path.realpath(path) for path in install if path}
    extra = {os.path.realpath(p) for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)}
    return sorted(path for path in roots | extra if os.path.isdir(path))


def virtual_size() -> int:
    """Return this process's virtual memory size in bytes (the address-space limit is relative)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit(which: int, value: int, hard: int | None = None) -> None:
    resource.setrlimit(which, (value, value if hard is None else hard))


def set_rlimits(config: RunnerConfig, vsz: int) -> str:
    cpu = int(config.time_limit) + 1
    _limit(resource.RLIMIT_CPU, cpu, cpu + 1)
    _limit(resource.RLIMIT_AS, vsz + config.memory_mb * MB)
    _limit(resource.RLIMIT_FSIZE, config.file_size_mb * MB)
    _limit(resource.RLIMIT_NOFILE, config.open_files)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_NPROC, 0)  # no new processes or threads (ignored for uid 0: see drop_identity)
    _limit(resource.RLIMIT_MSGQUEUE, 0)
    return f"cpu {cpu} s, address space +{config.memory_mb} MB, files {config.file_size_mb} MB, nofile {config.open_files}, nproc 0"


def drop_identity(config: RunnerConfig) -> tuple[bool, str]:
    """Become the unprivileged uid/gid when running as root; say who the worker is now."""
    if os.geteuid() != 0:
        return True, f"already unprivileged (uid {os.geteuid()})"
    os.setgroups([])
    os.setresgid(config.gid, config.gid, config.gid)
    os.setresuid(config.uid, config.uid, config.uid)
    if 0 in os.getresuid() or 0 in os.getresgid():
        return False, "still root after the drop"
    return True, f"uid {config.uid}, gid {config.gid}"


def isolate_descriptors(keep: tuple[int, ...]) -> tuple[bool, str]:
    """Point 0-2 at /dev/null and close every other inherited descriptor except `keep`."""
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    start = 3
    for fd in sorted(set(keep)) + [1 << 20]:  # close_range under the hood: one call per gap
        if fd >= start:
            os.closerange(start, fd)
            start = fd + 1
    return True, "0-2 on /dev/null, all others closed"


def apply_landlock(tmpdir: str, read_only: list[str]) -> tuple[bool, str]:
    abi = landlock.abi_version()
    if abi < 1:
        return False, "not supported by this kernel (needs Linux 5.13+ with Landlock enabled)"
    seccomp.set_no_new_privs()
    landlock.restrict(read_only, [tmpdir], DEVICES, abi)
    return True, f"ABI {abi}: read-only Python/torch install, read-write own temp dir"


def apply_seccomp() -> tuple[bool, str]:
    seccomp.install(seccomp.build_program(os.getpid()))
    return True, "no processes, threads, exec, sockets, signals to others, file-backed code"


def die_with_parent(parent: int, signal_number: int = signal.SIGKILL) -> None:
    """Ask the kernel to signal this process when its parent (for a worker, the forker) dies, so none outlives it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal_number), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(0)


def lockdown(
    config: RunnerConfig, tmpdir: str, keep: tuple[int, ...], read_only: list[str]
) -> dict[str, tuple[bool, str]]:
    """Apply every layer to this process; return name -> (active, detail)."""
    layers: dict[str, tuple[bool, str]] = {}
    parent = os.getppid()

    def layer(name, apply, *args):
        try:
            layers[name] = apply(*args)
        except Exception as exc:  # a missing layer is reported, not fatal: the caller decides
            layers[name] = (False, f"failed: {exc}")

    os.setsid()  # own session and process group: kill(0, ...) reaches nobody else
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized file raises EFBIG instead of killing
    vsz = virtual_size()
    layer("fds", isolate_descriptors, keep)  # before RLIMIT_NOFILE, so no high descriptor survives
    os.environ.clear()  # also clears the C-level environ
    layers["env"] = (not os.environ, "empty")
    layer("rlimits", lambda: (True, set_rlimits(config, vsz)))
    layer("uid", drop_identity, config)
    die_with_parent(parent)  # after the uid change, which would clear the setting
    os.chdir(tmpdir)
    layer("landlock", apply_landlock, tmpdir, read_only)
    layer("seccomp", apply_seccomp)
    return layers

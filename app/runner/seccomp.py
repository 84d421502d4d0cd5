"""Assemble and install the worker's seccomp filter: a classic BPF program built here, by hand.

The filter is a deny-list on top of an architecture check. It refuses, with EPERM so Python raises
a clean PermissionError, everything a cell never needs and an attacker would: new processes and
threads, exec, sockets, other processes' memory and signals, kernel-wide switches (mount, modules,
clocks, keys, bpf, io_uring), System V IPC, and mapping a file as executable code (so a shared
library written or opened after lock-down cannot be loaded). Signals and rlimits may only target
the worker itself; its own pid is written into the program when the worker builds it.
"""

import ctypes
import errno
import struct

from app.runner.syscalls import AUDIT_ARCH, machine, table

# Classic BPF opcodes (linux/bpf_common.h) and seccomp return actions (linux/seccomp.h).
LD_W_ABS, JEQ_K, JGE_K, JSET_K, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
RET_KILL_PROCESS, RET_ALLOW, RET_ERRNO = 0x80000000, 0x7FFF0000, 0x00050000
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
PROT_EXEC, MAP_ANONYMOUS = 0x4, 0x20
X32_SYSCALL_BIT = 0x40000000
# Offsets into struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6];} (little endian).
NR, ARCH = 0, 4


def arg_low(index: int) -> int:
    """Return the offset of the low 32 bits of syscall argument `index` (what int args use)."""
    return 16 + 8 * index


DENIED = (
    # new processes or threads, and exec
    "fork",
    "vfork",
    "clone",
    "execve",
    "execveat",
    # network and local sockets
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    # other processes: memory, debugging, signals by other routes, file descriptors
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_open",
    "pidfd_getfd",
    "pidfd_send_signal",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    "process_madvise",
    "process_mrelease",
    "setpriority",
    "ioprio_set",
    "sched_setaffinity",
    "sched_setscheduler",
    "sched_setparam",
    "sched_setattr",
    "migrate_pages",
    "move_pages",
    # identity
    "setuid",
    "setgid",
    "setreuid",
    "setregid",
    "setresuid",
    "setresgid",
    "setfsuid",
    "setfsgid",
    "setgroups",
    "capset",
    "personality",
    # mounts, namespaces, the machine itself
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "swapon",
    "swapoff",
    "reboot",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "acct",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "iopl",
    "ioperm",
    "quotactl",
    "quotactl_fd",
    "name_to_handle_at",
    "open_by_handle_at",
    "lookup_dcookie",
    "vhangup",
    "uselib",
    "nfsservctl",
    "syslog",
    "remap_file_pages",
    # kernel interfaces with a history of escapes, or that bypass this filter (io_uring)
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "fanotify_init",
    "memfd_secret",
    # System V and POSIX message IPC, shared between processes of a machine
    "shmget",
    "shmat",
    "shmctl",
    "shmdt",
    "msgget",
    "msgsnd",
    "msgrcv",
    "msgctl",
    "semget",
    "semop",
    "semctl",
    "semtimedop",
    "mq_open",
    "mq_unlink",
    "mq_timedsend",
    "mq_timedreceive",
    "mq_notify",
    "mq_getsetattr",
)
LEGACY_ONLY = ("fork", "vfork", "iopl", "ioperm", "uselib")  # x86 calls the generic table lacks
# Signals only to the worker itself (its pid is the first argument of each).
SELF_SIGNALS = ("kill", "tkill", "tgkill")


def _insn(code: int, k: int = 0, jt: int = 0, jf: int = 0) -> tuple[int, int, int, int]:
    return (code, jt, jf, k)


def _guarded(number: int, block: list) -> list:
    """Prefix `block` (which always returns) with 'if nr != number, skip the block'."""
    return [_insn(JEQ_K, number, 0, len(block))] + block


def build_program(own_pid: int, arch: str | None = None) -> list[tuple[int, int, int, int]]:
    """Return the filter as (code, jt, jf, k) instructions for a worker whose pid is own_pid."""
    arch = arch or machine()
    numbers = table(arch)
    deny = _insn(RET_K, RET_ERRNO | errno.EPERM)
    allow = _insn(RET_K, RET_ALLOW)
    program = [
        _insn(LD_W_ABS, ARCH),
        _insn(JEQ_K, AUDIT_ARCH[arch], 1, 0),
        _insn(RET_K, RET_KILL_PROCESS),  # another ABI (e.g. int 0x80 on x86_64): no filter covers it
        _insn(LD_W_ABS, NR),
    ]
    if arch == "x86_64":
        program += [_insn(JGE_K, X32_SYSCALL_BIT, 0, 1), deny]
    # clone3 passes its flags in memory BPF cannot read: ENOSYS makes libc fall back to clone.
    program += _guarded(numbers["clone3"], [_insn(RET_K, RET_ERRNO | errno.ENOSYS)])
    for name in DENIED:
        if name in LEGACY_ONLY and name not in numbers:
            continue  # newer architectures (aarch64) never had it
        program += _guarded(numbers[name], [deny])
    for name in SELF_SIGNALS:
        program += _guarded(
            numbers[name],
            [
                _insn(LD_W_ABS, arg_low(0)),
                _insn(JEQ_K, own_pid, 0, 1),
                allow,
                deny,
            ],
        )
    program += _guarded(
        numbers["prlimit64"],
        [  # pid 0 means "myself"
            _insn(LD_W_ABS, arg_low(0)),
            _insn(JEQ_K, 0, 1, 0),
            _insn(JEQ_K, own_pid, 0, 1),
            allow,
            deny,
        ],
    )
    program += _guarded(
        numbers["mmap"],
        [  # executable mappings only of anonymous memory (JITs)
            _insn(LD_W_ABS, arg_low(2)),
            _insn(JSET_K, PROT_EXEC, 0, 2),
            _insn(LD_W_ABS, arg_low(3)),
            _insn(JSET_K, MAP_ANONYMOUS, 0, 1),
            allow,
            deny,
        ],
    )
    program.append(allow)
    return program


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def set_no_new_privs() -> None:
    """Promise the kernel this process never gains privileges (needed for Landlock and seccomp)."""
    libc = ctypes.CDLL(None, use_errno=True)
    ulong = ctypes.c_ulong
    if libc.prctl(PR_SET_NO_NEW_PRIVS, ulong(1), ulong(0), ulong(0), ulong(0)) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")


def install(program: list[tuple[int, int, int, int]]) -> None:
    """Install the filter on this (single-threaded) process; raise OSError when the kernel refuses."""
    set_no_new_privs()
    libc = ctypes.CDLL(None, use_errno=True)
    raw = b"".join(struct.pack("=HBBI", code, jt, jf, k) for code, jt, jf, k in program)
    buffer = ctypes.create_string_buffer(raw, len(raw))
    fprog = _SockFprog(len(program), ctypes.cast(buffer, ctypes.c_void_p))
    ulong = ctypes.c_ulong
    if libc.prctl(PR_SET_SECCOMP, ulong(SECCOMP_MODE_FILTER), ctypes.byref(fprog), ulong(0), ulong(0)) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")

"""Attack snippets against the sandbox: each must be stopped by a kernel-enforced layer.

Every snippet prints PWNED only if its attack worked, so no result may contain it; each also
states how it must end (status, exception type, or a SAFE marker it prints when refused). All
snippets run concurrently in one sandbox with a 1.5 s limit, so the file takes a few seconds.
"""

import os
import textwrap
import uuid
from dataclasses import dataclass

import pytest

from app.runner.syscalls import machine, table
from app.settings import REPO_ROOT
from tests.runner.conftest import SECRET, TEST_CONFIG, run_many

pytestmark = pytest.mark.sandbox_heavy  # slow: left out of scripts/test --quick

ESCAPE = f"/tmp/plab-escape-{uuid.uuid4().hex}"
REPO_ESCAPE = str(REPO_ROOT / f"plab-escape-{uuid.uuid4().hex}")
NR = table()


@dataclass(frozen=True)
class Attack:
    code: str
    status: str | tuple[str, ...]
    error_type: str | tuple[str, ...] | None = None
    prints: str | None = None  # a marker the snippet prints when the attack was refused


ATTACKS = {
    # --- processes and exec ---
    "os_system": Attack(
        "import os\nrc = os.system('true')\nprint('PWNED' if rc == 0 else 'SAFE')", "ok", prints="SAFE"
    ),
    "subprocess_run": Attack(
        "import subprocess\nsubprocess.run(['/bin/true'])\nprint('PWNED')", "error", "PermissionError"
    ),
    "subprocess_popen_shell": Attack(
        "import subprocess\nsubprocess.Popen('echo hi', shell=True)\nprint('PWNED')", "error", "PermissionError"
    ),
    "os_fork": Attack("import os\npid = os.fork()\nprint('PWNED', pid)", "error", "PermissionError"),
    "posix_spawn": Attack(
        "import os\nos.posix_spawn('/bin/true', ['true'], {})\nprint('PWNED')", "error", "PermissionError"
    ),
    "os_execv": Attack(
        "import os\nos.execv('/bin/sh', ['sh', '-c', 'true'])\nprint('PWNED')", "error", "PermissionError"
    ),
    "torch_multiprocessing": Attack(
        "import torch.multiprocessing as mp\np = mp.get_context('fork').Process(target=print)\np.start()\nprint('PWNED')",
        "error",
        "PermissionError",
    ),
    "multiprocessing_pool": Attack("import multiprocessing\nmultiprocessing.Pool(2)\nprint('PWNED')", "error"),
    "ctypes_raw_clone": Attack(
        f"import ctypes, signal\nlibc = ctypes.CDLL(None)\npid = libc.syscall({NR['clone']}, int(signal.SIGCHLD), 0, 0, 0, 0)\n"
        "print('PWNED' if pid >= 0 else 'SAFE')",
        "ok",
        prints="SAFE",
    ),
    "ctypes_raw_clone3": Attack(
        f"import ctypes\nargs = (ctypes.c_uint64 * 11)()\nargs[4] = 17\nlibc = ctypes.CDLL(None)\n"
        f"pid = libc.syscall({NR['clone3']}, ctypes.byref(args), 88)\nprint('PWNED' if pid >= 0 else 'SAFE')",
        "ok",
        prints="SAFE",
    ),
    "ctypes_execve": Attack(
        "import ctypes\nlibc = ctypes.CDLL(None)\nargv = (ctypes.c_char_p * 2)(b'/bin/true', None)\n"
        "rc = libc.execv(b'/bin/true', argv)\nprint('SAFE' if rc == -1 else 'PWNED')",
        "ok",
        prints="SAFE",
    ),
    "x32_syscall_fork": Attack(
        f"import ctypes\nrc = ctypes.CDLL(None).syscall({NR['clone']} | 0x40000000, 17, 0, 0, 0, 0)\n"
        "print('PWNED' if rc >= 0 else 'SAFE')",
        "ok",
        prints="SAFE",
    ),
    # --- escaping Python-level restrictions ---
    "subclasses_walk_to_popen": Attack(
        "popen = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0]\n"
        "popen(['/bin/true'])\nprint('PWNED')",
        "error",
        "PermissionError",
    ),
    "subclasses_walk_to_os": Attack(
        "w = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'catch_warnings'][0]()\n"
        "os = w._module.__builtins__['__import__']('os')\nprint('PWNED' if os.system('true') == 0 else 'SAFE')",
        "ok",
        prints="SAFE",
    ),
    "torch_load_malicious_pickle": Attack(
        "import pickle, subprocess, torch\nclass Evil:\n    def __reduce__(self):\n"
        "        return (subprocess.check_output, (['id'],))\n"
        "torch.save(Evil(), 'evil.pt')\ntorch.load('evil.pt', weights_only=False)\nprint('PWNED')",
        "error",
        "PermissionError",
    ),
    "torch_load_weights_only_refuses": Attack(
        "import os, torch\nclass Evil:\n    def __reduce__(self):\n        return (os.system, ('true',))\n"
        "torch.save(Evil(), 'evil.pt')\ntorch.load('evil.pt')\nprint('PWNED')",
        "error",
        "UnpicklingError",
    ),
    # --- native code ---
    "cdll_copied_library": Attack(
        "import ctypes, glob, os, shutil, torch\nlib = glob.glob(os.path.join(os.path.dirname(torch.__file__), 'lib', '*.so*'))[0]\n"
        "shutil.copy(lib, 'mine.so')\nctypes.CDLL(os.path.abspath('mine.so'))\nprint('PWNED')",
        "error",
        "OSError",
    ),
    "cdll_system_library": Attack("import ctypes\nctypes.CDLL('libsqlite3.so.0')\nprint('PWNED')", "error", "OSError"),
    "mmap_file_as_code": Attack(
        "import mmap\nwith open('code.bin', 'wb') as f:\n    f.write(b'\\xc3' * 4096)\n"
        "with open('code.bin', 'rb') as f:\n    m = mmap.mmap(f.fileno(), 4096, prot=mmap.PROT_READ | mmap.PROT_EXEC)\nprint('PWNED')",
        "error",
        "PermissionError",
    ),
    "cpp_extension_compile": Attack(
        "from torch.utils import cpp_extension\ncpp_extension.load_inline('evil', cpp_sources='int f() { return 1; }', functions=['f'])\n"
        "print('PWNED')",
        "error",
    ),
    # --- network and the sandbox's own channels ---
    "socket_loopback": Attack(
        "import socket\nsocket.create_connection(('127.0.0.1', 8000), timeout=1)\nprint('PWNED')",
        "error",
        "PermissionError",
    ),
    "socket_unix_pair": Attack("import socket\nsocket.socketpair()\nprint('PWNED')", "error", "PermissionError"),
    "control_channel_via_proc": Attack(
        "import os\nwith open(f'/proc/{os.getppid()}/fd/0', 'wb') as f:\n    f.write(b'{}\\n')\nprint('PWNED')",
        "error",
        "PermissionError",
    ),
    "forker_socket_among_descriptors": Attack(
        "import socket\nfound = []\nfor fd in range(1024):\n    try:\n        found.append(socket.socket(fileno=fd))\n    except OSError:\n        pass\n"
        "print('PWNED', found) if found else print('SAFE')",
        "ok",
        prints="SAFE",
    ),
    "forker_descriptors_via_proc": Attack(
        "import os\nprint(os.listdir(f'/proc/{os.getppid()}/fd'), 'PWNED')", "error", "PermissionError"
    ),
    "forker_memory_via_proc": Attack(
        "import os\nopen(f'/proc/{os.getppid()}/mem', 'rb')\nprint('PWNED')", "error", "PermissionError"
    ),
    "forker_pidfd": Attack("import os\nos.pidfd_open(os.getppid())\nprint('PWNED')", "error", "PermissionError"),
    # The forker (the worker's parent) and the sandbox parent have neighbouring pids: probe them all
    # with signal 0 (harmless if it got through) by both routes; only EPERM from the filter is safe.
    "signal_forker_and_neighbours": Attack(
        f"import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nme, parent = os.getpid(), os.getppid()\nreached = []\n"
        f"for pid in [p for p in range(max(2, parent - 16), parent + 17) if p != me]:\n"
        f"    for rc in (libc.kill(pid, 0), libc.syscall({NR['tgkill']}, pid, pid, 0)):\n"
        f"        if rc == 0 or ctypes.get_errno() != 1:\n            reached.append((pid, rc, ctypes.get_errno()))\n"
        "print('PWNED', reached) if reached else print('SAFE')",
        "ok",
        prints="SAFE",
    ),
    "inherited_descriptors": Attack(
        "import os, stat\nopen_fds = []\nfor fd in range(1024):\n    try:\n        open_fds.append((fd, os.fstat(fd)))\n    except OSError:\n        pass\n"
        "others = [fd for fd, st in open_fds if fd > 2]\nnull = [st.st_rdev == os.makedev(1, 3) for fd, st in open_fds if fd <= 2]\n"
        "pipes = [stat.S_ISFIFO(st.st_mode) for fd, st in open_fds if fd > 2]\n"
        "print('SAFE' if len(others) <= 1 and all(pipes) and null == [True] * 3 else ('PWNED', open_fds))",
        "ok",
        prints="SAFE",
    ),
    # --- files and secrets ---
    "read_etc_passwd": Attack("print(open('/etc/passwd').read()[:40], 'PWNED')", "error", "PermissionError"),
    "list_root_and_home": Attack(
        "import os\nprint(os.listdir('/root'), os.listdir('/home'), 'PWNED')", "error", "PermissionError"
    ),
    "read_app_source": Attack(
        f"print(open({str(REPO_ROOT / 'app' / 'settings.py')!r}).read()[:20], 'PWNED')", "error", "PermissionError"
    ),
    "app_secret_in_environment": Attack(
        f"import os, gc\nfound = os.environ.get('PLAB_SECRET_TEST') or any({SECRET!r} in o for o in gc.get_objects() if isinstance(o, str) and o != {SECRET[:10]!r})\n"
        "print('PWNED' if found else 'SAFE', dict(os.environ))",
        "ok",
        prints="SAFE {}",
    ),
    "parent_environ": Attack(
        "import os\nprint(open(f'/proc/{os.getppid()}/environ').read(), 'PWNED')", "error", "PermissionError"
    ),
    "all_proc_environ": Attack(
        "import glob\nfound = glob.glob('/proc/*/environ')\nprint('SAFE' if not found else 'PWNED')\nopen('/proc/1/environ').read()",
        "error",
        "PermissionError",
        prints="SAFE",
    ),
    "write_outside_tmpdir": Attack(f"open({ESCAPE!r}, 'w').write('x')\nprint('PWNED')", "error", "PermissionError"),
    "write_into_app": Attack(f"open({REPO_ESCAPE!r}, 'w').write('x')\nprint('PWNED')", "error", "PermissionError"),
    "other_workers_dirs": Attack("import os\nprint(os.listdir('..'), 'PWNED')", "error", "PermissionError"),
    "dev_shm": Attack(
        "open('/dev/shm/plab', 'w').write('x')\nprint('PWNED')", "error", ("PermissionError", "FileNotFoundError")
    ),
    # --- other processes ---
    "kill_parent": Attack("import os\nos.kill(os.getppid(), 9)\nprint('PWNED')", "error", "PermissionError"),
    "kill_everyone": Attack("import os\nos.kill(-1, 9)\nprint('PWNED')", "error", "PermissionError"),
    "kill_process_group": Attack(
        "import os\nos.killpg(os.getpgid(os.getppid()), 9)\nprint('PWNED')", "error", "PermissionError"
    ),
    "ptrace_parent": Attack(
        "import ctypes, os\nrc = ctypes.CDLL(None).ptrace(16, os.getppid(), 0, 0)\nprint('PWNED' if rc == 0 else 'SAFE')",
        "ok",
        prints="SAFE",
    ),
    "setuid_root": Attack("import os\nos.setuid(0)\nprint('PWNED')", "error", "PermissionError"),
    "unshare_user_namespace": Attack(
        "import ctypes\nrc = ctypes.CDLL(None).unshare(0x10000000)\nprint('PWNED' if rc == 0 else 'SAFE')",
        "ok",
        prints="SAFE",
    ),
    "io_uring": Attack(
        f"import ctypes\nparams = ctypes.create_string_buffer(120)\nfd = ctypes.CDLL(None).syscall({NR['io_uring_setup']}, 4, params)\n"
        "print('PWNED' if fd >= 0 else 'SAFE')",
        "ok",
        prints="SAFE",
    ),
    # --- bombs ---
    "fork_bomb": Attack("import os\nwhile True:\n    os.fork()", "error", "PermissionError"),
    "thread_bomb": Attack(
        "import threading, time\nwhile True:\n    threading.Thread(target=time.sleep, args=(100,)).start()",
        "error",
        "RuntimeError",
    ),
    "memory_bomb_bytes": Attack("x = bytearray(10 ** 10)\nprint('PWNED')", "memory", "MemoryError"),
    "memory_bomb_torch": Attack("import torch\nx = torch.zeros(10 ** 10)\nprint('PWNED')", "memory", "RuntimeError"),
    "memory_bomb_growing": Attack(
        "chunks = []\nwhile True:\n    chunks.append(bytearray(10 ** 6))", "memory", "MemoryError"
    ),
    "cpu_bomb": Attack("while True:\n    pass", "timeout"),
    "output_flood_loop": Attack("while True:\n    print('spam' * 100)", "timeout"),
    "recursion_bomb": Attack("def f():\n    return f()\nf()", "error", "RecursionError"),
    "deep_recursion_bomb": Attack(
        "import sys\nsys.setrecursionlimit(10 ** 8)\ndef f(n):\n    return f(n + 1)\nf(0)",
        ("crashed", "error", "memory", "timeout"),
    ),
    "sleep_forever": Attack("import time\ntime.sleep(10 ** 6)", "timeout"),
    "wait_forever": Attack("import signal\nsignal.pause()", "timeout"),
    "segfault": Attack("import ctypes\nctypes.string_at(0)", "crashed"),
}
if machine() == "x86_64":
    # A 32-bit system call (int 0x80) from 64-bit code would dodge a filter that only knows x86_64 numbers.
    ATTACKS["int80_compat_syscall"] = Attack(
        textwrap.dedent("""\
        import ctypes, mmap
        code = b'\\xb8\\x02\\x00\\x00\\x00\\xcd\\x80\\xc3'  # mov eax, 2 (fork, i386); int 0x80; ret
        page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        page.write(code)
        address = ctypes.addressof(ctypes.c_char.from_buffer(page))
        print('PWNED', ctypes.CFUNCTYPE(ctypes.c_int)(address)())
    """),
        "crashed",
    )


@pytest.fixture(scope="module")
def results(sandbox):
    return run_many(sandbox, {name: attack.code for name, attack in ATTACKS.items()})


def test_the_corpus_is_large_enough():
    assert len(ATTACKS) >= 30


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_is_stopped(results, name):
    attack, result = ATTACKS[name], results[name]
    shown = f"{name}: {result}"
    assert "PWNED" not in (result.get("stdout") or "") + (result.get("value") or ""), shown
    statuses = attack.status if isinstance(attack.status, tuple) else (attack.status,)
    assert result["status"] in statuses, shown
    if attack.error_type:
        expected = attack.error_type if isinstance(attack.error_type, tuple) else (attack.error_type,)
        assert result["error_type"] in expected, shown
    if attack.prints:
        assert attack.prints in result["stdout"], shown


def test_nothing_escaped_to_the_host(results):
    assert not os.path.exists(ESCAPE)
    assert not os.path.exists(REPO_ESCAPE)


def test_limits_say_what_stopped_the_run(results):
    assert results["cpu_bomb"]["reason"] == "wall"
    assert results["cpu_bomb"]["duration_ms"] >= TEST_CONFIG.time_limit * 1000
    assert results["segfault"]["detail"] == "SIGSEGV"
    flood = results["output_flood_loop"]
    assert flood["stdout"].startswith("spam") and len(flood["stdout"]) <= TEST_CONFIG.output_limit


def test_an_output_flood_is_cut_with_a_note(sandbox):
    result = run_many(sandbox, {"flood": "print('x' * 10 ** 7)\n'done'"})["flood"]
    assert result["status"] == "ok" and result["value"] == "'done'"
    assert result["stdout_truncated"] and len(result["stdout"]) == TEST_CONFIG.output_limit
    assert result["stdout_chars"] == 10**7 + 1


def test_the_sandbox_survives_the_corpus(results, sandbox):
    assert sandbox.state == "ready"
    after = run_many(sandbox, {"after": "import torch\ntorch.ones(2).sum().item()"})["after"]
    assert after["status"] == "ok" and after["value"] == "2.0"


def test_every_required_layer_is_active(sandbox):
    assert sandbox.missing == []
    assert set(sandbox.layers) == {"rlimits", "fds", "env", "uid", "landlock", "seccomp"}

"""The fork server ("forker"): a warm copy of the sandbox parent whose only job is to fork workers.

A fork of the warm parent (~220 MB of torch) blocks the forking process: ~7-13 ms with 4 kB pages,
~1.5-3 ms once warmup.use_huge_pages() has run. Done by the parent itself, every refill delayed the
answers and dispatches waiting on its loop. So the parent forks this process once, after warm-up,
gc.freeze() and the move to huge pages, and asks it for workers over a socketpair; the forker pays
for the forks on its own time (and core) and hands each worker over, locking itself down.

Messages are JSON, one per SOCK_SEQPACKET datagram:
  parent -> forker  {"op": "spawn", "count": n}   fork n more workers
                    {"op": "kill", "id": n}       SIGKILL worker n (only used when there is no pidfd)
  forker -> parent  {"op": "worker", "id": n, "pid": p, "tmpdir": d} with the descriptors
                        [code_w, result_r] and, when the kernel allows pidfd_open, the worker's pidfd
                    {"op": "failed", "error": "..."}   a requested worker could not be made
                    {"op": "exit", "id": n, "pid": p, "status": s}   a worker ended (wait status)
Worker ids are the forker's own serial numbers: unlike pids they are never reused, so a late kill
request can only ever reach the worker it was meant for.

The forker reaps its workers and removes their temp dirs. It ends when the parent closes the
socket or dies (PR_SET_PDEATHSIG sends it SIGTERM), killing its workers on the way out; workers in
turn die with it (lockdown sets their own death signal). It holds no descriptor of the parent's but
stderr and its socket, and its workers close even those before they lock down.
"""

import gc
import json
import os
import selectors
import shutil
import signal
import socket
import tempfile
import time
import traceback

from app.runner.lockdown import die_with_parent
from app.runner.worker import serve

MAX_MESSAGE = 4096
PR_SET_NAME = 15


class Stop(Exception):
    """Raised by the SIGTERM handler (the parent died): leave the loop and clean up."""


def _stop(*_):
    raise Stop()


def start(config, read_only: list[str], base: str) -> tuple[int, socket.socket]:
    """Fork the forker from the warm parent; return its pid and the parent's end of the socket."""
    parent_end, forker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, not even for a moment
            parent_end.close()
            Forker(config, read_only, base, forker_end, parent).loop()
        except Stop:  # the parent died before the loop began
            pass
        except BaseException:  # a bug: leave a trace
            traceback.print_exc()
        finally:
            os._exit(0)
    forker_end.close()
    return pid, parent_end


def _isolate(keep: int) -> None:
    """Put 0 and 1 on /dev/null (the app must see the parent's stdout close) and close all but stderr and `keep`."""
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.closerange(3, keep)  # close_range under the hood: two calls
    os.closerange(keep + 1, 1 << 20)


def _name_process(name: bytes) -> None:
    """Call this process `name` in ps and top (its command line stays the parent's)."""
    import ctypes

    ctypes.CDLL(None).prctl(PR_SET_NAME, ctypes.c_char_p(name), 0, 0, 0)


class Forker:
    """Forks workers on request, hands their pipes to the parent, reaps them and reports their ends."""

    def __init__(self, config, read_only: list[str], base: str, sock: socket.socket, parent: int):
        self.config, self.read_only, self.base, self.sock = config, read_only, base, sock
        for number in (signal.SIGINT, signal.SIGHUP):
            signal.signal(number, signal.SIG_IGN)
        die_with_parent(parent, signal.SIGTERM)
        signal.signal(signal.SIGTERM, _stop)
        gc.freeze()  # nothing inherited is ever finalized here: it might close a number reused below
        _isolate(sock.fileno())
        _name_process(b"plab-forker")
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)  # a worker's exit wakes the select loop
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector = selectors.DefaultSelector()
        self.selector.register(sock, selectors.EVENT_READ, "parent")
        self.selector.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.live: dict[int, tuple[int, str]] = {}  # pid -> (id, temp dir) of every unreaped worker
        self.ids: dict[int, int] = {}  # id -> pid
        self.serial = 0
        self.wanted = 0

    def loop(self) -> None:
        parent_gone = False
        try:
            while True:
                # Between two forks, look at the socket and reap: kill requests and exits stay prompt.
                for key, _ in self.selector.select(0 if self.wanted else None):
                    if key.data == "parent":
                        if not self.on_messages():
                            parent_gone = True
                            return
                    else:
                        try:
                            os.read(self.wake_r, 4096)
                        except BlockingIOError:
                            pass
                self.reap()
                if self.wanted:
                    self.wanted -= 1
                    self.spawn()
        except (Stop, BrokenPipeError, ConnectionResetError):  # the parent died or is stopping
            parent_gone = True
        finally:
            self.cleanup(parent_gone)

    def on_messages(self) -> bool:
        """Read every waiting request; return False when the parent closed its end."""
        while True:
            try:
                data = self.sock.recv(MAX_MESSAGE, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return True
            if not data:
                return False
            try:
                message = json.loads(data)
            except ValueError:
                continue
            if not isinstance(message, dict):
                continue
            number = message.get("count") if message.get("op") == "spawn" else message.get("id")
            if not isinstance(number, int) or isinstance(number, bool):
                continue
            if message["op"] == "spawn":
                self.wanted += max(0, number)
            elif message["op"] == "kill" and number in self.ids:  # unreaped: the pid is still that worker's
                os.kill(self.ids[number], signal.SIGKILL)

    def send(self, message: dict, fds: list[int] = ()) -> None:
        socket.send_fds(self.sock, [json.dumps(message).encode()], list(fds))

    def spawn(self) -> None:
        """Fork one worker (it locks itself down and waits for code) and hand it to the parent."""
        tmpdir, fds = None, []
        try:
            tmpdir = tempfile.mkdtemp(dir=self.base)
            if os.geteuid() == 0:
                os.chown(tmpdir, self.config.uid, self.config.gid)
            code_r, code_w = os.pipe()
            fds += [code_r, code_w]
            result_r, result_w = os.pipe()
            fds += [result_r, result_w]
            pid = os.fork()
        except OSError as exc:  # out of processes or memory: say so; the parent retries later
            for fd in fds:
                os.close(fd)
            if tmpdir:
                shutil.rmtree(tmpdir, ignore_errors=True)
            self.send({"op": "failed", "error": f"{type(exc).__name__}: {exc}"[:300]})
            return
        if pid == 0:
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                for fd in (self.sock.fileno(), self.wake_r, self.wake_w, code_w, result_r):
                    os.close(fd)  # lockdown closes every other descriptor; these need not wait
                _name_process(b"plab-worker")
                serve(self.config, code_r, result_w, tmpdir, self.read_only)
            finally:
                os._exit(70)
        self.serial += 1
        self.live[pid] = (self.serial, tmpdir)
        self.ids[self.serial] = pid
        os.close(code_r)
        os.close(result_w)
        handed = [code_w, result_r]
        try:
            handed.append(os.pidfd_open(pid))  # lets the parent signal exactly this process
        except (OSError, AttributeError):  # an older kernel or seccomp profile: kills go through "kill"
            pass
        try:
            self.send({"op": "worker", "id": self.serial, "pid": pid, "tmpdir": tmpdir}, handed)
        finally:
            for fd in handed:
                os.close(fd)

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            worker_id, tmpdir = self.live.pop(pid, (None, None))
            self.ids.pop(worker_id, None)
            self.send({"op": "exit", "id": worker_id, "pid": pid, "status": status})  # first: an answer may wait on it
            if tmpdir:
                shutil.rmtree(tmpdir, ignore_errors=True)

    def cleanup(self, parent_gone: bool) -> None:
        """Kill and reap every worker, remove their temp dirs, and the pool's when the parent is going.

        Which it is, when the socket closed: the parent closes it last on its way out, and the
        kernel closes it when the parent dies, before (as it may) getppid() changes. Otherwise
        (a bug here) the parent lives on and starts another forker in the same pool dir.
        """
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for pid in self.live:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 2
        while self.live and time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                time.sleep(0.005)
                continue
            _, tmpdir = self.live.pop(pid, (None, None))
            if tmpdir:
                shutil.rmtree(tmpdir, ignore_errors=True)
        if parent_gone:
            shutil.rmtree(self.base, ignore_errors=True)

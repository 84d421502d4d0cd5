"""The sandbox parent: a warm torch process that forks locked-down, single-use workers ahead of time.

Started by the app (client.py) with a clean environment and one thread for OpenMP/BLAS. It reads
one JSON line of RunnerConfig, then JSON lines {"op": "run", "id": n, "code": "..."} on stdin and
answers JSON lines on stdout: first {"type": "ready", ...} with the layers a probe worker applied,
then {"type": "result", "id": n, ...} per run. It is single-threaded (forking from a threaded
process is unsafe) and ends, killing its workers, when stdin closes.
"""

import gc
import json
import os
import selectors
import shutil
import signal
import sys
import tempfile
import time
from collections import deque

from app.runner.warmup import PROBE_CODE, warm_up

PROBE_ID = "probe"
KILL_GRACE = 0.5  # seconds a worker gets past the limit to stop itself and report its output
class Worker:
    """Remembers one forked worker: its pipes, temp dir and, once given code, its request."""

    def __init__(self, pid: int, code_w: int, result_r: int, tmpdir: str):
        self.pid, self.code_w, self.result_r, self.tmpdir = pid, code_w, result_r, tmpdir
        self.request_id = None
        self.started = self.deadline = 0.0
        self.buffer = bytearray()
        self.exit_deadline: float | None = None  # set when its pipe closed without a valid answer


class Pool:
    """Keeps warm workers, dispatches queued runs, enforces the wall clock, answers on stdout."""

    def __init__(self, config, read_only: list[str]):
        from app.runner.worker import serve

        self.config, self.read_only, self.serve = config, read_only, serve
        self.base = tempfile.mkdtemp(prefix="plab-runner-")
        os.chmod(self.base, 0o711)  # workers reach their own dir; listing others' is not allowed
        self.idle: deque[Worker] = deque()
        self.running: dict[int, Worker] = {}  # result fd -> worker
        self.exiting: dict[int, Worker] = {}  # pid -> worker whose answer depends on its exit status
        self.queue: deque[tuple[object, bytes, float]] = deque()
        self.pids: dict[int, str] = {}  # every live child -> its temp dir, for reaping and clean-up
        self.early_exits: dict[int, int] = {}  # running worker pid -> wait status, reaped before its EOF
        self.selector = selectors.DefaultSelector()
        self.control = bytearray()
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)  # a child's exit wakes the select loop
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: self.shutdown())
        self.selector.register(0, selectors.EVENT_READ, "control")
        self.selector.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.queue_wait = max(10.0, 4 * config.time_limit)
        self.probed = False

    # --- workers -------------------------------------------------------------------------------
    def fork_worker(self) -> Worker:
        tmpdir = tempfile.mkdtemp(dir=self.base)
        if os.geteuid() == 0:
            os.chown(tmpdir, self.config.uid, self.config.gid)
        code_r, code_w = os.pipe()
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                self.serve(self.config, code_r, result_w, tmpdir, self.read_only)
            finally:
                os._exit(70)
        os.close(code_r)
        os.close(result_w)
        self.pids[pid] = tmpdir
        return Worker(pid, code_w, result_r, tmpdir)

    def refill(self) -> None:
        """Fork replacement workers, but not while a run's answer may be waiting on this loop.

        A fork of the warm parent blocks this loop for ~10 ms; done while runs are in flight, it
        would delay their answers. So: fill the pool while nothing runs, else keep one ready.
        """
        while len(self.idle) < self.config.pool_size and (not self.running or not self.idle) and not self.queue:
            self.idle.append(self.fork_worker())
            if self.running:
                break

    def discard(self, worker: Worker) -> None:
        for fd in (worker.code_w, worker.result_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.kill(worker.pid)

    def kill(self, pid: int) -> None:
        if pid not in self.pids:  # already reaped: the number may belong to someone else now
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            tmpdir = self.pids.pop(pid, None)
            if tmpdir:
                shutil.rmtree(tmpdir, ignore_errors=True)
            worker = self.exiting.pop(pid, None)
            if worker is not None:
                self.answer(worker, exit_result(status))
            elif any(w.pid == pid for w in self.running.values()):
                self.early_exits[pid] = status  # its pipe's end-of-file is still on the way

    # --- runs ----------------------------------------------------------------------------------
    def dispatch(self) -> None:
        now = time.monotonic()
        while self.queue and now - self.queue[0][2] > self.queue_wait:
            request_id, _, _ = self.queue.popleft()
            self.send_result(request_id, {"status": "refused", "reason": "busy"}, 0.0)
        while self.queue and len(self.running) < self.config.max_concurrent:
            request_id, code, _ = self.queue.popleft()
            self.start(request_id, code)

    def start(self, request_id, code: bytes) -> None:
        from app.runner.protocol import HEADER

        for _ in range(3):  # an idle worker may have died; try a fresh one
            worker = self.idle.popleft() if self.idle else self.fork_worker()
            try:
                os.write(worker.code_w, HEADER.pack(len(code)) + code)
            except OSError:
                self.discard(worker)
                continue
            os.close(worker.code_w)
            worker.request_id, worker.started = request_id, time.monotonic()
            worker.deadline = worker.started + self.config.time_limit + KILL_GRACE
            self.running[worker.result_r] = worker
            self.selector.register(worker.result_r, selectors.EVENT_READ, worker)
            return
        self.send_result(request_id, {"status": "crashed", "reason": "worker_error"}, 0.0)

    def on_output(self, worker: Worker) -> None:
        chunk = os.read(worker.result_r, 65536)
        if chunk and len(worker.buffer) + len(chunk) <= self.config.result_cap:
            worker.buffer += chunk
            return
        self.selector.unregister(worker.result_r)
        del self.running[worker.result_r]
        os.close(worker.result_r)
        from app.runner.protocol import sanitize

        result = sanitize(bytes(worker.buffer), self.config) if not chunk else None
        if chunk:  # more than any honest answer can be
            self.kill(worker.pid)
            self.answer(worker, {"status": "crashed", "reason": "too_large"})
        elif result is not None:
            self.kill(worker.pid)  # it answered; skip its teardown
            self.answer(worker, result)
        elif worker.pid in self.early_exits:
            self.answer(worker, exit_result(self.early_exits.pop(worker.pid)))
        else:  # no valid answer: its exit status says what happened
            worker.exit_deadline = time.monotonic() + 0.5
            self.exiting[worker.pid] = worker

    def enforce_deadlines(self) -> None:
        now = time.monotonic()
        for worker in [w for w in self.running.values() if now >= w.deadline]:
            self.selector.unregister(worker.result_r)
            del self.running[worker.result_r]
            os.close(worker.result_r)
            self.kill(worker.pid)
            self.answer(worker, {"status": "timeout", "reason": "wall"})
        for worker in [w for w in self.exiting.values() if now >= w.exit_deadline]:
            del self.exiting[worker.pid]
            self.kill(worker.pid)
            self.answer(worker, {"status": "crashed", "reason": "no_answer"})

    def answer(self, worker: Worker, result: dict) -> None:
        self.send_result(worker.request_id, result, time.monotonic() - worker.started)

    def send_result(self, request_id, result: dict, seconds: float) -> None:
        message = {**result, "type": "result", "id": request_id, "duration_ms": round(seconds * 1000, 2)}
        if request_id == PROBE_ID:
            self.probed = True
            message = {"type": "ready", "probe": message, "pid": os.getpid(), "base": self.base}
        write_line(message)

    # --- control channel -----------------------------------------------------------------------
    def on_control(self) -> None:
        chunk = os.read(0, 1 << 20)
        if not chunk:
            self.shutdown()
        self.control += chunk
        limit = self.config.code_limit * 6 + 4096
        while b"\n" in self.control:
            line, _, rest = bytes(self.control).partition(b"\n")
            self.control = bytearray(rest)
            self.on_request(line)
        if len(self.control) > limit:  # a line longer than any valid request: drop it
            self.control.clear()

    def on_request(self, line: bytes) -> None:
        try:
            request = json.loads(line)
            request_id = request["id"]
        except (ValueError, KeyError, TypeError):
            return  # not a request at all: nobody to answer
        try:
            code = request["code"].encode("utf-8")
        except (KeyError, AttributeError, UnicodeEncodeError):
            self.send_result(request_id, {"status": "refused", "reason": "invalid"}, 0.0)
            return
        if len(code) > self.config.code_limit:
            self.send_result(request_id, {"status": "refused", "reason": "too_large"}, 0.0)
        elif len(self.queue) >= self.config.max_queue:
            self.send_result(request_id, {"status": "refused", "reason": "busy"}, 0.0)
        else:
            self.queue.append((request_id, code, time.monotonic()))

    def shutdown(self) -> None:
        for worker in list(self.idle) + list(self.running.values()):
            self.kill(worker.pid)
        for pid in list(self.pids):
            self.kill(pid)
        deadline = time.monotonic() + 2
        while self.pids and time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, 0)
                self.pids.pop(pid, None)
            except ChildProcessError:
                break
        shutil.rmtree(self.base, ignore_errors=True)
        os._exit(0)

    def loop(self) -> None:
        self.queue.append((PROBE_ID, PROBE_CODE.encode(), time.monotonic()))
        while True:
            self.dispatch()
            if self.probed:
                self.refill()
            waits = [w.deadline for w in self.running.values()] + [w.exit_deadline for w in self.exiting.values()]
            timeout = max(0.0, min(waits) - time.monotonic()) if waits else None
            for key, _ in self.selector.select(timeout):
                if key.data == "control":
                    self.on_control()
                elif key.data == "wake":
                    try:
                        os.read(self.wake_r, 4096)
                    except BlockingIOError:
                        pass
                elif key.fileobj in self.running:
                    self.on_output(key.data)
            self.reap()
            self.enforce_deadlines()


def exit_result(status: int) -> dict:
    """Describe a worker that ended without a valid answer, from its wait status."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGXCPU:
            return {"status": "timeout", "reason": "cpu"}
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return {"status": "crashed", "reason": "signal", "detail": name}
    return {"status": "crashed", "reason": "exit", "detail": str(os.WEXITSTATUS(status))}


def write_line(message: dict) -> None:
    """Send one JSON line to the app (blocking: the app's reader thread always drains it)."""
    view = memoryview(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
    while view:
        view = view[os.write(1, view):]


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
    warm_up()
    pool = Pool(config, python_paths())
    gc.collect()
    gc.freeze()  # workers then never touch the parent's objects for GC: no copy-on-write storms
    sys.stdout.flush()
    pool.loop()


if __name__ == "__main__":
    main()

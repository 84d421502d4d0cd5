"""The sandbox's pool of single-use workers: it dispatches runs, enforces the wall clock, answers.

Runs in the sandbox parent's single-threaded loop (parent.py starts it): it sends code to idle
workers, reads answers, enforces the wall clock and keeps idle + requested workers at the pool size
(see refill() for when it asks). Workers come from the forker (forker.py) over a socket, as pipes
and a pidfd, and the forker reports each worker's wait status when it reaps it.
"""

import json
import os
import selectors
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections import deque

from app.runner import forker
from app.runner.pipes import exit_result, write_line
from app.runner.warmup import PROBE_CODE
from app.runner.workers import Worker, forker_messages

PROBE_ID = "probe"
KILL_GRACE = 0.5  # seconds a worker gets past the limit to stop itself and report its output
EXIT_WAIT = 0.5  # seconds to wait for the wait status of a worker that closed its pipe without an answer
RETRY_AFTER = 0.2  # seconds before asking again after the forker could not make a worker
REFILL_DELAY = 0.005  # seconds after an answer before replacements are asked for, while one is idle
RESPAWN_AFTER = 1.0  # a forker that dies sooner than this after its start is not replaced: the parent exits


class Pool:
    """Keeps warm workers, dispatches queued runs, enforces the wall clock, answers on stdout."""

    def __init__(self, config, read_only: list[str]):
        self.config, self.read_only = config, read_only
        self.base = tempfile.mkdtemp(prefix="plab-runner-")
        os.chmod(self.base, 0o711)  # workers reach their own dir; listing others' is not allowed
        self.idle: deque[Worker] = deque()
        self.running: dict[int, Worker] = {}  # result fd -> worker
        self.exiting: dict[int, Worker] = {}  # worker id -> worker whose answer depends on its exit status
        self.workers: dict[int, Worker] = {}  # worker id -> every worker the forker has not reported ended
        self.queue: deque[tuple[object, bytes, float]] = deque()
        self.requested = 0  # workers asked of the forker and not yet delivered
        self.retry_at = 0.0
        self.selector = selectors.DefaultSelector()
        self.control = bytearray()
        self.forker_pid, self.forker, self.forker_started = 0, None, 0.0
        signal.signal(signal.SIGTERM, lambda *_: self.shutdown())
        self.selector.register(0, selectors.EVENT_READ, "control")
        self.queue_wait = max(10.0, 4 * config.time_limit)
        self.probed = False
        self.huge_pages_mb = 0
        self.refill_after = 0.0

    # --- the forker and its workers --------------------------------------------------------------
    def start_forker(self) -> None:
        self.forker_pid, self.forker = forker.start(self.config, self.read_only, self.base)
        self.forker_started = time.monotonic()
        self.selector.register(self.forker, selectors.EVENT_READ, "forker")

    def forker_gone(self) -> None:
        """The forker died (its workers die with it): forget them and start another, or give up."""
        self.selector.unregister(self.forker)
        self.forker.close()
        try:
            os.kill(self.forker_pid, signal.SIGKILL)  # our unreaped child: the pid is still its own
        except ProcessLookupError:
            pass
        os.waitpid(self.forker_pid, 0)
        while self.idle:
            self.idle.popleft().close_pipes()
        for worker in self.workers.values():
            worker.close_pidfd()
        self.workers.clear()  # running ones end through their pipes and EXIT_WAIT
        self.requested, self.forker = 0, None
        if time.monotonic() - self.forker_started < RESPAWN_AFTER:
            print("plab sandbox: the forker keeps dying; stopping", file=sys.stderr)
            self.shutdown(1)
        self.start_forker()

    def tell_forker(self, message: dict) -> None:
        try:
            self.forker.send(json.dumps(message).encode())
        except (OSError, AttributeError):  # it died: its end-of-file is waiting in the selector
            pass

    def refill(self) -> None:
        """Ask the forker for workers until idle plus requested reach the target; only a message.

        A new worker's fork, lock-down and warm-up take ~10 ms of CPU; on a small machine they slow
        whatever else runs. So while a worker is idle and no run waits, replacements are not asked
        for in the REFILL_DELAY after an answer (the app is still delivering it), and only one is
        kept ready while runs are in flight; otherwise the target is the pool size. Before the
        probe: one, for the probe.
        """
        if self.idle and not self.queue and time.monotonic() < self.refill_after:
            return
        if not self.probed:
            target = min(1, len(self.queue))
        elif self.running and not self.queue:
            target = 1
        else:
            target = self.config.pool_size
        missing = target - len(self.idle) - self.requested
        if missing > 0 and time.monotonic() >= self.retry_at:
            self.tell_forker({"op": "spawn", "count": missing})
            self.requested += missing

    def on_forker(self) -> None:
        for message, fds, flags in forker_messages(self.forker):
            if message is None:
                self.forker_gone()
                return
            if message.get("op") == "worker" and len(fds) >= 2 and not flags & socket.MSG_CTRUNC:
                self.requested = max(0, self.requested - 1)
                pidfd = fds[2] if len(fds) > 2 else None
                worker = Worker(message["id"], message["pid"], fds[0], fds[1], pidfd, message["tmpdir"])
                self.workers[worker.id] = worker
                self.idle.append(worker)
                continue
            for fd in fds:
                os.close(fd)
            if message.get("op") == "exit":
                self.on_exit(message.get("id"), message.get("status", 0))
            elif message.get("op") in ("failed", "worker"):  # a worker without its pipes is no use
                if message.get("op") == "worker":
                    self.tell_forker({"op": "kill", "id": message.get("id")})
                self.requested = max(0, self.requested - 1)
                self.retry_at = time.monotonic() + RETRY_AFTER

    def on_exit(self, worker_id, status: int) -> None:
        worker = self.workers.pop(worker_id, None)
        if worker is None:
            return
        worker.close_pidfd()
        if worker in self.idle:  # died waiting for code
            self.idle.remove(worker)
            worker.close_pipes()
        elif self.exiting.pop(worker.id, None) is not None:
            self.answer(worker, exit_result(status))
        elif self.running.get(worker.result_r) is worker:
            worker.exit_status = status  # its pipe's end-of-file is still on the way

    def kill(self, worker: Worker) -> None:
        """SIGKILL a worker through its pidfd (never another process), else ask the forker to."""
        if self.workers.get(worker.id) is not worker:  # already reported ended
            return
        if worker.pidfd is not None:
            try:
                signal.pidfd_send_signal(worker.pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            self.tell_forker({"op": "kill", "id": worker.id})

    # --- runs ----------------------------------------------------------------------------------
    def dispatch(self) -> None:
        now = time.monotonic()
        while self.queue and now - self.queue[0][2] > self.queue_wait:
            request_id, _, _ = self.queue.popleft()
            self.send_result(request_id, {"status": "refused", "reason": "busy"}, 0.0)
        while self.queue and self.idle and len(self.running) < self.config.max_concurrent:
            self.start(*self.queue.popleft())

    def start(self, request_id, code: bytes, queued: float) -> None:
        from app.runner.protocol import HEADER

        while self.idle:  # an idle worker may have died; try the next
            worker = self.idle.popleft()
            worker.started = time.monotonic()  # before the write: the worker may run before this loop does again
            try:
                os.write(worker.code_w, HEADER.pack(len(code)) + code)
            except OSError:
                worker.close_pipes()
                self.kill(worker)
                continue
            os.close(worker.code_w)
            worker.request_id = request_id
            worker.deadline = worker.started + self.config.time_limit + KILL_GRACE
            self.running[worker.result_r] = worker
            self.selector.register(worker.result_r, selectors.EVENT_READ, worker)
            return
        self.queue.appendleft((request_id, code, queued))  # every idle worker had died: wait for the next

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
            self.kill(worker)
            self.answer(worker, {"status": "crashed", "reason": "too_large"})
        elif result is not None:
            self.kill(worker)  # it answered; skip its teardown
            self.answer(worker, result)
        elif worker.exit_status is not None:
            self.answer(worker, exit_result(worker.exit_status))
        else:  # no valid answer: its exit status says what happened
            worker.exit_deadline = time.monotonic() + EXIT_WAIT
            self.exiting[worker.id] = worker

    def enforce_deadlines(self) -> None:
        now = time.monotonic()
        for worker in [w for w in self.running.values() if now >= w.deadline]:
            self.selector.unregister(worker.result_r)
            del self.running[worker.result_r]
            os.close(worker.result_r)
            self.kill(worker)
            self.answer(worker, {"status": "timeout", "reason": "wall"})
        for worker in [w for w in self.exiting.values() if now >= w.exit_deadline]:
            del self.exiting[worker.id]
            self.kill(worker)
            self.answer(worker, {"status": "crashed", "reason": "no_answer"})

    def answer(self, worker: Worker, result: dict) -> None:
        self.send_result(worker.request_id, result, time.monotonic() - worker.started)
        self.refill_after = time.monotonic() + REFILL_DELAY

    def send_result(self, request_id, result: dict, seconds: float) -> None:
        message = {**result, "type": "result", "id": request_id, "duration_ms": round(seconds * 1000, 2)}
        if request_id == PROBE_ID:
            self.probed = True
            message = {
                "type": "ready",
                "probe": message,
                "pid": os.getpid(),
                "forker": self.forker_pid,
                "base": self.base,
                "huge_pages_mb": self.huge_pages_mb,
            }
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

    def shutdown(self, code: int = 0) -> None:
        """Kill every worker, let the forker reap them and exit, remove the temp dirs, exit."""
        for worker in list(self.workers.values()):
            if worker.pidfd is not None:
                self.kill(worker)
        if self.forker is not None:
            self.forker.close()  # end-of-file: the forker kills what is left, reaps and exits
            deadline = time.monotonic() + 2
            try:
                while os.waitpid(self.forker_pid, os.WNOHANG)[0] == 0:
                    if time.monotonic() >= deadline:
                        os.kill(self.forker_pid, signal.SIGKILL)
                        os.waitpid(self.forker_pid, 0)
                        break
                    time.sleep(0.005)
            except ChildProcessError:
                pass
        shutil.rmtree(self.base, ignore_errors=True)
        os._exit(code)

    def loop(self) -> None:
        self.start_forker()
        self.queue.append((PROBE_ID, PROBE_CODE.encode(), time.monotonic()))
        while True:
            self.dispatch()
            self.refill()
            waits = [w.deadline for w in self.running.values()] + [w.exit_deadline for w in self.exiting.values()]
            now = time.monotonic()
            if self.refill_after > now:
                waits.append(self.refill_after)
            if self.queue:  # a run waiting for a worker: refuse it in time, and ask again after a failure
                waits.append(self.queue[0][2] + self.queue_wait)
                waits += [self.retry_at] if self.retry_at > now else []
            timeout = max(0.0, min(waits) - now) if waits else None
            for key, _ in self.selector.select(timeout):
                if key.data == "control":
                    self.on_control()
                elif key.data == "forker":
                    self.on_forker()
                elif key.fileobj in self.running:
                    self.on_output(key.data)
            self.enforce_deadlines()

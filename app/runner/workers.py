"""One sandbox worker as the pool sees it, and the messages the forker sends about workers."""

import json
import os
import socket

from app.runner.pipes import receive


class Worker:
    """Remembers one worker: the forker's id for it, its pipes, pidfd, temp dir and, once given code, its request."""

    def __init__(self, worker_id: int, pid: int, code_w: int, result_r: int, pidfd: int | None, tmpdir: str):
        self.id, self.pid, self.code_w, self.result_r, self.pidfd, self.tmpdir = (
            worker_id,
            pid,
            code_w,
            result_r,
            pidfd,
            tmpdir,
        )
        self.request_id = None
        self.started = self.deadline = 0.0
        self.buffer = bytearray()
        self.exit_deadline: float | None = None  # set when its pipe closed without a valid answer
        self.exit_status: int | None = None  # set when the forker reaped it before its pipe's end-of-file

    def close_pipes(self) -> None:
        for fd in (self.code_w, self.result_r):
            try:
                os.close(fd)
            except OSError:
                pass

    def close_pidfd(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


def forker_messages(forker: socket.socket):
    """Yield (message, fds, flags) for each datagram waiting from the forker; message None means it is gone.

    A datagram that is not a JSON object reads as {} (its fds are still handed over, to be closed).
    """
    while True:
        try:
            data, fds, flags = receive(forker)
        except BlockingIOError:
            return
        except OSError:
            data, fds, flags = b"", [], 0
        if not data and not fds:
            yield None, [], 0
            return
        try:
            message = json.loads(data)
        except ValueError:
            message = None
        yield (message if isinstance(message, dict) else {}), fds, flags

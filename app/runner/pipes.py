"""The sandbox parent's wire: descriptors from the forker, JSON lines to the app, a worker's exit.

Small and stateless, apart from the pool (pool.py) that uses them.
"""

import array
import json
import os
import signal
import socket


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


def receive(sock: socket.socket, maxfds: int = 3) -> tuple[bytes, list[int], int]:
    """Read one waiting message and the descriptors it carries, without blocking.

    (socket.recv_fds ignores its flags before Python 3.13, so it would block.)
    """
    fds = array.array("i")
    data, ancillary, flags, _ = sock.recvmsg(
        4096, socket.CMSG_SPACE(maxfds * fds.itemsize), socket.MSG_DONTWAIT | socket.MSG_CMSG_CLOEXEC
    )
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    return data, list(fds), flags


def write_line(message: dict) -> None:
    """Send one JSON line to the app (blocking: the app's reader thread always drains it)."""
    view = memoryview(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
    while view:
        view = view[os.write(1, view) :]

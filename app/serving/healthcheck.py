"""Exit 0 when the server on this machine answers /healthz, else 1: the container's HEALTHCHECK.

Run as `python -m app.serving.healthcheck`; it asks the port from the same settings the server uses, so a
container started with another PLAB_PORT is still checked where it listens.
"""

import sys
import urllib.request

from app.settings import Settings


def healthy(port: int, timeout: float = 4.0) -> bool:
    """Return True when http://127.0.0.1:<port>/healthz answers 200 within the timeout."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as response:
            return response.status == 200
    except OSError:  # refused, timed out, or an HTTP error status (HTTPError is an OSError)
        return False


if __name__ == "__main__":
    sys.exit(0 if healthy(Settings().port) else 1)

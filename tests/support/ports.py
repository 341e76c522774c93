"""Free loopback ports for servers that run as subprocesses (uvicorn, redis-server, the demo).

A server in this process binds port 0 itself and reads its port back: use that where possible
(simulator.server does). A subprocess must be told its port before it binds it, so the port is
only known to be free when chosen. Two things keep anyone else from taking it meanwhile:

- each pytest-xdist worker picks from its own block of ports, so two workers never pick the same;
- the blocks lie below the kernel's ephemeral range, where connect() takes the local ports of
  outgoing connections, so no connection made meanwhile (by any process) lands on it.

Within its block a process goes round from a random start, so ports are not reused soon, and two
runs side by side (the suite and a benchmark) rarely try the same one; each port is checked free
by binding it before it is handed out.
"""

import os
import random
import socket
import threading
from pathlib import Path

_LOWEST = 10_000
_DEFAULT_EPHEMERAL_FIRST = 32_768  # Linux's default ip_local_port_range starts here
_lock = threading.Lock()
_next: int | None = None


def _ephemeral_first() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return _DEFAULT_EPHEMERAL_FIRST


def _worker() -> tuple[int, int]:
    """(this process's xdist worker number, the number of workers); (0, 1) outside xdist."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    index = int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0
    return index % max(count, 1), max(count, 1)


def port_block() -> range:
    """The ports this process chooses from."""
    first = _ephemeral_first()
    if first - _LOWEST < 1_000:  # an unusual range: fall back to ports just below 65536
        first = 65_536
    index, count = _worker()
    size = (first - _LOWEST) // count
    return range(_LOWEST + index * size, _LOWEST + (index + 1) * size)


def _is_free(port: int) -> bool:
    # Without SO_REUSEADDR: a port with connections still in TIME_WAIT counts as taken.
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A loopback TCP port that nothing uses now and that this run hands out to nobody else."""
    global _next
    block = port_block()
    with _lock:
        if _next is None or _next not in block:
            _next = random.randrange(block.start, block.stop)  # noqa: S311 - not for security
        for _ in range(len(block)):
            port, _next = _next, block.start + (_next + 1 - block.start) % len(block)
            if _is_free(port):
                return port
    raise RuntimeError(f"no free port in {block.start}-{block.stop - 1}")

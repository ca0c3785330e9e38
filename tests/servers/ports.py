"""Free TCP ports on 127.0.0.1 for the servers tests start, chosen when they start.

Ports come from below Linux's ephemeral range (32768+), so an outgoing connection of some other process cannot
take one between the check here and the server binding it; a random base keeps two clusters started at the same
moment (two xdist workers) from trying the same block first.
"""

from __future__ import annotations

import random
import socket

LOW, HIGH = 10_000, 32_000


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_block(count: int, *, attempts: int = 500) -> int:
    """The first of ``count`` consecutive ports that are all free right now."""
    rng = random.SystemRandom()
    for _ in range(attempts):
        base = rng.randrange(LOW, HIGH - count)
        if all(_bindable(base + i) for i in range(count)):
            return base
    raise RuntimeError(f"no block of {count} free ports on 127.0.0.1 between {LOW} and {HIGH}")

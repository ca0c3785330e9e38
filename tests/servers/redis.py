"""A throwaway Redis for tests and benchmarks: Debian's ``redis-server`` on 127.0.0.1, a free port, its own
folder; ``restart`` keeps the port and the data (append-only file, as recommended for production).

    with RedisServer(tmp_path / "redis") as redis:
        redis.url          # redis://127.0.0.1:PORT/0
        redis.restart()    # graceful: SHUTDOWN writes everything, then the same port and data again
        redis.kill()       # a crash (SIGKILL): only what the append-only file already had survives
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis

# Production settings (README "Scaling out"): every write in the append-only file, fsync'd each second;
# no RDB snapshots in between (the AOF is the copy that counts).
CONFIG = """\
bind 127.0.0.1
protected-mode yes
port {port}
dir {dir}
daemonize no
appendonly yes
appendfsync {fsync}
save ""
logfile {dir}/redis.log
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, folder: Path, *, fsync: str = "everysec") -> None:
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server; see .ci/setup)")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fsync = fsync
        self.port = 0
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        for _ in range(5):
            self.port = self.port or free_port()
            conf = self.folder / "redis.conf"
            conf.write_text(CONFIG.format(port=self.port, dir=self.folder, fsync=self.fsync))
            self.proc = subprocess.Popen(["redis-server", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if self._wait_ready():
                return self
            self._reap()
            self.port = 0  # taken by someone else in between: another port
        raise RuntimeError(f"redis-server did not start: see {self.folder / 'redis.log'}")

    def _wait_ready(self, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        try:
            while time.monotonic() < deadline:
                if self.proc is not None and self.proc.poll() is not None:
                    return False
                try:
                    if client.ping():
                        return True
                except redis.exceptions.BusyLoadingError:
                    pass
                except redis.exceptions.ConnectionError:
                    pass
                time.sleep(0.05)
        finally:
            client.close()
        return False

    def _reap(self, timeout: float = 20.0) -> None:
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        """Graceful: SIGTERM makes Redis fsync the append-only file and exit."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
        self._reap()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        self._reap()

    def restart(self, *, down_for: float = 0.0) -> None:
        self.stop()
        time.sleep(down_for)
        port = self.port
        self.start()
        assert self.port == port, "a restarted Redis must keep its port (clients reconnect to it)"

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's ``initdb``/``postgres`` in a temp folder,
listening on 127.0.0.1 only, on a free port (never 5432), with settings that trade durability for speed.

    with PostgresServer() as pg:
        url = pg.create_database("t1")   # postgresql+psycopg://sohoa:...@127.0.0.1:PORT/t1
        pg.restart()                      # same data, same port

PostgreSQL refuses to run as root; when we are root (CI is), the cluster runs as the ``postgres`` system user
(created by the Debian package) and its folder belongs to it. Missing binaries raise ``PostgresNotInstalled``:
the tests that need the server fail, they are never skipped.

The server is stopped by the kernel when the thread that started it ends (so a killed pytest leaves nothing
running): call ``start()`` from a thread that lives as long as the server, normally the main thread.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

# Durability off (a test cluster is thrown away); one small cluster per pytest worker.
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "2GB",
    "checkpoint_timeout": "30min",
    "shared_buffers": "128MB",
    "maintenance_work_mem": "256MB",
    "max_connections": "60",
    "autovacuum": "off",
    "log_min_messages": "warning",
    "logging_collector": "off",
}
USER = "sohoa"


class PostgresNotInstalled(RuntimeError):
    """initdb/postgres are not on this machine: `apt-get install postgresql` (see .ci/setup)."""


def bin_dir() -> Path:
    """The newest Debian PostgreSQL server's binaries (``/usr/lib/postgresql/<major>/bin``)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        on_path = shutil.which("postgres")
        if on_path and shutil.which("initdb"):
            return Path(on_path).parent
        raise PostgresNotInstalled("PostgreSQL server binaries not found (apt-get install postgresql)")
    return Path(found[-1]).parent


def free_port() -> int:
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port != 5432:
            return port


class PostgresServer:
    """One cluster: ``start()`` runs initdb the first time, ``stop()`` keeps the data, ``cleanup()`` removes it."""

    def __init__(self, *, port: int | None = None, settings: dict[str, str] | None = None) -> None:
        self.bin = bin_dir()
        self._account = _server_account()
        self.port = port or free_port()
        self.password = secrets.token_urlsafe(12)
        self.settings = {**FAST_SETTINGS, **(settings or {})}
        self.base = Path(tempfile.mkdtemp(prefix="sohoa-pg-"))
        self.data = self.base / "data"
        self.log_path = self.base / "postgres.log"
        self._proc: subprocess.Popen | None = None
        self.start_seconds = 0.0  # how long the last start() took (initdb included the first time)

    # -- URLs ------------------------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={USER} password={self.password} dbname={database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its SQLAlchemy URL."""
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    # -- lifecycle -------------------------------------------------------------------------------------

    def start(self, timeout: float = 60.0) -> None:
        started = time.perf_counter()
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        args = [str(self.bin / "postgres"), "-D", str(self.data)]
        for key, value in {**self.settings, "listen_addresses": "127.0.0.1", "port": str(self.port),
                           "unix_socket_directories": str(self.base)}.items():
            args += ["-c", f"{key}={value}"]
        log = self.log_path.open("ab")
        # start_new_session: a Ctrl-C in the terminal running pytest must not reach the server first.
        self._proc = subprocess.Popen(self._account.command(args, die_with_parent=True), stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True,
                                      **self._account.popen_kwargs())
        log.close()
        self._wait_ready(timeout)
        self.start_seconds = time.perf_counter() - started

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown: open sessions are ended, their transactions rolled back."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> PostgresServer:
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    # -- internals -------------------------------------------------------------------------------------

    def _initdb(self) -> None:
        self._account.own(self.base)
        pwfile = self.base / "pwfile"
        pwfile.write_text(self.password + "\n")
        self._account.own(pwfile)
        cmd = [str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "--pwfile", str(pwfile), "-E", "UTF8",
               "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"]
        proc = subprocess.run(self._account.command(cmd), capture_output=True, text=True,
                              **self._account.popen_kwargs())
        pwfile.unlink()
        if proc.returncode != 0:
            raise RuntimeError(f"initdb failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self._proc is not None and self._proc.poll() is not None:
                raise RuntimeError(f"postgres exited with {self._proc.returncode}:\n{self._log_tail()}")
            try:
                with psycopg.connect(self.dsn(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"postgres not ready after {timeout:.0f} s:\n{self._log_tail()}") from None
                time.sleep(0.05)

    def _log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


class _Account:
    """Who runs the server: ourselves, or the ``postgres`` system user when we are root.

    Programs start through ``setpriv``, which also asks the kernel to stop the server (SIGQUIT, immediate
    shutdown) when the process that started it dies, so a killed pytest leaves no cluster behind.
    """

    def __init__(self, user: pwd.struct_passwd | None) -> None:
        self.user = user
        self.setpriv = shutil.which("setpriv")

    def command(self, args: list[str], *, die_with_parent: bool = False) -> list[str]:
        if self.setpriv is None:
            return args
        prefix = [self.setpriv]
        if self.user is not None:
            prefix += [f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}", "--clear-groups"]
        if die_with_parent:
            prefix.append("--pdeathsig=SIGQUIT")
        return [*prefix, "--", *args]

    def popen_kwargs(self) -> dict:
        if self.user is None:
            return {}
        env = {**os.environ, "HOME": self.user.pw_dir, "USER": self.user.pw_name, "LOGNAME": self.user.pw_name}
        if self.setpriv is not None:
            return {"env": env}
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": [], "env": env}

    def own(self, path: Path) -> None:
        if self.user is not None:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)


def _server_account() -> _Account:
    if os.geteuid() != 0:
        return _Account(None)
    try:
        return _Account(pwd.getpwnam("postgres"))
    except KeyError:
        raise PostgresNotInstalled("running as root needs the 'postgres' system user (apt-get install postgresql)")\
            from None

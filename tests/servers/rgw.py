"""A real S3 server for tests and benchmarks: Ceph RGW over a one-node, in-memory Ceph cluster on 127.0.0.1.

    with RgwServer() as rgw:            # or rgw = RgwServer().start(); ...; rgw.stop()
        url = rgw.storage_url("bucket")  # s3://AK:SK@127.0.0.1:PORT/bucket?secure=false
        client = rgw.client()            # a raw minio client, to look behind the store's back

One monitor, one OSD keeping its data in RAM (memstore) and one radosgw, each a foreground child process with
its own free ports (monitor, OSD and S3), so several clusters run side by side. The cluster lives in a
temporary folder removed by ``stop()``; a watchdog kills the daemons if the process that started them dies.

Ceph's own authentication (cephx) is switched off: everything is on the loopback interface of a throwaway
cluster, and S3 requests are still signed and checked by RGW against its own user's keys.

Run ``python -m tests.servers.rgw`` to keep one running by hand (prints the storage URL, Ctrl-C stops it).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from tests.servers.ports import free_port_block

log = logging.getLogger(__name__)

BINARIES = ("ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph")
OSD_PORTS = 8  # an OSD binds public, cluster and two heartbeat addresses, each msgr v2 + v1
INSTALL_HINT = "install them with `bash .ci/setup` (apt: radosgw ceph-mon ceph-osd)"


class RgwError(RuntimeError):
    """The test server could not be started (missing programs, a daemon that died, a timeout)."""


def missing_binaries() -> list[str]:
    return [name for name in BINARIES if shutil.which(name) is None]


# The daemons share a process group with this watchdog, which waits for its stdin to close and then kills the
# group. Our end of that pipe closes when the process that started the cluster exits, however it exits (a
# pytest worker killed mid-test), so no cluster outlives it. (PR_SET_PDEATHSIG would follow the thread that
# spawned a daemon instead, and the outage tests restart the gateway from a helper thread.)
WATCHDOG = "import os, signal, sys; sys.stdin.buffer.read(); os.killpg(os.getpid(), signal.SIGKILL)"


class RgwServer:
    """One throwaway Ceph cluster with an S3 gateway; ``start()`` takes about 2-4 s."""

    def __init__(
        self,
        *,
        memstore_bytes: int = 1 << 30,
        access_key: str = "sohoa-test-access",
        secret_key: str | None = None,
        root: str | Path | None = None,
        rgw_options: dict[str, str] | None = None,
    ) -> None:
        self.memstore_bytes = memstore_bytes
        self.access_key = access_key
        self.secret_key = secret_key or uuid.uuid4().hex
        self._root_arg = root
        self.rgw_options = rgw_options or {}  # extra ceph.conf lines for the gateway, e.g. its throttling
        self.root: Path | None = None
        self.port = 0
        self._procs: dict[str, subprocess.Popen] = {}
        self._watchdog: subprocess.Popen | None = None
        self._paused = False
        self.start_seconds = 0.0

    # --- life cycle ------------------------------------------------------------------------------------

    def start(self, timeout: float = 60.0) -> RgwServer:
        missing = missing_binaries()
        if missing:
            raise RgwError(f"Ceph programs not found: {', '.join(missing)}; {INSTALL_HINT}")
        started = time.monotonic()
        deadline = started + timeout
        self.root = Path(tempfile.mkdtemp(prefix="sohoa-rgw-", dir=self._root_arg))
        self._watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG], stdin=subprocess.PIPE, process_group=0)
        try:
            base = free_port_block(3 + OSD_PORTS)
            mon_v2, mon_v1, self.port, osd_first = base, base + 1, base + 2, base + 3
            for sub in ("run", "log", "mon/ceph-a", "osd/ceph-0", "rgw"):
                (self.root / sub).mkdir(parents=True)
            fsid = str(uuid.uuid4())
            mon_addr = f"[v2:127.0.0.1:{mon_v2},v1:127.0.0.1:{mon_v1}]"
            self._write_conf(fsid, mon_addr, osd_first)
            self._run(["monmaptool", "--create", "--fsid", fsid, "--addv", "a", mon_addr, str(self.root / "monmap")])
            self._run(["ceph-mon", "-c", self.conf, "-i", "a", "--mkfs", "--monmap", str(self.root / "monmap")])
            self._spawn("mon", ["ceph-mon", "-c", self.conf, "-i", "a", "-f"])
            osd_uuid = str(uuid.uuid4())
            osd_id = self._ceph(["osd", "new", osd_uuid], deadline).strip()
            self._run(["ceph-osd", "-c", self.conf, "-i", osd_id, "--mkfs", "--osd-uuid", osd_uuid])
            self._spawn("osd", ["ceph-osd", "-c", self.conf, "-i", osd_id, "-f"])
            # radosgw waits by itself for the OSD to be up before it creates its pools and listens.
            self.start_gateway(deadline - time.monotonic())
            self._run(["radosgw-admin", "-c", self.conf, "-n", "client.admin", "user", "create", "--uid=sohoa",
                       "--display-name=sohoa tests", f"--access-key={self.access_key}",
                       f"--secret-key={self.secret_key}"], timeout=max(5.0, deadline - time.monotonic()))
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started
        log.info("RGW on 127.0.0.1:%d ready in %.1f s (%s)", self.port, self.start_seconds, self.root)
        return self

    def stop(self) -> None:
        self.resume_gateway()
        # SIGKILL: the data is throwaway and lives in RAM; a polite SIGTERM costs 5-10 s of shutdown.
        for name in ("rgw", "osd", "mon"):
            self._terminate(name, sig=signal.SIGKILL)
        if self._watchdog is not None:
            self._watchdog.stdin.close()  # type: ignore[union-attr]
            self._watchdog.wait(timeout=10)
            self._watchdog = None
        if self.root is not None:
            if not os.environ.get("SOHOA_RGW_KEEP"):
                shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> RgwServer:
        return self.start() if self.root is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what tests use ------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def storage_url(self, bucket: str, *, secret_key: str | None = None, **options: str) -> str:
        """The ``SOHOA_STORAGE_URL`` of a bucket on this server (the bucket need not exist)."""
        query = "&".join(f"{k}={v}" for k, v in {"secure": "false", **options}.items())
        return f"s3://{self.access_key}:{secret_key or self.secret_key}@{self.endpoint}/{bucket}?{query}"

    def client(self):
        """A raw minio client with this server's keys (to tamper with or inspect objects in tests)."""
        from minio import Minio

        return Minio(self.endpoint, self.access_key, self.secret_key, secure=False, region="us-east-1")

    # --- faults --------------------------------------------------------------------------------------

    @property
    def gateway_pid(self) -> int:
        return self._procs["rgw"].pid

    def pause_gateway(self) -> None:
        """SIGSTOP radosgw: the port still accepts TCP connections (the kernel does) but nothing answers,
        as with a hung server or a network that drops packets."""
        os.kill(self.gateway_pid, signal.SIGSTOP)
        self._paused = True

    def resume_gateway(self) -> None:
        if self._paused and "rgw" in self._procs:
            os.kill(self.gateway_pid, signal.SIGCONT)
        self._paused = False

    def kill_gateway(self) -> None:
        """Kill radosgw: connections to the port are refused until ``start_gateway()``; the data stays."""
        self.resume_gateway()
        self._terminate("rgw", sig=signal.SIGKILL)

    def start_gateway(self, timeout: float = 60.0) -> None:
        self._spawn("rgw", ["radosgw", "-c", self.conf, "-n", "client.rgw.a", "-f"])
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://{self.endpoint}/", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # any HTTP answer means it is serving
            except OSError:
                self._check_alive()
                if time.monotonic() > deadline:
                    raise RgwError(f"radosgw did not answer on {self.endpoint} in {timeout:.0f} s; "
                                   f"see {self.root}/log") from None
                time.sleep(0.05)

    # --- internals -----------------------------------------------------------------------------------

    @property
    def conf(self) -> str:
        assert self.root is not None
        return str(self.root / "ceph.conf")

    def _write_conf(self, fsid: str, mon_addr: str, osd_first: int) -> None:
        d = self.root
        conf = f"""[global]
fsid = {fsid}
mon host = {mon_addr}
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
# Without cephx there is no session key: radosgw's default "secure" mode to the monitor would match nothing.
ms mon client mode = crc
run dir = {d}/run
pid file = {d}/run/$name.pid
admin socket = {d}/run/$name.asok
log file = {d}/log/$name.log
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000

[mon]
mon data = {d}/mon/$cluster-$id
# Each cluster-map change otherwise waits about a second: 13 s to start instead of 2.
paxos propose interval = 0.05
paxos min wait = 0.01

[osd]
osd data = {d}/osd/$cluster-$id
osd objectstore = memstore
memstore device bytes = {self.memstore_bytes}
ms bind port min = {osd_first}
ms bind port max = {osd_first + OSD_PORTS - 1}

[client.rgw.a]
# tcp_nodelay: without it every small GET waits about 40 ms (Nagle against delayed ACKs), which MinIO does not.
rgw frontends = beast endpoint=127.0.0.1:{self.port} tcp_nodelay=1
rgw data = {d}/rgw
""" + "".join(f"{k} = {v}\n" for k, v in self.rgw_options.items())
        (d / "ceph.conf").write_text(conf)

    def _run(self, cmd: list[str], timeout: float = 30.0) -> str:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RgwError(f"{' '.join(cmd[:3])}... exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
        return proc.stdout

    def _ceph(self, args: list[str], deadline: float) -> str:
        timeout = max(5, int(deadline - time.monotonic()))
        return self._run(["ceph", "-c", self.conf, "--connect-timeout", str(timeout), *args], timeout=timeout + 5)

    def _spawn(self, name: str, cmd: list[str]) -> None:
        assert self.root is not None
        with open(self.root / "log" / f"{name}.out", "ab") as out:
            self._procs[name] = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                                 stdin=subprocess.DEVNULL, process_group=self._watchdog.pid)

    def _check_alive(self) -> None:
        for name, proc in self._procs.items():
            if proc.poll() is not None:
                tail = ""
                if self.root is not None and (self.root / "log" / f"{name}.out").exists():
                    tail = (self.root / "log" / f"{name}.out").read_text(errors="replace")[-800:]
                raise RgwError(f"ceph {name} exited {proc.returncode}: {tail}")

    def _terminate(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self._procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops the cluster and removes its folder too
    rgw = RgwServer(memstore_bytes=4 << 30).start()
    try:
        print(json.dumps({"storage_url": rgw.storage_url("sohoa"), "endpoint": rgw.endpoint,
                          "start_seconds": round(rgw.start_seconds, 2)}), flush=True)
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        rgw.stop()


if __name__ == "__main__":
    main()

"""What the host did during a measured run: CPU taken by other guests, time waiting on the disk, pages read back
from it. A latency tail with high steal or major faults says more about the machine than about the code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class HostSample:
    cpu: tuple[int, ...]  # /proc/stat "cpu" line: user nice system idle iowait irq softirq steal
    major_faults: int  # /proc/vmstat pgmajfault: pages that had to be read from disk


@dataclass(frozen=True)
class HostDuring:
    busy_pct: float  # all cores, everything but idle and iowait
    iowait_pct: float
    steal_pct: float  # CPU the hypervisor gave to someone else while this guest wanted it
    major_faults: int

    def as_dict(self) -> dict:
        return {"busy_%": self.busy_pct, "iowait_%": self.iowait_pct, "steal_%": self.steal_pct,
                "major_faults": self.major_faults}


def sample(proc: Path = Path("/proc")) -> HostSample:
    cpu = (proc / "stat").read_text().splitlines()[0].split()[1:9]
    faults = 0
    for line in (proc / "vmstat").read_text().splitlines():
        if line.startswith("pgmajfault "):
            faults = int(line.split()[1])
    return HostSample(tuple(int(v) for v in cpu), faults)


def between(before: HostSample, after: HostSample) -> HostDuring:
    d = [b - a for a, b in zip(before.cpu, after.cpu, strict=True)]
    total = sum(d) or 1
    idle, iowait, steal = d[3], d[4], d[7]

    def pct(v: int) -> float:
        return round(100 * v / total, 1)

    return HostDuring(pct(total - idle - iowait), pct(iowait), pct(steal), after.major_faults - before.major_faults)

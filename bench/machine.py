"""The machine a run measured: cores, memory, CPU model, load, versions."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cores: int
    memory_gib: float
    cpu: str
    kernel: str
    python: str

    def describe(self) -> str:
        return (
            f"{self.cores} cores ({self.cpu}), {self.memory_gib:.1f} GiB RAM, "
            f"Linux {self.kernel}, Python {self.python}"
        )


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> Machine:
    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    return Machine(
        cores=os.cpu_count() or 0,
        memory_gib=int(mem.group(1)) / 2**20 if mem else 0.0,
        cpu=cpu.group(1).strip() if cpu else platform.processor() or "unknown",
        kernel=platform.release(),
        python=platform.python_version(),
    )


def load_average() -> float:
    """The 1-minute load average: how busy the machine was besides the benchmark."""
    return os.getloadavg()[0]

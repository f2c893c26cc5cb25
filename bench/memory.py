"""Peak resident memory (VmHWM) of this process or of another one, from /proc."""

from __future__ import annotations

import re
from pathlib import Path

_HWM = re.compile(r"^VmHWM:\s*(\d+) kB", re.M)


def peak_rss_mib(pid: int | str = "self") -> float | None:
    """The high-water mark of resident memory, in MiB; None when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = _HWM.search(text)
    return int(found.group(1)) / 1024 if found else None

"""Progress of a listing walk: rate, ETA and requests per model.

The listing gives no total, so the ETA counts against the size the operator expects
(``--hf-expected``, about 3.1M models in 2026). A walk is bound either by its own pace
(HTTP plus writes) or by the rate limit (``quota`` requests per ``window`` seconds,
from the Hub's ``RateLimit-Policy``); the ETA takes the slower of the two.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field


@dataclass
class Progress:
    expected: int  # models the whole walk should list
    pages: int = 0  # listed by earlier runs of the same walk, then by this one
    models: int = 0
    run_pages: int = 0  # by this run
    run_models: int = 0
    requests: int = 0  # HTTP requests this run (retries included)
    quota: int | None = None
    window: float | None = None
    started: float = field(default_factory=time.monotonic)

    def page(self, models: int, requests: int) -> None:
        self.pages += 1
        self.models += models
        self.run_pages += 1
        self.run_models += models
        self.requests = requests

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def requests_per_model(self) -> float | None:
        return self.requests / self.run_models if self.run_models else None

    @property
    def eta_seconds(self) -> float | None:
        if not self.run_pages:
            return None
        per_page = self.elapsed / self.run_pages
        if self.quota and self.window:
            per_page = max(per_page, self.window / self.quota)
        page_size = max(1, self.models // max(1, self.pages))
        left = max(0, self.expected - self.models)
        return math.ceil(left / page_size) * per_page

    def line(self) -> str:
        eta = self.eta_seconds
        rpm = self.requests_per_model
        return (
            f"{self.models:,} models in {self.pages:,} pages "
            f"({self.run_models / max(self.elapsed, 1e-9):,.0f} models/s"
            + (f", {rpm:.4f} requests/model" if rpm is not None else "")
            + (f", ETA {_clock(eta)} for {self.expected:,}" if eta is not None else "")
            + ")"
        )

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "pages": self.pages,
            "models": self.models,
            "run_pages": self.run_pages,
            "run_models": self.run_models,
            "requests": self.requests,
            "requests_per_model": self.requests_per_model,
            "elapsed_s": round(self.elapsed, 2),
            "eta_s": self.eta_seconds,
            "quota": self.quota,
            "window_s": self.window,
        }


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"

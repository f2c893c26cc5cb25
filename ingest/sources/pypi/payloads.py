"""The parts of a PyPI JSON project answer the source reads (``info`` and ``last_serial``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Info(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str
    version: str
    summary: str | None = None
    home_page: str | None = None
    download_url: str | None = None
    project_urls: dict[str, str] | None = None
    license: str | None = None
    license_expression: str | None = None  # PEP 639 metadata (2024+)
    classifiers: list[str] = []
    requires_dist: list[str] | None = None
    requires_python: str | None = None
    yanked: bool = False


class Project(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    info: Info
    last_serial: int | None = None

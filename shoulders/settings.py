"""Every setting Shoulders reads, from environment variables, in one place.

Each field names its environment variable explicitly (``validation_alias``) so
the names in docs/configuration.md, docker-compose.yml and the code are the same
strings; a test fails when a field is missing from the docs.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from platformdirs import user_data_path
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Where state lives when SHOULDERS_HOME is not set: the user's data folder
#: (~/.local/share/shoulders on Linux), never the installed package's folder.
DEFAULT_HOME = user_data_path("shoulders", appauthor=False)

#: The recordings that ship inside the package (read-only package data).
BUNDLED_RECORDINGS = Path(str(files("ingest") / "recordings"))

#: Local default for the Neo4j password: good for a laptop, documented, and
#: overridden by NEO4J_PASSWORD everywhere else.
LOCAL_NEO4J_PASSWORD = "shoulders-local"

#: When the HF ingest reads a model's README: ``always`` (all the prose lineage), or only
#: when the metadata declares no base model (``unexplained``: about one request less per model).
HfReadme = Literal["always", "unexplained"]


#: The sizes neo4j.conf accepts for heap and page cache (its own list of multipliers).
_NEO4J_SIZE = re.compile(
    r"\d+(B|KiB|KB|K|kB|kb|k|MiB|MB|M|mB|mb|m|GiB|GB|G|gB|gb|g|TiB|TB|PiB|PB|EiB|EB)?"
)


class SettingsError(Exception):
    """A setting has a bad value; the message names the variable."""


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Configuration; see docs/configuration.md for the meaning of each variable."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True, populate_by_name=False)

    # --- Neo4j connection -------------------------------------------------
    neo4j_uri: str = Field(
        "bolt://127.0.0.1:7687",
        validation_alias=_env("NEO4J_URI"),
        description="Bolt URI of the Neo4j server (bolt://, neo4j://, neo4j+s:// ...).",
    )
    neo4j_user: str = Field("neo4j", validation_alias=_env("NEO4J_USER"))
    neo4j_password: SecretStr = Field(
        SecretStr(LOCAL_NEO4J_PASSWORD), validation_alias=_env("NEO4J_PASSWORD")
    )
    neo4j_database: str = Field("neo4j", validation_alias=_env("NEO4J_DATABASE"))

    # --- Where state lives -------------------------------------------------
    home: Path = Field(DEFAULT_HOME, validation_alias=_env("SHOULDERS_HOME"))

    # --- The local Neo4j server the project assembles and starts ----------
    # Unset: <SHOULDERS_HOME>/neo4j.
    neo4j_home: Path = Field(Path(), validation_alias=_env("SHOULDERS_NEO4J_HOME"))
    neo4j_http_port: int = Field(7474, ge=1, le=65535, validation_alias=_env("NEO4J_HTTP_PORT"))
    neo4j_heap: str = Field("1g", validation_alias=_env("SHOULDERS_NEO4J_HEAP"))
    neo4j_pagecache: str = Field("1g", validation_alias=_env("SHOULDERS_NEO4J_PAGECACHE"))
    neo4j_start_timeout: float = Field(
        240.0, gt=0, validation_alias=_env("SHOULDERS_NEO4J_START_TIMEOUT")
    )
    java_home: Path | None = Field(None, validation_alias=_env("JAVA_HOME"))

    # --- Upstream APIs (ingest) -------------------------------------------
    hf_endpoint: str = Field("https://huggingface.co", validation_alias=_env("HF_ENDPOINT"))
    hf_token: SecretStr | None = Field(None, validation_alias=_env("HF_TOKEN"))
    arxiv_endpoint: str = Field(
        "https://export.arxiv.org/api/query", validation_alias=_env("SHOULDERS_ARXIV_ENDPOINT")
    )
    s2_endpoint: str = Field(
        "https://api.semanticscholar.org/graph/v1", validation_alias=_env("SHOULDERS_S2_ENDPOINT")
    )
    s2_api_key: SecretStr | None = Field(None, validation_alias=_env("S2_API_KEY"))
    github_endpoint: str = Field(
        "https://api.github.com", validation_alias=_env("SHOULDERS_GITHUB_ENDPOINT")
    )
    github_token: SecretStr | None = Field(None, validation_alias=_env("GITHUB_TOKEN"))
    # The registry's base URL; its JSON API is /pypi/<name>/json below it.
    pypi_endpoint: str = Field("https://pypi.org", validation_alias=_env("SHOULDERS_PYPI_ENDPOINT"))
    http_timeout: float = Field(30.0, gt=0, validation_alias=_env("SHOULDERS_HTTP_TIMEOUT"))
    http_max_retries: int = Field(5, ge=0, le=20, validation_alias=_env("SHOULDERS_HTTP_RETRIES"))
    http_max_wait: float = Field(300.0, gt=0, validation_alias=_env("SHOULDERS_HTTP_MAX_WAIT"))
    user_agent: str = Field(
        "shoulders/0.1 (+https://github.com/shoulders-graph/shoulders)",
        validation_alias=_env("SHOULDERS_USER_AGENT"),
    )

    # --- Ingest runs --------------------------------------------------------
    # Unset: <SHOULDERS_HOME>/reports (run reports and the HTTP cache).
    report_dir: Path = Field(Path(), validation_alias=_env("SHOULDERS_REPORT_DIR"))
    lock_stale_after: float = Field(
        3600.0, gt=0, validation_alias=_env("SHOULDERS_LOCK_STALE_SECONDS")
    )
    recordings: Path = Field(BUNDLED_RECORDINGS, validation_alias=_env("SHOULDERS_RECORDINGS"))
    ingest_batch: int = Field(50, ge=1, le=10_000, validation_alias=_env("SHOULDERS_INGEST_BATCH"))
    # Processes that map a Parquet dump for `bulk-import --hf-parquet`; 0: one per core.
    bulk_workers: int = Field(0, ge=0, le=8, validation_alias=_env("SHOULDERS_BULK_WORKERS"))
    hf_readme: HfReadme = Field("always", validation_alias=_env("SHOULDERS_HF_README"))
    # The daily refresh's README requests per run (models whose metadata declares no base).
    hf_refresh_readme_budget: int = Field(
        1000, ge=0, le=1_000_000, validation_alias=_env("SHOULDERS_HF_REFRESH_README_BUDGET")
    )
    log_format: Literal["auto", "json", "console"] = Field(
        "auto", validation_alias=_env("SHOULDERS_LOG_FORMAT")
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias=_env("SHOULDERS_LOG_LEVEL")
    )

    # --- API ----------------------------------------------------------------
    env: Literal["development", "production"] = Field(
        "development", validation_alias=_env("SHOULDERS_ENV")
    )
    api_host: str = Field("127.0.0.1", validation_alias=_env("SHOULDERS_API_HOST"))
    api_port: int = Field(8000, ge=1, le=65535, validation_alias=_env("SHOULDERS_API_PORT"))
    # uvicorn worker processes: each has its own event loop, driver and metrics.
    api_workers: int = Field(1, ge=1, le=64, validation_alias=_env("SHOULDERS_API_WORKERS"))
    # Unset: GraphiQL follows SHOULDERS_ENV (on in development, off in production).
    graphiql: bool | None = Field(None, validation_alias=_env("SHOULDERS_GRAPHIQL"))
    cors_origins: str = Field("", validation_alias=_env("SHOULDERS_CORS_ORIGINS"))

    @field_validator("neo4j_uri")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        schemes = {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}
        parts = urlsplit(value)
        if parts.scheme not in schemes or not parts.hostname:
            raise ValueError(f"must look like bolt://host:7687 (schemes: {sorted(schemes)})")
        try:
            _ = parts.port  # raises on a port that is not a number in 0..65535
        except ValueError:
            raise ValueError("has a port that is not a number in 0..65535") from None
        return value

    @field_validator("neo4j_password")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        # Neo4j refuses initial passwords shorter than 8 characters.
        if len(value.get_secret_value()) < 8:
            raise ValueError("must be at least 8 characters (Neo4j's minimum)")
        return value

    @field_validator("neo4j_heap", "neo4j_pagecache")
    @classmethod
    def _neo4j_size(cls, value: str) -> str:
        # Checked here so a typo fails with the variable's name, not later inside Neo4j's launcher.
        if not _NEO4J_SIZE.fullmatch(value.strip()):
            raise ValueError("must be a Neo4j memory size such as 512m, 1g or 2GiB")
        return value.strip()

    @model_validator(mode="after")
    def _state_under_home(self) -> Settings:
        # Folders left unset (or set to an empty string) follow SHOULDERS_HOME.
        defaults = {"neo4j_home": "neo4j", "report_dir": "reports"}
        for field, sub in defaults.items():
            if getattr(self, field) == Path():
                object.__setattr__(self, field, self.home / sub)
        return self

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else self.env != "production"

    @property
    def bolt_port(self) -> int:
        return urlsplit(self.neo4j_uri).port or 7687

    @property
    def bolt_host(self) -> str:
        return urlsplit(self.neo4j_uri).hostname or "127.0.0.1"

    def env_names(self) -> dict[str, str]:
        """Map field name -> environment variable name."""
        return env_names()


def env_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        assert isinstance(alias, AliasChoices)
        first = alias.choices[0]
        assert isinstance(first, str)
        names[name] = first
    return names


def load_settings() -> Settings:
    """Read and validate the environment; a bad value raises SettingsError naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        names = env_names()
        lines = []
        for error in exc.errors():
            loc = error.get("loc", ())
            field = str(loc[0]) if loc else "?"
            env = names.get(field, field)
            lines.append(f"{env}: {error.get('msg', 'invalid value')}")
        raise SettingsError("invalid configuration: " + "; ".join(lines)) from None


def load_settings_or_exit() -> Settings:
    """The one way commands read their settings: a bad value prints it and exits 2."""
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()

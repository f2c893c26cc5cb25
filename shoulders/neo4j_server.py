"""Assemble, configure, start and stop a local Neo4j Community server.

No Docker here: the server's jars come from Maven Central through ``shoulders/maven/pom.xml``
into ``<home>/lib`` and the official launcher (``Neo4jCommand``, the class behind the
``neo4j`` script of the tarball) runs it as a daemon. Everything lives in one
folder, ``SHOULDERS_NEO4J_HOME`` (by default ``<SHOULDERS_HOME>/neo4j``)::

    lib      jars (server + Browser)      conf   neo4j.conf, written each start
    data     databases and auth            logs   neo4j.log, debug.log
    run      neo4j.pid                     maven  the POM, copied here so Maven's target/ stays here
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from shoulders.settings import Settings

#: The Maven POM that lists Neo4j's jars: package data, read through importlib.resources.
POM = files("shoulders") / "maven" / "pom.xml"
LAUNCHER = "org.neo4j.server.startup.Neo4jCommand"
ADMIN = "org.neo4j.server.startup.Neo4jAdminCommand"


_JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
)


class Neo4jServerError(Exception):
    """The local server could not be installed, started or stopped."""


@dataclass(frozen=True)
class ServerStatus:
    installed: bool
    pid: int | None
    bolt_ready: bool
    detail: str

    @property
    def running(self) -> bool:
        return self.pid is not None


class LocalNeo4j:
    """The Neo4j server under ``settings.neo4j_home``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = settings.neo4j_home.resolve()

    # --- paths ---------------------------------------------------------------
    @property
    def lib(self) -> Path:
        return self.home / "lib"

    @property
    def conf_file(self) -> Path:
        return self.home / "conf" / "neo4j.conf"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @property
    def installed(self) -> bool:
        return any(self.lib.glob("neo4j-5.*.jar")) and any(self.lib.glob("neo4j-browser-*.jar"))

    # --- install -------------------------------------------------------------
    def install(self) -> None:
        """Resolve the pinned jars from Maven Central (cached in ~/.m2) into lib/."""
        if self.installed:
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jServerError("Maven (mvn) is not on PATH; it is needed to fetch Neo4j's jars")
        self.lib.mkdir(parents=True, exist_ok=True)
        # Maven writes target/ beside the POM: a copy in the home keeps it out of the package.
        pom = self.home / "maven" / "pom.xml"
        pom.parent.mkdir(parents=True, exist_ok=True)
        pom.write_bytes(POM.read_bytes())
        cmd = [mvn, "-q", "-B", "-f", str(pom), "package", f"-Dlib.dir={self.lib}"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not self.installed:
            raise Neo4jServerError(
                "Maven could not assemble Neo4j:\n" + _tail(done.stdout + done.stderr)
            )

    # --- configure -----------------------------------------------------------
    def write_config(self) -> None:
        s = self.settings
        for sub in ("conf", "data", "logs", "plugins", "run", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        # neo4j.conf is strict: no duplicate or unknown keys, no trailing comments.
        lines = [
            "server.default_listen_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{s.bolt_port}",
            # Otherwise the discovery document (and so Browser's connect form) and the
            # routing table advertise :7687, which is another server when ports differ.
            f"server.bolt.advertised_address=127.0.0.1:{s.bolt_port}",
            f"server.http.listen_address=127.0.0.1:{s.neo4j_http_port}",
            "server.https.enabled=false",
            "server.directories.data=data",
            "server.directories.logs=logs",
            "server.directories.plugins=plugins",
            "server.directories.import=import",
            "server.directories.run=run",
            f"server.memory.heap.initial_size={s.neo4j_heap}",
            f"server.memory.heap.max_size={s.neo4j_heap}",
            f"server.memory.pagecache.size={s.neo4j_pagecache}",
            "dbms.memory.transaction.total.max=2g",
            "dbms.usage_report.enabled=false",
            "dbms.security.auth_enabled=true",
            "db.logs.query.enabled=OFF",
            # The only key that may repeat. Without these opens (the tarball's neo4j.conf has
            # them) the page cache logs "Reflection access to java.nio.DirectByteBuffer is not
            # available, using fallback mode", slower and heavier on memory.
            *(f"server.jvm.additional={flag}" for flag in _JVM_FLAGS),
        ]
        self.conf_file.write_text("\n".join(lines) + "\n")

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self.home)
        env["NEO4J_CONF"] = str(self.home / "conf")
        if self.settings.java_home:
            env["JAVA_HOME"] = str(self.settings.java_home)
        return env

    def _java(self) -> str:
        if self.settings.java_home:
            return str(self.settings.java_home / "bin" / "java")
        java = shutil.which("java")
        if java is None:
            raise Neo4jServerError("no java on PATH and JAVA_HOME unset; Neo4j 5.26 needs Java 17+")
        return java

    def _run_java(
        self, main: str, *args: str, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        cmd = [self._java(), "-cp", f"{self.lib}/*", main, *args]
        return subprocess.run(
            cmd, env=self._env(), capture_output=True, text=True, timeout=timeout, check=False
        )

    def _set_initial_password(self) -> None:
        # Only before the first start: afterwards the password lives in the system database.
        if (self.home / "data" / "databases" / "system").exists():
            return
        pw = self.settings.neo4j_password.get_secret_value()
        done = self._run_java(ADMIN, "dbms", "set-initial-password", pw)
        if done.returncode != 0:
            raise Neo4jServerError("could not set the initial password:\n" + _tail(done.stderr))

    # --- lifecycle -----------------------------------------------------------
    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def bolt_ready(self) -> bool:
        s = self.settings
        auth = (s.neo4j_user, s.neo4j_password.get_secret_value())
        try:
            # No retries: this is a probe, polled by start(); the driver's default would block
            # status for up to 30 s while the server boots and log a warning per attempt.
            with GraphDatabase.driver(
                s.neo4j_uri, auth=auth, connection_timeout=3, max_transaction_retry_time=0
            ) as driver:
                records, _, _ = driver.execute_query("RETURN 1 AS ok", database_=s.neo4j_database)
                return bool(records and records[0]["ok"] == 1)
        except AuthError as exc:
            raise Neo4jServerError(
                "Neo4j answers but refuses the credentials: NEO4J_USER/NEO4J_PASSWORD do not match "
                "the password set at the first start (reset it by deleting "
                f"{self.home / 'data'} for a local server)"
            ) from exc
        except (ServiceUnavailable, OSError):
            return False
        except Exception:
            return False

    def status(self) -> ServerStatus:
        pid = self.pid()
        if not self.installed:
            return ServerStatus(False, pid, False, "not installed")
        if pid is None:
            return ServerStatus(True, None, False, "stopped")
        ready = self.bolt_ready()
        state = "running, Bolt answers" if ready else "running, Bolt not answering yet"
        return ServerStatus(True, pid, ready, f"{state} (pid {pid})")

    def start(self) -> ServerStatus:
        """Start (idempotent) and wait until Bolt answers ``RETURN 1``."""
        self.install()
        if self.pid() is None:
            self.write_config()
            self._set_initial_password()
            try:
                # The launcher returns once the JVM is up; on a loaded machine that can take
                # minutes, so it gets the start timeout, not the default two minutes.
                done = self._run_java(LAUNCHER, "start", timeout=self.settings.neo4j_start_timeout)
            except subprocess.TimeoutExpired:
                raise Neo4jServerError(
                    f"the Neo4j launcher did not return within "
                    f"{self.settings.neo4j_start_timeout:.0f}s (SHOULDERS_NEO4J_START_TIMEOUT)"
                    + self.log_tail()
                ) from None
            if done.returncode != 0:
                raise Neo4jServerError(
                    "Neo4j did not start:\n" + _tail(done.stdout + done.stderr) + self.log_tail()
                )
        deadline = time.monotonic() + self.settings.neo4j_start_timeout
        while time.monotonic() < deadline:
            if self.bolt_ready():
                return self.status()
            if self.pid() is None:
                raise Neo4jServerError("Neo4j exited during start-up." + self.log_tail())
            time.sleep(1.0)
        raise Neo4jServerError(
            f"Bolt did not answer within {self.settings.neo4j_start_timeout:.0f}s."
            + self.log_tail()
        )

    def stop(self) -> None:
        """Stop with the launcher (SIGTERM, clean shutdown); no-op when stopped."""
        if self.pid() is None:
            return
        done = self._run_java(LAUNCHER, "stop", timeout=300)
        if done.returncode != 0 and self.pid() is not None:
            raise Neo4jServerError("Neo4j did not stop:\n" + _tail(done.stdout + done.stderr))

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        for name in ("neo4j.log", "debug.log"):
            path = self.home / "logs" / name
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"\n--- tail of {path} ---\n" + "\n".join(text))
        return "".join(parts)

    def admin(self, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
        """Run ``neo4j-admin`` (for example ``database import full``) against this home."""
        return self._run_java(ADMIN, *args, timeout=timeout)


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])

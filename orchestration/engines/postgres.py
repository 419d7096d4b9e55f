"""A throwaway PostgreSQL server on loopback, for tests and local trials.

`local_postgres()` runs `initdb` into a fresh directory, starts the server on a free port
(Unix socket in the same directory), creates the database and stops the server on exit, also
when the body raised. As root (CI containers), the server runs as the `postgres` system user,
since `initdb` refuses root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVER_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin")
SERVICE_USER = "postgres"


@dataclass(frozen=True)
class PostgresServer:
    """Connection details of a running server (trust authentication, no password)."""

    host: str
    port: int
    user: str
    database: str
    data_dir: Path

    def environment(self) -> dict[str, str]:
        """The variables the `postgres` target of profiles.example.yml reads."""
        return {
            "FUNNEL_PG_HOST": self.host,
            "FUNNEL_PG_PORT": str(self.port),
            "FUNNEL_PG_USER": self.user,
            "FUNNEL_PG_PASSWORD": "",
            "FUNNEL_PG_DATABASE": self.database,
        }

    def sqlalchemy_url(self) -> str:
        return f"postgresql+psycopg2://{self.user}@{self.host}:{self.port}/{self.database}"

    def connect(self, database: str | None = None) -> Any:
        """A psycopg2 connection (autocommit off)."""
        import psycopg2

        return psycopg2.connect(
            host=self.host, port=self.port, user=self.user, dbname=database or self.database
        )


def server_bin_dir() -> Path:
    """Where `initdb` and `pg_ctl` live: `$FUNNEL_PG_BIN`, PATH, or Debian's default places."""
    configured = os.environ.get("FUNNEL_PG_BIN")
    candidates = [configured] if configured else []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    candidates += list(SERVER_BIN_DIRS)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise FileNotFoundError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install the PostgreSQL server "
        "or set FUNNEL_PG_BIN to the directory holding them."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    """Run as the `postgres` user when we are root (initdb and postgres refuse root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVICE_USER, "--", *command]
    return command


def _run(command: list[str]) -> None:
    completed = subprocess.run(
        _as_server_user(command), capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        )


@contextmanager
def local_postgres(
    database: str = "funnel", parent_dir: Path | None = None
) -> Iterator[PostgresServer]:
    """Start a fresh server holding an empty `database`; stop it and delete its files on exit.

    Its files go to a new directory under `parent_dir` (default: the system temporary
    directory), which the `postgres` user must be able to reach when we run as root.
    """
    binaries = server_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="funnel-pg-", dir=parent_dir))
    data_dir = root / "data"
    data_dir.mkdir()
    if os.geteuid() == 0:
        service = pwd.getpwnam(SERVICE_USER)
        for path in (root, data_dir):
            os.chown(path, service.pw_uid, service.pw_gid)
        root.chmod(0o755)
    _run(
        [
            str(binaries / "initdb"),
            "-D",
            str(data_dir),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale",
            "C",
        ]
    )
    port = free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c TimeZone=UTC"
    _run(
        [
            str(binaries / "pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            options,
            "-l",
            str(root / "server.log"),
            "-w",
            "start",
        ]
    )
    try:
        server = PostgresServer("127.0.0.1", port, "postgres", database, data_dir)
        connection = server.connect(database="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'create database "{database}"')
        connection.close()
        yield server
    finally:
        _run([str(binaries / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)

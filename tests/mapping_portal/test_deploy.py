"""Deployment in configuration: compose.yaml names only commands that exist and settings that are read, and runs
them; docs/deploy.md lists every environment variable the settings read; uploads on S3 stay behind the portal's
access-checked view.
"""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.core.files.storage import FileSystemStorage
from django.core.management import get_commands
from django.db import connection

from mapping_portal import backups
from mapping_portal.storage import ServedThroughPortal

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SETTINGS = (ROOT / "mapping_portal" / "settings.py").read_text()
STRONG_KEY = "k2%v7!qz-p4#w9@x1^r8&t5*y3(u6)e0+i-o_a[s]d{f}g|h:j;l<z>x?c,v.b/n~m`q"


def settings_variables():
    """Every environment variable mapping_portal/settings.py reads."""
    pattern = r"""(?:os\.environ\.get|os\.environ\[|env_bool|env_list)\(?\s*["']([A-Z0-9_]+)["']"""
    return set(re.findall(pattern, SETTINGS))


def compose_environment(service):
    return COMPOSE["services"][service].get("environment") or {}


def test_the_settings_variables_are_found():
    # The scan itself must work, or the checks below would pass on nothing.
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "STORAGE_S3_BUCKET"} <= settings_variables()
    assert len(settings_variables()) > 25


def test_compose_has_the_database_the_migration_the_web_servers_and_the_workers():
    services = COMPOSE["services"]
    assert set(services) >= {"db", "migrate", "web", "worker"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["worker"]["command"] == ["python", "manage.py", "procrastinate", "worker"]
    assert services["web"]["command"][:2] == ["gunicorn", "mapping_portal.wsgi"]
    assert (ROOT / "Dockerfile").is_file()


@pytest.mark.parametrize("service", ["migrate", "web", "worker"])
def test_every_variable_compose_sets_for_the_portal_is_read_by_the_settings(service):
    environment = compose_environment(service)
    assert environment, f"{service} sets no environment"
    assert set(environment) - settings_variables() == set()


@pytest.mark.parametrize("service", ["migrate", "worker"])
def test_every_manage_py_command_in_compose_exists(service):
    command = COMPOSE["services"][service]["command"]
    assert command[:2] == ["python", "manage.py"]
    assert command[2] in get_commands()


def test_the_gunicorn_config_file_compose_names_exists():
    command = COMPOSE["services"]["web"]["command"]
    config = command[command.index("--config") + 1]
    assert (ROOT / config).is_file()


def portal_environment():
    """compose's environment for the portal, pointed at the test database (a unix socket here, `db` there)."""
    environment = {key: str(value) for key, value in compose_environment("web").items()}
    environment = {key: value for key, value in environment.items() if "${" not in value}
    database = connection.settings_dict
    environment.update(
        DATABASE_URL=f"postgres://{database['USER']}@/{database['NAME']}?host={database['HOST']}&port={database['PORT']}",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="localhost,127.0.0.1",
    )
    kept = {key: value for key, value in os.environ.items() if key not in settings_variables()}
    return {**kept, **environment, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}


@pytest.mark.django_db
def test_the_migrate_service_runs_its_command():
    command = COMPOSE["services"]["migrate"]["command"]
    result = subprocess.run(
        [sys.executable, *command[1:]], cwd=ROOT, env=portal_environment(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No migrations to apply" in result.stdout


@pytest.mark.django_db
def test_the_web_service_runs_its_command_and_answers_the_health_check(unused_port, tmp_path):
    command = COMPOSE["services"]["web"]["command"]
    command = [a if a != "0.0.0.0:8000" else f"127.0.0.1:{unused_port}" for a in command]
    command[command.index("--workers") + 1] = "1"
    log = open(tmp_path / "gunicorn.log", "w+")
    server = subprocess.Popen(command, cwd=ROOT, env=portal_environment(), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{unused_port}/healthz", timeout=5) as response:
                    body = response.read()
                    break
            except urllib.error.HTTPError as error:
                pytest.fail(f"/healthz answered {error.code}: {(tmp_path / 'gunicorn.log').read_text()}")
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.3)
        assert b'"database": "ok"' in body
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


@pytest.mark.django_db
def test_the_worker_service_runs_its_command():
    command = COMPOSE["services"]["worker"]["command"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        started = cursor.fetchone()[0]
    worker = subprocess.Popen(
        [sys.executable, *command[1:]],
        cwd=ROOT,
        env=portal_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, registered = time.monotonic() + 30, 0
        while not registered and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
            with connection.cursor() as cursor:  # a running worker records itself there (its heartbeat)
                cursor.execute("SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat >= %s", [started])
                registered = cursor.fetchone()[0]
        assert worker.poll() is None, f"the worker stopped: {worker.stdout.read()}"
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0]
    assert "Traceback" not in output, output
    assert registered, "the worker never registered in procrastinate_workers (did it reach the database?)"


@pytest.fixture
def unused_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_deploy_md_lists_every_environment_variable_the_settings_read():
    text = (ROOT / "docs" / "deploy.md").read_text()
    assert {name for name in settings_variables() if f"`{name}`" not in text} == set()


def test_with_an_s3_bucket_the_uploads_go_to_private_s3_storage():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(repr(settings.STORAGES['default']))"],
        cwd=ROOT,
        env={
            **portal_environment_for_settings(),
            "STORAGE_S3_BUCKET": "portal-uploads",
            "STORAGE_S3_ENDPOINT_URL": "https://s3.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    storage = eval(result.stdout)  # a repr of a dict of plain values
    assert storage["BACKEND"] == "mapping_portal.storage.PrivateS3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "portal-uploads"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["default_acl"] is None  # no public-read ACL on any object
    assert options["querystring_auth"] is False  # no signed links: files go through the portal's view
    assert options["file_overwrite"] is False


def portal_environment_for_settings():
    kept = {key: value for key, value in os.environ.items() if key not in settings_variables()}
    return {
        **kept,
        "DJANGO_SETTINGS_MODULE": "mapping_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": "postgres://nobody@localhost/never-connected",
    }


def test_without_a_bucket_the_uploads_stay_on_the_local_disk():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"],
        cwd=ROOT,
        env=portal_environment_for_settings(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage", result.stderr


def test_a_stored_file_s_url_is_the_portal_s_access_checked_view(settings):
    class Storage(ServedThroughPortal, FileSystemStorage):
        pass

    assert Storage().url("logos/2026/a b.png") == "/media/logos/2026/a%20b.png"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "mapping_portal.storage.PrivateS3Storage"}}
    assert not backups.media_on_disk()  # the backup leaves object storage to the bucket's own protection


def test_the_s3_storage_is_built_from_those_options_and_serves_through_the_portal():
    from mapping_portal.storage import PrivateS3Storage

    storage = PrivateS3Storage(
        bucket_name="portal-uploads",
        endpoint_url="https://s3.example.org",
        access_key="key",
        secret_key="secret",
        default_acl=None,
        querystring_auth=False,
        file_overwrite=False,
    )
    assert (storage.bucket_name, storage.default_acl, storage.querystring_auth) == ("portal-uploads", None, False)
    assert storage.url("jobs/a b.csv") == "/media/jobs/a%20b.csv"

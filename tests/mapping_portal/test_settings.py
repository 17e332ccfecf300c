"""Settings from the environment: production refuses the development key and passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k2%v7!qz-p4#w9@x1^r8&t5*y3(u6)e0+i-o_a[s]d{f}g|h:j;l<z>x?c,v.b/n~m`q"


def manage(*args, **env):
    settings = connection.settings_dict
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    # The subprocess talks to the same PostgreSQL as the tests.
    base["DATABASE_URL"] = (
        f"postgres://{settings['USER']}@/{settings['NAME']}?host={settings['HOST']}&port={settings['PORT']}"
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db
def test_debug_off_refuses_the_development_secret_key():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "refuses the development key" in result.stderr


@pytest.mark.django_db
def test_production_settings_pass_check_deploy_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="portal.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_a_database_url_that_is_not_postgresql_is_refused():
    result = manage("check", DEBUG="1", DATABASE_URL="sqlite:///portal.db")
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


@pytest.mark.django_db
def test_settings_are_read_from_a_dotenv_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(f"DEBUG=0\nSECRET_KEY={STRONG_KEY}\nALLOWED_HOSTS=portal.example.org\n")
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.ALLOWED_HOSTS, settings.DEBUG)",
        ENV_FILE=str(env_file),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['portal.example.org'] False"

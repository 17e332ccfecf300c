"""GET /healthz: 200 with the database's status, 503 when the database does not answer."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_the_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def database_down(tmp_path):
    """Point the live connection at an empty socket directory: a real failed connection, no mock."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"] = str(tmp_path)
    connection.settings_dict["CONN_MAX_AGE"] = 0
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@pytest.mark.django_db
def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405

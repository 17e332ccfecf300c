"""Uploaded files are served only through the access-checked view, never from a public folder."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from mapping_portal import hooks


@pytest.fixture
def private_upload(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    name = default_storage.save("testdocs/plan.txt", ContentFile(b"protocol no. 12"))
    # Rule of this folder: only admins and staff may see its files.
    hooks.media.register(lambda user, path: user.is_authenticated and user.role in {"admin", "staff"}, key="testdocs")
    yield name
    hooks.media.unregister("testdocs")


def test_a_user_the_rule_allows_gets_the_file(client_for, users, private_upload):
    response = client_for(users["staff"]).get(f"/media/{private_upload}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"protocol no. 12"
    assert response["Cache-Control"].startswith("private")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ["anonymous", "viewer", "la_kyshtut"])
def test_everyone_else_gets_404(client_for, users, private_upload, role):
    assert client_for(users[role]).get(f"/media/{private_upload}").status_code == 404


def test_a_folder_without_a_rule_is_never_served(client_for, users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    default_storage.save("unregistered/secret.txt", ContentFile(b"x"))
    assert client_for(users["admin"]).get("/media/unregistered/secret.txt").status_code == 404


@pytest.mark.parametrize(
    "path", ["testdocs/../../etc/passwd", "testdocs/%2e%2e/%2e%2e/etc/passwd", "testdocs/missing.txt"]
)
def test_traversal_and_missing_files_answer_404(client_for, users, private_upload, path):
    assert client_for(users["admin"]).get(f"/media/{path}").status_code == 404


def test_media_root_is_not_inside_the_static_folders(settings):
    from pathlib import Path

    media_root = Path(settings.MEDIA_ROOT).resolve()
    for folder in [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]:
        assert not media_root.is_relative_to(Path(folder).resolve())

"""Security baseline: a strict CSP, login throttling by username and address with a cool-off, sessions."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.helpers import url


def test_content_security_policy_forbids_inline_script_and_style(client, sites):
    policy = client.get("/ky/map/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    # 'self', plus the hash of the one inline rule Cytoscape needs (never 'unsafe-inline').
    assert directives["style-src"].split()[0] == "'self'"
    assert all(source.startswith("'sha256-") for source in directives["style-src"].split()[1:])
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    # Map tiles are the one outside source, and only as images.
    assert "tile.openstreetmap.org" in directives["img-src"]


@pytest.mark.parametrize("url", ["/ky/", "/ky/map/", "/ky/accounts/login/"])
def test_pages_carry_no_inline_script_or_style(client, sites, url):
    page = client.get(url).content.decode()
    assert "style=" not in page
    for chunk in page.split("<script")[1:]:
        head = chunk.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head, head


def login(client, username, password, address="10.0.0.1", language="ky"):
    return client.post(
        url("accounts:login", language=language), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_correct_password_signs_in_and_lands_in_the_preferred_language(client, users):
    users["staff"].preferred_language = "ru"
    users["staff"].save()
    response = login(client, "staff", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_wrong_password_gets_a_clear_message(client, users):
    response = login(client, "staff", "wrong", language="en")
    assert response.status_code == 200
    assert "Wrong username or password" in response.content.decode()


def test_the_wrong_password_message_is_in_kyrgyz_on_kyrgyz_pages(client, users):
    # Django's own Kyrgyz catalogue lacks this message; the portal's catalogue provides it.
    response = login(client, "staff", "wrong", language="ky")
    assert "Колдонуучунун аты же сырсөз туура эмес" in response.content.decode()


def test_five_failures_lock_that_username_from_that_address(client, users):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, "staff", "wrong")
    locked = login(client, "staff", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_shut_out_the_whole_office(client, users):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, "staff", "wrong")
    # A colleague behind the same address still signs in…
    assert login(client, "viewer", PASSWORD).status_code == 302
    client.logout()
    # …and so does the same user from another address.
    assert login(client, "staff", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, users, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, "staff", "wrong")
    assert login(client, "staff", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(hours=1))
    assert login(client, "staff", PASSWORD).status_code == 302


def test_sessions_end_when_left_idle(client, users):
    login(client, "staff", PASSWORD)
    assert django_settings.SESSION_SAVE_EVERY_REQUEST
    assert client.session.get_expiry_age() == django_settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_sign_out_is_a_post(client, users):
    client.force_login(users["staff"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_in_does_not_redirect_to_another_site(client, users):
    response = client.post(
        reverse("accounts:login"), {"username": "staff", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/ky/"

"""Password reset: a link by email in the reader's language, the same answer whether or not an address has an account,
nothing for inactive or password-less accounts, throttled per address and per IP, and an admin action."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import caches

from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "a-fresh-secret-for-kyshtut-42"
LINK = re.compile(r"https?://[^/\s]+(/\S+/accounts/reset/\S+/)")


@pytest.fixture(autouse=True)
def empty_throttle(db):
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@pytest.fixture
def person(sites):
    return make_user("aizada", "viewer", email="Aizada@example.org", first_name="Айзада", preferred_language="ru")


def ask(client, email, language="ky", ip="10.0.0.1"):
    return client.post(f"/{language}/accounts/password-reset/", {"email": email}, REMOTE_ADDR=ip)


def link_in(message):
    return LINK.search(message.body).group(1)


def test_the_login_page_links_to_the_reset_in_its_language(client, db):
    response = client.get("/ru/accounts/login/")
    assert 'href="/ru/accounts/password-reset/"' in response.content.decode()


def test_the_whole_flow_sets_a_new_password_that_signs_in(client, person):
    response = ask(client, "aizada@EXAMPLE.org", language="ky")  # any case of the address
    assert response.status_code == 302
    assert response["Location"] == "/ky/accounts/password-reset/sent/"
    assert client.get(response["Location"]).status_code == 200

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Aizada@example.org"]
    assert message.subject == "Картага түшүрүү порталы: жаңы сырсөз коюу"  # the page's language, Kyrgyz
    assert "Саламатсызбы, Айзада." in message.body
    link = link_in(message)
    assert link.startswith("/ky/accounts/reset/")

    form_page = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ky/accounts/reset/done/"

    client.logout()
    signed_in = client.post("/ky/accounts/login/", {"username": "aizada", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/ky/").context["user"].username == "aizada"
    client.logout()
    old = client.post("/ky/accounts/login/", {"username": "aizada", "password": PASSWORD})
    assert old.status_code == 200  # the old password is gone


def test_the_email_follows_the_page_language(client, person):
    ask(client, "aizada@example.org", language="ru")
    ask(client, "aizada@example.org", language="en")
    russian, english = mail.outbox
    assert russian.subject == "Портал картирования: новый пароль"
    assert link_in(russian).startswith("/ru/accounts/reset/")
    assert english.subject == "Set a new password for the mapping portal"
    assert link_in(english).startswith("/en/accounts/reset/")


def test_a_link_works_once(client, person):
    ask(client, "aizada@example.org")
    link = link_in(mail.outbox[0])
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert again.status_code == 200
    assert not again.context["validlink"]
    assert 'href="/ky/accounts/password-reset/"' in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, person):
    known = ask(client, "aizada@example.org")
    unknown = ask(client, "nobody@example.org")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m.to for m in mail.outbox] == [["Aizada@example.org"]]


@pytest.mark.parametrize("how", ["inactive", "no usable password"])
def test_inactive_or_password_less_accounts_get_nothing(client, person, how):
    if how == "inactive":
        person.is_active = False
    else:
        person.set_unusable_password()
    person.save()
    response = ask(client, "aizada@example.org")
    assert response["Location"] == "/ky/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_a_bad_address_is_a_message_not_a_500(client, db):
    response = ask(client, "not an address\x00")
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert 'data-testid="form-errors"' in response.content.decode()


def test_the_sixth_request_for_one_address_is_refused_in_the_readers_language(client, person):
    for number in range(5):
        assert ask(client, "aizada@example.org", ip=f"10.0.1.{number}").status_code == 302
    refused = ask(client, "AIZADA@example.org", language="ru", ip="10.0.1.99")
    assert refused.status_code == 429
    assert "Слишком много запросов" in refused.content.decode()
    assert refused["Retry-After"] == "3600"
    assert len(mail.outbox) == 5
    # another address from the same connections is not held back
    assert ask(client, "someone@example.org", ip="10.0.1.0").status_code == 302


def test_the_sixth_request_from_one_ip_is_refused_whatever_the_address(client, person):
    for number in range(5):
        assert ask(client, f"guess{number}@example.org", ip="10.0.2.1").status_code == 302
    refused = ask(client, "aizada@example.org", ip="10.0.2.1")
    assert refused.status_code == 429
    assert "Өтө көп сурам" in refused.content.decode()
    assert mail.outbox == []
    assert ask(client, "aizada@example.org", ip="10.0.2.2").status_code == 302  # another connection is served


def test_the_window_passes(client, person, settings, monkeypatch):
    import time as time_module

    now = time_module.time()
    monkeypatch.setattr("mapping_portal.accounts.time.time", lambda: now)
    for _ in range(5):
        ask(client, "aizada@example.org")
    assert ask(client, "aizada@example.org").status_code == 429
    monkeypatch.setattr("mapping_portal.accounts.time.time", lambda: now + settings.PASSWORD_RESET_WINDOW + 1)
    assert ask(client, "aizada@example.org").status_code == 302


def test_a_new_password_clears_failed_sign_ins(client, person):
    for _ in range(5):
        client.post("/ky/accounts/login/", {"username": "aizada", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="aizada").exists()
    ask(client, "aizada@example.org")
    page = client.get(link_in(mail.outbox[0]), follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not AccessAttempt.objects.filter(username="aizada").exists()
    assert client.post("/ky/accounts/login/", {"username": "aizada", "password": NEW_PASSWORD}).status_code == 302


def test_a_mail_server_down_is_not_a_500(client, person, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    response = ask(client, "aizada@example.org")
    assert response["Location"] == "/ky/accounts/password-reset/sent/"


# --- The admin's action -------------------------------------------------------------------------------------


def run_action(client, users):
    return client.post(
        "/admin/mapping_portal/user/",
        {"action": "send_password_reset", "_selected_action": [user.pk for user in users]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_an_admin_sends_links_to_several_users_each_in_their_language(client_for, admin, person, sites):
    other = make_user("bakyt", "staff", email="bakyt@example.org", preferred_language="ky")
    no_email = make_user("nomail", "viewer")
    response = run_action(client_for(admin), [person, other, no_email])
    messages = [str(m) for m in response.context["messages"]]
    assert "A password-reset link was sent to 2 users." in messages
    assert any(m.startswith("1 user got no link") for m in messages)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"Aizada@example.org", "bakyt@example.org"}
    assert link_in(by_address["Aizada@example.org"]).startswith("/ru/accounts/reset/")
    assert by_address["Aizada@example.org"].subject == "Портал картирования: новый пароль"
    assert link_in(by_address["bakyt@example.org"]).startswith("/ky/accounts/reset/")


def test_the_action_is_offered_to_admins(client_for, admin):
    page = client_for(admin).get("/admin/mapping_portal/user/")
    assert 'value="send_password_reset"' in page.content.decode()


@pytest.mark.parametrize("role", ["staff", "la_kyshtut", "reviewer", "viewer", "applicant"])
def test_other_roles_cannot_send_links(client_for, users, person, role):
    response = run_action(client_for(users[role]), [person])
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert mail.outbox == []


def test_mistyped_addresses_do_not_use_up_the_limit(client, person):
    for _ in range(6):
        assert ask(client, "aizada@", ip="10.0.3.1").status_code == 200
    assert ask(client, "aizada@example.org", ip="10.0.3.1").status_code == 302
    assert len(mail.outbox) == 1

"""Applicant accounts without the Django admin: staff invite a person from their page (a user with the applicant
role, linked, with a one-time link to set the password), or link an existing applicant user; a person registers on
a public form and staff confirm the link to the registry record, or refuse. Staff only, within their sites (404
outside, 403 for other roles); throttled like the password reset; every step in the history."""

import re

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from grants.models import ApplicantAccount, ApplicantRegistration
from mapping_portal.models import User
from stakeholders.models import Person
from tests.conftest import make_user

NEW_PASSWORD = "a-fresh-secret-for-kyshtut-42"
LINK = re.compile(r"https?://[^/\s]+(/\S+/accounts/reset/\S+/)")


@pytest.fixture(autouse=True)
def empty_throttle(db):
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def url(name, *args):
    with translation.override("en"):
        return reverse(f"grants:{name}", args=args)


def person_page(pk):
    with translation.override("en"):
        return reverse("stakeholders:person-detail", args=[pk])


@pytest.fixture
def gulnara(make_person):
    return make_person(full_name="Гулнара Ташиева", email="gulnara@example.org", site="kyshtut")


def invite(client, person, email="gulnara@example.org", language="ky"):
    return client.post(url("applicant-invite", person.pk), {"email": email, "language": language}, follow=True)


# --- Invitation from the person's page ----------------------------------------------------------------------


def test_staff_see_the_section_and_invite_a_person(client_for, staff, gulnara):
    client = client_for(staff)
    with translation.override("en"):
        page = client.get(person_page(gulnara.pk)).content.decode()
    assert 'data-testid="applicant-account"' in page and 'value="gulnara@example.org"' in page
    response = invite(client, gulnara)
    assert response.status_code == 200 and "The invitation was sent to gulnara@example.org" in response.content.decode()
    account = ApplicantAccount.objects.get(person=gulnara)
    user = account.user
    assert (user.role, user.email, user.is_active, user.has_usable_password()) == (
        "applicant",
        "gulnara@example.org",
        True,
        False,
    )
    assert (account.invited_by, user.preferred_language) == (staff, "ky")
    assert account.history.get().history_user == staff and user.history.get().history_user == staff
    (message,) = mail.outbox
    assert message.to == ["gulnara@example.org"] and "Гулнара Ташиева" in message.body
    assert LINK.search(message.body).group(1).startswith("/ky/accounts/reset/")


def test_the_invitee_sets_a_password_once_and_sees_their_applications(client, staff, gulnara, make_application):
    client.force_login(staff)
    invite(client, gulnara, language="ru")
    mine = make_application(lead_applicant=gulnara, title="Жаштар үчүн спорт аянтчасы")
    other = make_application(title="Башка долбоор")
    client.logout()
    link = LINK.search(mail.outbox[0].body).group(1)
    assert link.startswith("/ru/")
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    assert client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    user = ApplicantAccount.objects.get(person=gulnara).user
    signed_in = client.post("/ky/accounts/login/", {"username": user.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    listing = client.get(url("application-list")).content.decode()
    assert mine.title in listing and other.title not in listing
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]  # the link worked once


@pytest.mark.parametrize(
    ("email", "said"),
    [("not-an-address", "Enter a valid email address"), ("", "This field is required"), ("a\x00@b.kg", "Null")],
)
def test_a_bad_address_is_a_clear_message(client_for, staff, gulnara, email, said):
    response = invite(client_for(staff), gulnara, email=email)
    assert response.status_code == 200
    assert said in response.content.decode() and not ApplicantAccount.objects.exists() and mail.outbox == []


def test_an_address_of_another_user_is_refused(client_for, staff, gulnara, users):
    users["viewer"].email = "Gulnara@Example.org"
    users["viewer"].save()
    response = invite(client_for(staff), gulnara)
    assert "already belongs to a user" in response.content.decode() and not ApplicantAccount.objects.exists()


def test_a_merged_or_deactivated_person_is_not_invited(client_for, staff, gulnara, make_person):
    gulnara.is_active = False
    gulnara.save()
    response = invite(client_for(staff), gulnara)
    assert "Choose an active person" in response.content.decode() and not ApplicantAccount.objects.exists()


def test_invitations_are_throttled_per_address(client_for, staff, gulnara, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    client = client_for(staff)
    invite(client, gulnara)
    account = ApplicantAccount.objects.get()
    client.post(url("applicant-invite-again", account.pk))
    response = client.post(url("applicant-invite-again", account.pk), follow=True)
    assert "Too many invitations to this address" in response.content.decode()
    assert len(mail.outbox) == 2
    assert account.history.count() == 2  # created, invited again (the refused one is not a step)


def test_invite_again_is_refused_once_the_password_is_set(client_for, staff, gulnara):
    client = client_for(staff)
    invite(client, gulnara)
    user = ApplicantAccount.objects.get().user
    user.set_password(NEW_PASSWORD)
    user.save()
    response = client.post(url("applicant-invite-again", user.applicant_account.pk), follow=True)
    assert "already has its password" in response.content.decode() and len(mail.outbox) == 1


def test_staff_link_an_existing_applicant_user(client_for, staff, users, gulnara):
    applicant = users["applicant"]
    client = client_for(staff)
    with translation.override("en"):
        page = client.get(person_page(gulnara.pk)).content.decode()
    assert 'data-testid="link-form"' in page and f'value="{applicant.pk}"' in page
    assert f'value="{users["viewer"].pk}"' not in page  # only applicant users are offered
    client.post(url("applicant-link", gulnara.pk), {"user": applicant.pk})
    assert ApplicantAccount.objects.get(user=applicant).person == gulnara


def test_linking_a_user_of_another_role_or_one_linked_is_refused(client_for, staff, users, gulnara, make_person):
    client = client_for(staff)
    response = client.post(url("applicant-link", gulnara.pk), {"user": users["viewer"].pk}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    ApplicantAccount.objects.create(user=users["applicant"], person=make_person())
    response = client.post(url("applicant-link", gulnara.pk), {"user": users["applicant"].pk}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    response = client.post(url("applicant-link", gulnara.pk), {"user": "²"}, follow=True)
    assert response.status_code == 200 and ApplicantAccount.objects.filter(person=gulnara).count() == 0


@pytest.mark.parametrize("role", ["la_kyshtut", "viewer", "reviewer", "applicant"])
def test_other_roles_neither_see_nor_use_the_section(client_for, users, gulnara, role):
    client = client_for(users[role])
    assert client.get(person_page(gulnara.pk)).status_code in {403, 404}
    for name, data in [("applicant-invite", {"email": "x@example.org", "language": "ky"}), ("applicant-link", {})]:
        assert client.post(url(name, gulnara.pk), data).status_code == 403
    assert not ApplicantAccount.objects.exists() and mail.outbox == []


def test_staff_of_another_site_get_404(client_for, gulnara):
    kerben_staff = make_user("kerben-officer", "staff", ["kerben"])
    client = client_for(kerben_staff)
    assert client.get(person_page(gulnara.pk)).status_code == 404
    response = client.post(url("applicant-invite", gulnara.pk), {"email": "g@example.org", "language": "ky"})
    assert response.status_code == 404 and not ApplicantAccount.objects.exists()


def test_invite_again_outside_the_sites_is_404(client_for, staff, gulnara):
    invite(client_for(staff), gulnara)
    account = ApplicantAccount.objects.get()
    client = client_for(make_user("kerben-officer", "staff", ["kerben"]))
    assert client.post(url("applicant-invite-again", account.pk)).status_code == 404


def test_the_person_page_takes_constant_queries_with_the_section(client_for, staff, gulnara, make_person):
    client = client_for(staff)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(person_page(gulnara.pk)).status_code == 200
        return len(captured)

    few = count()
    for n in range(3):
        make_user(f"applicant-{n}", "applicant")
    assert count() == few
    other = make_person()
    for n in range(3):
        ApplicantAccount.objects.create(user=make_user(f"linked-{n}", "applicant"), person=other)
    assert count() == few


# --- Registration ------------------------------------------------------------------------------------------------


REGISTRATION = {
    "full_name": "Гулнара Ташиева",
    "email": "gulnara@example.org",
    "phone": "+996 555 123 456",
    "statement": "Үч күндүк тренингден өттүм; жаштар үчүн спорт аянтчасы.",
    "consent": "on",
}


def register(client, sites, language="ky", ip="10.0.0.1", **changes):
    data = REGISTRATION | {"site": sites["kyshtut"].pk} | changes
    return client.post(f"/{language}/grants/register/", data, REMOTE_ADDR=ip)


def test_anyone_registers_and_nothing_but_the_registration_is_created(client, sites):
    assert client.get("/ky/grants/register/").status_code == 200
    response = register(client, sites)
    assert response.status_code == 302 and response["Location"] == "/ky/grants/register/sent/"
    assert client.get(response["Location"]).status_code == 200
    registration = ApplicantRegistration.objects.get()
    assert (registration.status, registration.language, registration.site.slug) == ("waiting", "ky", "kyshtut")
    assert not User.objects.filter(role="applicant").exclude(username="applicant").exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"email": "nope"}, "Enter a valid email address"),
        ({"full_name": ""}, "This field is required"),
        ({"consent": ""}, "This field is required"),
        ({"statement": "ө" * 1001}, "at most 1000 characters"),
        ({"site": "999999"}, "Select a valid choice"),
        ({"full_name": "a\x00b"}, "Null characters are not allowed"),
    ],
)
def test_a_bad_registration_is_a_clear_message(client, sites, changes, said):
    response = register(client, sites, language="en", **changes)
    assert response.status_code == 200 and said in response.content.decode()
    assert not ApplicantRegistration.objects.exists()


def test_registrations_are_throttled_per_address_and_per_ip(client, sites, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    assert register(client, sites, ip="10.0.0.1").status_code == 302
    assert register(client, sites, ip="10.0.0.2").status_code == 302
    assert register(client, sites, ip="10.0.0.3").status_code == 429  # the address, a third time
    assert register(client, sites, ip="10.0.0.1", email="other@example.org").status_code == 302
    assert register(client, sites, ip="10.0.0.1", email="third@example.org").status_code == 429  # the IP
    assert ApplicantRegistration.objects.count() == 3


@pytest.fixture
def waiting(client, sites):
    register(client, sites)
    return ApplicantRegistration.objects.get()


def test_staff_see_the_waiting_registrations_of_their_sites_only(client_for, staff, waiting, sites):
    with translation.override("en"):
        page = client_for(staff).get(url("registration-list")).content.decode()
    assert "Гулнара Ташиева" in page
    kerben = client_for(make_user("kerben-officer", "staff", ["kerben"]))
    assert "Гулнара Ташиева" not in kerben.get(url("registration-list")).content.decode()
    assert kerben.get(url("registration-detail", waiting.pk)).status_code == 404


@pytest.mark.parametrize("role", ["la_kyshtut", "viewer", "reviewer", "applicant"])
def test_other_roles_get_403_on_registrations(client_for, users, waiting, role):
    client = client_for(users[role])
    assert client.get(url("registration-list")).status_code == 403
    assert client.get(url("registration-detail", waiting.pk)).status_code == 403
    assert client.post(url("registration-refuse", waiting.pk)).status_code == 403
    assert ApplicantRegistration.objects.get().status == "waiting"


def test_confirming_links_a_person_of_the_registry_and_invites(client_for, staff, waiting, gulnara, make_person):
    make_person(full_name="Гулнара Ташиева", site="kerben")  # same name, another site: not offered
    client = client_for(staff)
    with translation.override("en"):
        page = client.get(url("registration-detail", waiting.pk)).content.decode()
    assert f'value="{gulnara.pk}"' in page and page.count('name="person"') == 2  # gulnara, and "new"
    response = client.post(url("registration-detail", waiting.pk), {"person": gulnara.pk})
    assert response.status_code == 302 and response["Location"] == person_page(gulnara.pk)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by, waiting.account.person) == ("confirmed", staff, gulnara)
    assert waiting.account.user.email == "gulnara@example.org" and len(mail.outbox) == 1
    assert [entry.status for entry in waiting.history.order_by("history_date")] == ["waiting", "confirmed"]


def test_confirming_creates_the_person_when_none_is_like_them(client_for, staff, waiting):
    client = client_for(staff)
    response = client.post(url("registration-detail", waiting.pk), {"person": "new"})
    assert response.status_code == 200 and "Choose the person" in response.content.decode()
    assert not Person.objects.exists()
    client.post(url("registration-detail", waiting.pk), {"person": "new", "sex": "female"})
    person = Person.objects.get()
    assert (person.full_name, person.site.slug, person.phone, person.sex) == (
        "Гулнара Ташиева",
        "kyshtut",
        "+996 555 123 456",
        "female",
    )
    assert person.consent_date is not None and person.history.get().history_user == staff
    assert ApplicantAccount.objects.get().person == person


def test_a_person_not_offered_is_refused(client_for, staff, waiting, make_person):
    elsewhere = make_person(full_name="Гулнара Ташиева", site="kerben")
    response = client_for(staff).post(url("registration-detail", waiting.pk), {"person": elsewhere.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not ApplicantAccount.objects.exists()


def test_refusing_keeps_the_registration_refused_and_decided_once(client_for, staff, waiting, gulnara):
    client = client_for(staff)
    client.post(url("registration-refuse", waiting.pk))
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == ("refused", staff)
    response = client.post(url("registration-detail", waiting.pk), {"person": gulnara.pk}, follow=True)
    assert response.status_code == 200 and not ApplicantAccount.objects.exists()
    response = client.post(url("registration-refuse", waiting.pk), follow=True)
    assert "already decided" in response.content.decode()


def test_the_registration_pages_take_constant_queries(client_for, staff, sites, client):
    for n in range(2):
        register(client, sites, email=f"a{n}@example.org", ip=f"10.0.1.{n}")
    first = ApplicantRegistration.objects.first()
    staff_client = client_for(staff)

    def count(path):
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(path).status_code == 200
        return len(captured)

    few = (count(url("registration-list")), count(url("registration-detail", first.pk)))
    staff_client.logout()
    for n in range(2, 6):
        register(staff_client, sites, email=f"a{n}@example.org", ip=f"10.0.1.{n}")
    staff_client.force_login(staff)
    staff_client.post(url("registration-refuse", ApplicantRegistration.objects.last().pk))
    assert (count(url("registration-list")), count(url("registration-detail", first.pk))) == few


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_sign_in_page_leads_to_the_registration(client, db, language):
    """Nobody reaches the registration by typing its address: the sign-in page links to it, in every language."""
    with translation.override(language):
        login, register = reverse("accounts:login"), reverse("grants:applicant-register")
    page = client.get(login)
    assert page.status_code == 200
    assert f'href="{register}"' in page.content.decode()
    assert client.get(register).status_code == 200

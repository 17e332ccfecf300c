"""Journeys of the grants' gaps closed in issue 16: staff invite a person from their page, the invitee sets a
password with the one-time link, signs in and sees their applications; an assigned reviewer opens an application's
attachment (another reviewer gets 404)."""

import re

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from grants import workflow
from grants.models import ApplicantAccount, ApplicationAttachment
from tests.conftest import PASSWORD, make_user
from tests.grants.conftest import make_application, make_call  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://[^/\s]+(/\S+/accounts/reset/\S+/)")
NEW_PASSWORD = "a-fresh-secret-for-kyshtut-42"


def test_staff_invite_and_the_invitee_signs_in_to_their_applications(
    page,
    sign_in,
    users,
    make_person,
    make_application,  # noqa: F811
):
    caches["throttle"].clear()
    gulnara = make_person(full_name="Гулнара Ташиева", email="gulnara@example.org", site="kyshtut")
    make_application(lead_applicant=gulnara, title="Жаштар үчүн спорт аянтчасы", status="submitted")
    make_application(title="Башка бирөөнүн долбоору")

    sign_in("staff", PASSWORD)
    page.goto(f"/en/stakeholders/people/{gulnara.pk}/")
    section = page.get_by_test_id("applicant-account")
    expect(section.get_by_label("Email")).to_have_value("gulnara@example.org")
    section.get_by_label("Language of the invitation").select_option("ru")
    section.get_by_test_id("invite").click()
    expect(page.locator(".alert-success")).to_contain_text("gulnara@example.org")
    expect(page.get_by_test_id("applicant-account-row")).to_contain_text("invitation sent")
    user = ApplicantAccount.objects.get(person=gulnara).user

    page.context.clear_cookies()  # the invitee, on their own device
    link = LINK.search(mail.outbox[-1].body).group(1)
    assert link.startswith("/ru/")
    page.goto(link)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.locator("form button[type=submit]:not([name=language])").click()
    page.wait_for_load_state()
    sign_in(user.username, NEW_PASSWORD)
    page.goto("/en/grants/applications/")
    expect(page.get_by_role("link", name="Жаштар үчүн спорт аянтчасы")).to_be_visible()
    expect(page.get_by_text("Башка бирөөнүн долбоору")).to_have_count(0)


def test_the_assigned_reviewer_opens_the_attachment(
    page,
    sign_in,
    users,
    settings,
    tmp_path,
    client,
    make_application,  # noqa: F811
):
    settings.MEDIA_ROOT = str(tmp_path)
    application = make_application(status="in_review", title="Аялдардын тигүү цехи")
    attachment = ApplicationAttachment(application=application, name="Бюджеттин сканы", kind="pdf", size=16)
    attachment.file.save("scan.pdf", ContentFile(b"%PDF-1.4\n%demo\n"), save=False)
    attachment.save()
    workflow.assign_reviewer(application, users["reviewer"], users["staff"])
    make_user("reviewer-other", "reviewer")

    sign_in("reviewer", PASSWORD)
    page.goto(f"/en/grants/applications/{application.pk}/")
    link = page.get_by_test_id("attachments").get_by_role("link", name="Бюджеттин сканы")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href == f"/media/{attachment.file.name}"
    # Django's live server answers /media/ itself from MEDIA_ROOT, around the portal's checked view: the file is
    # fetched through that view with the browser's session instead.
    assert through_the_portal(client, page, href).status_code == 200

    page.context.clear_cookies()
    sign_in("reviewer-other", PASSWORD)
    assert through_the_portal(client, page, href).status_code == 404
    assert page.request.get(f"/en/grants/applications/{application.pk}/").status == 404


def through_the_portal(client, page, path):
    """GET `path` through the portal's own URLs (not the live server's media handler), as the browser's session."""
    session = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "sessionid")
    client.cookies["sessionid"] = session
    response = client.get(path)
    if response.status_code == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    return response

"""The journey of a forgotten password, in Kyrgyz: ask for a link from the sign-in page, open it from the email, set
a new password, sign in with it."""

import re

import pytest
from django.core import mail
from django.core.cache import caches
from playwright.sync_api import expect

from tests.conftest import make_user

pytestmark = pytest.mark.browser
NEW_PASSWORD = "kyshtut-jany-syrsoz-2026"


def test_a_forgotten_password_is_reset_by_email_in_kyrgyz(page, live_server, sites):
    caches["throttle"].clear()
    make_user("aizada", "viewer", email="aizada@example.org", first_name="Айзада")

    page.goto("/ky/accounts/login/")
    page.get_by_role("link", name="Сырсөзүңүздү унутуп калдыңызбы?").click()
    expect(page).to_have_url(re.compile(r"/ky/accounts/password-reset/$"))
    page.get_by_label("Электрондук почта").fill("aizada@example.org")
    page.get_by_role("button", name="Шилтемени жөнөтүү").click()
    expect(page.get_by_role("heading", name="Электрондук почтаңызды текшериңиз")).to_be_visible()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Картага түшүрүү порталы: жаңы сырсөз коюу"
    link = re.search(r"https?://\S+/ky/accounts/reset/\S+/", message.body).group(0)
    assert link.startswith(live_server.url)

    page.goto(link)
    expect(page.get_by_role("heading", name="Жаңы сырсөз коюу")).to_be_visible()
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Жаңы сырсөздү сактоо").click()
    expect(page.get_by_role("heading", name="Сырсөз өзгөртүлдү")).to_be_visible()

    page.locator("main").get_by_role("link", name="Кирүү").click()
    page.fill("#id_username", "aizada")
    page.fill("#id_password", NEW_PASSWORD)
    page.click("form button[type=submit]:not([name=language])")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/ky/$"))
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("aizada")

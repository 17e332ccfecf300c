"""Journey of a merge: staff open the possible duplicates of Kyshtut, the names are compared while the
page waits, they compare the pair side by side, take the phone number from the other record, say why,
and merge; the membership of the merged record is now on the one kept."""

import pytest
from playwright.sync_api import expect

from stakeholders.models import Membership, Organization, OrganizationMerge
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_staff_find_a_duplicate_pair_and_merge_it(page, users, make_organization, make_person, sign_in):
    kept = make_organization(name_ky="«Мээрим» коомдук фонду", phone="")
    merged = make_organization(name_ky="", name_ru="Общественный фонд «Меерим»", phone="+996 555 123 456")
    make_organization(name_ky="«Ынтымак» коомдук фонду")
    Membership.objects.create(person=make_person(full_name="Асанова Айгүл"), organization=merged)

    sign_in("staff", PASSWORD)
    page.goto("/en/stakeholders/duplicates/?kind=organizations&site=kyshtut")
    # The comparison runs after the page has loaded, then the list shows the pair.
    pair = page.get_by_test_id("pair")
    expect(pair).to_have_count(1, timeout=10_000)
    expect(pair).to_contain_text("«Мээрим» коомдук фонду")
    expect(pair).to_contain_text("Общественный фонд «Меерим»")

    pair.get_by_role("link", name="Compare and merge").click()
    expect(page.locator("h1")).to_have_text("Compare and merge")
    expect(page.get_by_test_id("merged-links")).to_contain_text("Memberships: 1")
    phone = page.locator("tr[data-field=phone]")
    expect(phone.get_by_label("+996 555 123 456")).to_be_checked()  # the kept record has none
    page.get_by_label("Why are these the same?").fill("One foundation, entered in Kyrgyz and in Russian.")
    page.get_by_role("button", name="Merge").click()

    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("«Мээрим» коомдук фонду")
    expect(page.get_by_test_id("merges")).to_contain_text("Общественный фонд «Меерим»")
    kept.refresh_from_db()
    assert kept.phone == "+996 555 123 456"
    assert kept.memberships.count() == 1
    assert Organization.objects.get(pk=merged.pk).merged_into == kept
    assert OrganizationMerge.objects.get().reason.startswith("One foundation")

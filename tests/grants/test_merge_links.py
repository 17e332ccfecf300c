"""A merge of two people or two organizations moves their grant applications too (stakeholders.merging
finds every reverse relation; grants needs nothing of its own)."""

from stakeholders import merging


def test_merging_people_moves_lead_applicant_and_team(make_application, make_person, staff):
    kept = make_person(full_name="Сулайманова Айзада")
    merged = make_person(full_name="Сулайманова Айзат")
    led = make_application(lead_applicant=merged)
    joined = make_application()
    joined.team.add(merged)
    both = make_application()
    both.team.add(merged, kept)

    record = merging.merge(kept, merged, staff, "One person, two spellings.")

    led.refresh_from_db()
    assert led.lead_applicant == kept
    assert list(joined.team.all()) == [kept]
    assert list(both.team.all()) == [kept]  # one team member, not two
    assert record.moved["grants.grantapplication.lead_applicant"] == 1
    assert record.moved["grants.grantapplication.team"] == 1
    assert [item["model"] for item in record.dropped] == ["grants.grantapplication.team"]


def test_merging_organizations_moves_their_applications(make_application, make_organization, staff):
    kept, merged = make_organization(name_ky="Таян"), make_organization(name_ky="Tayan")
    application = make_application(organization=merged)
    merging.merge(kept, merged, staff, "Same centre.")
    application.refresh_from_db()
    assert application.organization == kept


def test_merging_people_moves_an_applicants_account_to_the_record_kept(
    client_for, users, make_application, make_person, staff
):
    from grants.models import ApplicantAccount

    kept = make_person(full_name="Токтосунова Айгерим")
    merged = make_person(full_name="Токтосунова Айгерим")
    account = ApplicantAccount.objects.create(user=users["applicant"], person=merged)
    make_application(lead_applicant=kept, title="Бирдиктүү долбоор")

    merging.merge(kept, merged, staff, "One person entered twice.")

    account.refresh_from_db()
    assert account.person == kept
    page = client_for(users["applicant"]).get("/en/grants/applications/").content.decode()
    assert "Бирдиктүү долбоор" in page  # the account now speaks for the record kept

"""Demo data of the small grants: made from the dialogues' demo trainings, idempotent, within every limit."""

from decimal import Decimal

from django.db.models import Sum

from grants import eligibility, seed
from grants.models import ApplicantAccount, Award, GrantApplication, GrantCall


def load_all():
    from dialogues import seed as dialogue_seed
    from stakeholders import seed as stakeholder_seed

    stakeholder_seed.load_reference()
    stakeholder_seed.load_demo()
    dialogue_seed.load_demo()
    return seed.load_demo()


def test_demo_grants_follow_the_workflow_and_the_limits(sites):
    created = load_all()
    # The call of the trained people's projects, and an open call that also takes applications online.
    assert created["grant calls"] == 2 and created["grant applications"] >= 3 and created["awards"] >= 1
    call = GrantCall.objects.get(title_ky=seed.CALL_TITLE)
    assert call.criteria.count() == 6
    awarded = Award.objects.filter(call=call).aggregate(total=Sum("amount"))["total"]
    assert Decimal("0") < awarded <= call.envelope
    for application in GrantApplication.objects.all():
        assert application.requested_amount <= call.max_per_grant
        assert application.status_changes.exists()
    approved = GrantApplication.objects.filter(status="approved").first()
    assert eligibility.is_eligible(approved)  # its lead applicant completed the three-day training
    assert approved.award.tranches.filter(paid_amount__isnull=False).exists() and approved.award.reports.exists()


def test_demo_grants_are_loaded_once(sites):
    load_all()
    again = seed.load_demo()
    assert again == {"grant calls": 0, "grant applications": 0, "awards": 0}
    assert GrantCall.objects.count() == 2
    assert ApplicantAccount.objects.count() == 1


def test_the_demo_applicant_may_apply_online_to_the_open_call(sites):
    from mapping_portal import access

    load_all()
    account = ApplicantAccount.objects.select_related("user", "person__site").get()
    assert account.user.username == "applicant" and account.person.site.slug == "kyshtut"
    online = GrantCall.objects.get(title_ky=seed.ONLINE_CALL_TITLE)
    paper = GrantCall.objects.get(title_ky=seed.CALL_TITLE)
    # The open call of the person's site, and the paper call where staff entered the person's application.
    assert set(GrantCall.objects.for_user(account.user)) == {online, paper}
    assert paper.applications.filter(lead_applicant=account.person).exists()
    assert access.can_apply_online(account.user, online)
    assert not access.can_apply_online(account.user, paper)


def test_national_volumes_in_batches_and_only_once(sites, make_person):
    for n in range(30):
        make_person(site=["kyshtut", "kerben", "akturpak"][n % 3], consent_purpose=seed.BENCHMARK)
    made = seed._load_national_volumes(applications=25, per_call=10, batch=4)
    assert made == {"benchmark grant applications": 25}
    benchmark = GrantApplication.objects.filter(call__description_en=seed.BENCHMARK)
    assert benchmark.count() == 25 and GrantCall.objects.filter(description_en=seed.BENCHMARK).count() == 3
    for application in benchmark:
        assert application.requested_amount == application.totals_from_lines()[0] > 0
    assert (
        Award.objects.filter(call__description_en=seed.BENCHMARK).count() == benchmark.filter(status="approved").count()
    )
    assert seed._load_national_volumes(applications=25, per_call=10, batch=4) == {"benchmark grant applications": 0}

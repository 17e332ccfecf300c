# ruff: noqa: F811
"""A person's timeline (issue #9: "grants appear on the timelines of the organizations and people involved"): one
date-ordered page of what happened to a person — entered, memberships, merges (stakeholders), events attended
(dialogues), applications, awards and tranches paid (grants) — through mapping_portal.hooks.person_timeline, for
admins and staff only (personal data), in a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grants import workflow
from mapping_portal import hooks
from stakeholders.models import Membership
from stakeholders.timeline import TimelineItem, person_timeline_for
from tests.conftest import make_user

# The dialogues' and grants' factories, as fixtures here (their parameters below "redefine" them: F811).
from tests.dialogues.conftest import attend, make_event  # noqa: F401
from tests.grants.conftest import make_application, make_call  # noqa: F401
from tests.helpers import count_queries, url

D = datetime.date


@pytest.fixture
def aida(make_person):
    return make_person(full_name="Аида Бекова", site="kyshtut")


@pytest.fixture
def history(aida, staff, make_organization, make_event, attend, make_call, make_application, make_person):
    """Aida's records in every app: a membership, a completed three-day training, a one-day meeting, an application
    she leads (approved, a tranche paid), one she is in the team of (submitted), and someone else's."""
    organization = make_organization(name_ky="Аялдар кеңеши")
    Membership.objects.create(person=aida, organization=organization, role="leader", since=2019)
    training = make_event(title="Тынчтык куруу тренинги", start=D(2026, 3, 10), days=3, kind="training")
    attend(training, aida)
    meeting = make_event(title="Диалог жыйыны", start=D(2026, 4, 2), kind="dialogue_meeting")
    attend(meeting, aida)
    call = make_call(envelope=1_000_000)
    led = make_application(
        call=call, lead_applicant=aida, status="in_review", title="Спорт аянтчасы", lines=[(1, 80000)]
    )
    award = workflow.approve(led, staff, Decimal("60000"), version=led.version)
    tranche = award.plan_tranche(staff, D(2026, 6, 1), Decimal("30000"))
    tranche.record_payment(staff, D(2026, 6, 3), Decimal("30000"), version=tranche.version)
    in_team = make_application(call=call, status="draft", title="Тигүү цехи")
    in_team.team.add(aida)
    workflow.transition(in_team, "submitted", staff, version=in_team.version)
    make_application(call=call, title="Башка бирөөнүн долбоору")
    return {"training": training, "meeting": meeting, "led": led, "in_team": in_team}


def test_staff_see_a_persons_history_from_every_app_newest_first(client_for, staff, aida, history):
    with translation.override("en"):
        response = client_for(staff).get(url("stakeholders:person-timeline", aida.pk))
    assert response.status_code == 200
    items = response.context["items"]
    kinds = [item.kind for item in items]
    for kind in ("created", "membership", "event", "grant-application", "grant-submitted", "grant-award"):
        assert kind in kinds, kind
    assert kinds.count("event") == 2 and kinds.count("grant-application") == 2 and kinds.count("grant-tranche") == 1
    dates = [
        timezone.localtime(item.when).date() if isinstance(item.when, datetime.datetime) else item.when
        for item in items
    ]
    assert dates == sorted(dates, reverse=True)
    page = response.content.decode()
    assert "Тынчтык куруу тренинги" in page and "3 of 3 days" in page and "completed" in page
    assert "Member of “Аялдар кеңеши”" in page and "since 2019" in page
    assert "Small grant awarded: 60\u00a0000 som" in page and "Tranche 1 paid: 30\u00a0000 som" in page
    assert "lead applicant" in page and "team member" in page
    assert "Башка бирөөнүн долбоору" not in page
    assert f'href="/en/grants/applications/{history["led"].pk}/"' in page
    assert f'href="/en/dialogues/{history["training"].pk}/"' in page


def test_the_person_page_links_to_the_timeline(client_for, staff, aida):
    with translation.override("en"):
        page = client_for(staff).get(reverse("stakeholders:person-detail", args=[aida.pk])).content.decode()
    assert url("stakeholders:person-timeline", aida.pk) in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("staff", 200),
        ("la_kyshtut", 404),
        ("la_kerben", 404),
        ("reviewer", 404),
        ("viewer", 404),
        ("applicant", 404),
        ("anonymous", 302),
    ],
)
def test_the_timeline_is_for_admins_and_staff_only(client_for, users, aida, role, status):
    response = client_for(users[role]).get(url("stakeholders:person-timeline", aida.pk))
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"]


def test_an_applicant_does_not_see_their_own_persons_timeline(client_for, users, aida):
    from grants.models import ApplicantAccount

    ApplicantAccount.objects.create(user=users["applicant"], person=aida)
    assert client_for(users["applicant"]).get(url("stakeholders:person-timeline", aida.pk)).status_code == 404


def test_staff_of_one_site_see_only_that_sites_items(aida, history, make_event, attend, make_call, make_application):
    # Aida (Kyshtut) also attended an event in Kerben and is in the team of a Kerben application.
    kerben_event = make_event(site="kerben", title="Кербендеги жыйын", kind="community_meeting")
    attend(kerben_event, aida)
    kerben = make_application(call=make_call(sites=("kerben",)), site="kerben", title="Кербен долбоору")
    kerben.team.add(aida)
    kyshtut_staff = make_user("kyshtut-staff", "staff", ["kyshtut"])
    titles = " ".join(item.title for item in person_timeline_for(kyshtut_staff, aida))
    assert "Тынчтык куруу тренинги" in titles and "Кербендеги жыйын" not in titles
    assert "Спорт аянтчасы" in titles and "Кербен долбоору" not in titles


@pytest.mark.parametrize("role", ["la_kyshtut", "reviewer", "viewer", "applicant", "anonymous"])
def test_providers_give_nothing_personal_to_other_roles(users, aida, history, role):
    # The page answers 404 for them; the providers hold the same line on their own.
    kinds = {item.kind for item in person_timeline_for(users[role], aida)}
    assert kinds <= {"created"}


def test_a_merge_is_on_the_timeline_of_the_record_kept(client_for, staff, aida, make_person):
    from stakeholders.merging import merge

    twin = make_person(full_name="Аида Бекова", site="kyshtut")
    merge(aida, twin, staff, "Бир эле адам")
    with translation.override("en"):
        page = client_for(staff).get(url("stakeholders:person-timeline", aida.pk)).content.decode()
    assert "Merged with" in page and "Бир эле адам" in page


def test_an_app_adds_its_items_through_the_hook(staff, aida):
    def visits(user, person):
        return [TimelineItem(D(2030, 1, 1), "visit", "A visit")]

    hooks.person_timeline.register(visits)
    try:
        items = person_timeline_for(staff, aida)
        assert items[0].kind == "visit"  # the newest first
    finally:
        hooks.person_timeline.unregister(visits)
    assert "visit" not in {item.kind for item in person_timeline_for(staff, aida)}


def test_the_timeline_takes_the_same_number_of_queries_for_1_and_10_of_everything(
    client_for, staff, aida, make_event, attend, make_call, make_application, make_organization
):
    call = make_call(envelope=10_000_000)
    client = client_for(staff)

    def add_one_of_everything(n):
        organization = make_organization()
        Membership.objects.create(person=aida, organization=organization)
        attend(make_event(start=D(2026, 3, 1) + datetime.timedelta(days=n), days=2), aida)
        application = make_application(call=call, status="in_review", lead_applicant=aida, lines=[(1, 80000)])
        award = workflow.approve(application, staff, Decimal("40000"), version=application.version)
        tranche = award.plan_tranche(staff, D(2026, 6, 1), Decimal("10000"))
        tranche.record_payment(staff, D(2026, 6, 2), Decimal("10000"), version=tranche.version)
        make_application(call=call).team.add(aida)

    add_one_of_everything(0)
    few = count_queries(client, url("stakeholders:person-timeline", aida.pk))
    for n in range(1, 10):
        add_one_of_everything(n)
    many = count_queries(client, url("stakeholders:person-timeline", aida.pk))
    assert few == many
    # session, user, the user's sites, the person; stakeholders: memberships, their recorded dates, merges;
    # dialogues: attendance with events; grants: applications with calls and awards, tranches paid;
    # the navigation's sites; session save (3)
    assert many == 14
    assert (
        client.get(url("stakeholders:person-timeline", aida.pk)).context["items"].__len__()
        == 1 + 10 + 10 + 20 + 10 + 10
    )

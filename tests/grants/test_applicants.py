"""Applicants' teams with an account (issue #9: "entered by staff from paper forms, or by the applicant's team with
an account — staff choose"): per call, staff choose whether applicants may also apply online. An applicant sees the
open calls of their person's site that take applications online and their own applications; the lead applicant's
account writes, submits and withdraws its own — through grants.workflow — and reaches nothing else."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from grants.models import ApplicantAccount, ApplicationAttachment, GrantApplication, StatusChange
from mapping_portal import access
from tests.dialogues.conftest import make_plan  # noqa: F401  (fixture)
from tests.grants.test_calls_and_applications import budget_lines, line
from tests.helpers import count_queries, url


def application_data(lines, **overrides):
    data = {
        "kind": "social",
        "title": "Жаштар борборун оңдоо",
        "organization": "",
        "problem": "Жаштар үчүн жай жок.",
        "objectives": "",
        "activities": "",
        "team_note": "Бакыт Асанов, Кыштут, бухгалтер",
        "girls": 10,
        "boys": 12,
        "young_women": 20,
        "young_men": 18,
        "women": 5,
        "men": 4,
    }
    return data | budget_lines(lines) | overrides


def move(client, application, to, comment="", version=None):
    return client.post(
        url("grants:application-transition", application.pk),
        {"to": to, "comment": comment, "version": application.version if version is None else version},
    )


# --- The account ----------------------------------------------------------------------------------------------


def test_only_a_user_with_the_applicant_role_is_linked_to_a_person(users, aigerim):
    with pytest.raises(ValidationError) as refused:
        ApplicantAccount(user=users["staff"], person=aigerim).full_clean()
    assert "user" in refused.value.message_dict
    ApplicantAccount(user=users["applicant"], person=aigerim).full_clean()


def test_a_merged_person_cannot_be_linked(users, aigerim, make_person):
    kept = make_person()
    aigerim.merged_into, aigerim.is_active = kept, False
    aigerim.save()
    with pytest.raises(ValidationError) as refused:
        ApplicantAccount(user=users["applicant"], person=aigerim).full_clean()
    assert "person" in refused.value.message_dict


def test_admins_link_an_applicant_in_the_django_admin(client_for, admin, users, aigerim):
    client = client_for(admin)
    assert client.get("/admin/grants/applicantaccount/add/").status_code == 200
    refused = client.post("/admin/grants/applicantaccount/add/", {"user": users["viewer"].pk, "person": aigerim.pk})
    assert refused.status_code == 200 and not ApplicantAccount.objects.exists()
    saved = client.post("/admin/grants/applicantaccount/add/", {"user": users["applicant"].pk, "person": aigerim.pk})
    assert saved.status_code == 302
    assert ApplicantAccount.objects.get().person == aigerim


# --- What an applicant sees -------------------------------------------------------------------------------------


def test_applicant_sees_only_the_open_online_calls_of_their_site(client_for, applicant, online_call, make_call, today):
    visible = online_call(title_ky="Онлайн Кыштут")
    hidden = [
        make_call(title_ky="Кагаз гана"),  # paper only (the default)
        online_call(sites=("kerben",), title_ky="Кербен онлайн"),
        online_call(status="draft", title_ky="Даярдалууда"),
        online_call(status="closed", title_ky="Жабылган"),
        online_call(closes_on=today - datetime.timedelta(days=1), title_ky="Мөөнөтү өттү"),
        online_call(opens_on=today + datetime.timedelta(days=1), title_ky="Эртең ачылат"),
    ]
    client = client_for(applicant)
    page = client.get(url("grants:call-list")).content.decode()
    assert "Онлайн Кыштут" in page
    assert not any(call.title_ky in page for call in hidden)
    detail = client.get(url("grants:call-detail", visible.pk))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert url("grants:application-create", visible.pk, "kyshtut") in text
    assert 'data-testid="call-dashboard"' not in text  # no envelope, awarded, paid: others' awards
    for call in hidden:
        assert client.get(url("grants:call-detail", call.pk)).status_code == 404


def test_applicant_without_a_linked_person_sees_no_call(client_for, users, online_call):
    call = online_call()
    client = client_for(users["applicant"])
    assert call.title_ky not in client.get(url("grants:call-list")).content.decode()
    assert client.get(url("grants:call-detail", call.pk)).status_code == 404
    assert client.get(url("grants:application-create", call.pk, "kyshtut")).status_code == 404


def test_applicant_sees_own_applications_as_lead_or_team_member_only(
    client_for, applicant, aigerim, online_call, make_application
):
    call = online_call()
    led = make_application(call=call, lead_applicant=aigerim, title="Менин долбоорум")
    in_team = make_application(call=call, title="Досумдун долбоору")
    in_team.team.add(aigerim)
    other = make_application(call=call, title="Башка бирөөнүкү")
    client = client_for(applicant)
    page = client.get(url("grants:application-list")).content.decode()
    assert "Менин долбоорум" in page and "Досумдун долбоору" in page and "Башка бирөөнүкү" not in page
    assert client.get(url("grants:application-detail", led.pk)).status_code == 200
    assert client.get(url("grants:application-detail", in_team.pk)).status_code == 200
    assert client.get(url("grants:application-detail", other.pk)).status_code == 404


def test_applicant_page_shows_no_review_screening_or_contacts(
    client_for, staff, reviewer, applicant, aigerim, online_call, make_application
):
    from grants import workflow

    application = make_application(call=online_call(), lead_applicant=aigerim, status="screening")
    workflow.assign_reviewer(application, reviewer, staff)
    with translation.override("en"):
        page = client_for(applicant).get(url("grants:application-detail", application.pk)).content.decode()
    assert "Айгерим Токтосунова" in page
    assert "+996 700 111 222" not in page  # contacts are staff's
    for hidden in ('data-testid="reviews"', 'data-testid="eligibility"', 'data-testid="status-changes"', "reviewer"):
        assert hidden not in page
    assert 'data-testid="move-withdrawn"' in page and 'data-testid="move-in_review"' not in page


# --- Writing, submitting and withdrawing ---------------------------------------------------------------------------


def test_applicant_writes_a_draft_with_two_budget_lines(client_for, applicant, aigerim, online_call):
    call = online_call(max_per_grant=100_000)
    lines = [line(), line(item="Эмерек", unit="даана", quantity="4", unit_cost="12 500,50 сом", co_funding="5 000")]
    response = client_for(applicant).post(url("grants:application-create", call.pk, "kyshtut"), application_data(lines))
    assert response.status_code == 302
    application = GrantApplication.objects.get()
    assert (application.lead_applicant, application.site.slug, application.status) == (aigerim, "kyshtut", "draft")
    assert application.created_by == applicant and application.team_note.startswith("Бакыт")
    assert application.requested_amount == Decimal("4500") + Decimal("50002")
    assert application.co_funding_amount == Decimal("5000")


def test_a_lead_applicant_posted_by_hand_is_ignored(client_for, applicant, aigerim, online_call, make_person):
    someone = make_person(full_name="Башка адам")
    client_for(applicant).post(
        url("grants:application-create", online_call().pk, "kyshtut"),
        application_data([line()], lead_applicant=someone.pk, team=[someone.pk]),
    )
    application = GrantApplication.objects.get()
    assert application.lead_applicant == aigerim and not application.team.exists()


def test_applicant_chooses_only_an_organization_their_person_belongs_to(
    client_for, applicant, aigerim, online_call, make_organization
):
    from stakeholders.models import Membership

    theirs = make_organization(name_ky="Биздин уюм")
    Membership.objects.create(person=aigerim, organization=theirs)
    stranger = make_organization(name_ky="Бөтөн уюм")
    client = client_for(applicant)
    call = online_call()
    form = client.get(url("grants:application-create", call.pk, "kyshtut")).content.decode()
    assert "Биздин уюм" in form and "Бөтөн уюм" not in form
    refused = client.post(
        url("grants:application-create", call.pk, "kyshtut"), application_data([line()], organization=stranger.pk)
    )
    assert refused.status_code == 200 and "organization" in refused.context["form"].errors
    accepted = client.post(
        url("grants:application-create", call.pk, "kyshtut"), application_data([line()], organization=theirs.pk)
    )
    assert accepted.status_code == 302 and GrantApplication.objects.get().organization == theirs


@pytest.mark.parametrize(
    ("which", "status"),
    [("paper", 404), ("other-site", 404), ("wrong-site-in-address", 404), ("closed-with-own-application", 302)],
)
def test_applicant_cannot_apply_where_the_call_does_not_take_it(
    client_for, applicant, aigerim, online_call, make_call, make_application, which, status
):
    if which == "paper":
        call, slug = make_call(), "kyshtut"
    elif which == "other-site":
        call, slug = online_call(sites=("kerben",)), "kerben"
    elif which == "wrong-site-in-address":
        call, slug = online_call(sites=("kyshtut", "kerben")), "kerben"
    else:  # a call they applied to, now closed: readable, but no new application
        call, slug = online_call(status="closed"), "kyshtut"
        make_application(call=call, lead_applicant=aigerim)
    before = GrantApplication.objects.count()
    client = client_for(applicant)
    assert client.get(url("grants:application-create", call.pk, slug)).status_code == status
    assert (
        client.post(url("grants:application-create", call.pk, slug), application_data([line()])).status_code == status
    )
    assert GrantApplication.objects.count() == before


def test_applicant_edits_own_draft_then_submits_it(client_for, applicant, aigerim, online_call, make_application):
    application = make_application(call=online_call(), lead_applicant=aigerim, lines=[])
    client = client_for(applicant)
    data = application_data([line(quantity="2", unit_cost="1 000"), line(quantity="1", unit_cost="500")])
    response = client.post(url("grants:application-edit", application.pk), data | {"version": application.version})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.requested_amount == Decimal("2500")
    assert move(client, application, "submitted").status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted" and application.submitted_at is not None
    change = StatusChange.objects.get(application=application)
    assert (change.by, change.from_status, change.to_status) == (applicant, "draft", "submitted")


def test_applicant_reads_when_its_grant_was_decided_but_not_by_whom(
    client_for, applicant, aigerim, online_call, make_application, staff, la_kyshtut
):
    from grants import workflow

    application = make_application(call=online_call(), lead_applicant=aigerim, status="in_review")
    workflow.approve(application, staff, Decimal("9000"), version=application.version)
    pages = {}
    with translation.override("en"):
        for user in (applicant, staff, la_kyshtut):
            page = client_for(user).get(url("grants:application-detail", application.pk)).content.decode()
            pages[user.username] = page[page.index('data-testid="award"') :]
    assert "Decided on" in pages[applicant.username] and staff.get_username() not in pages[applicant.username]
    for user in (staff, la_kyshtut):  # the project's roles and the site's authorities read the name
        assert f"Decided by {staff.get_username()}" in pages[user.username]


def test_applicant_cannot_edit_after_submission(client_for, applicant, aigerim, online_call, make_application):
    application = make_application(call=online_call(), lead_applicant=aigerim, status="submitted")
    client = client_for(applicant)
    with translation.override("en"):
        response = client.post(
            url("grants:application-edit", application.pk),
            application_data([line()], title="Changed", version=application.version),
            follow=True,
        )
    assert "Only a draft application can be edited." in response.content.decode()
    application.refresh_from_db()
    assert application.title != "Changed"


def test_applicant_cannot_submit_or_edit_once_the_call_has_closed(
    client_for, applicant, aigerim, online_call, make_application, today
):
    call = online_call(closes_on=today - datetime.timedelta(days=1), opens_on=today - datetime.timedelta(days=30))
    application = make_application(call=call, lead_applicant=aigerim)
    client = client_for(applicant)
    with translation.override("en"):
        page = client.get(url("grants:application-edit", application.pk), follow=True).content.decode()
    assert "The call does not take applications online any more" in page
    assert move(client, application, "submitted").status_code == 403
    application.refresh_from_db()
    assert application.status == "draft"


def test_applicant_withdraws_own_application_saying_why(client_for, applicant, aigerim, online_call, make_application):
    application = make_application(call=online_call(), lead_applicant=aigerim, status="in_review")
    client = client_for(applicant)
    with translation.override("en"):
        refused = client.post(
            url("grants:application-transition", application.pk),
            {"to": "withdrawn", "comment": " ", "version": application.version},
            follow=True,
        )
    assert "Say why, in the comment." in refused.content.decode()
    assert move(client, application, "withdrawn", comment="Биз башка донордон каражат алдык").status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_a_paper_application_is_not_withdrawn_online(client_for, applicant, aigerim, make_call, make_application):
    application = make_application(call=make_call(), lead_applicant=aigerim, status="submitted")
    client = client_for(applicant)
    assert client.get(url("grants:application-detail", application.pk)).status_code == 200  # still theirs to read
    assert move(client, application, "withdrawn", comment="…").status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


@pytest.mark.parametrize("to", ["screening", "in_review", "rejected", "approved", "draft"])
def test_applicant_makes_no_staff_move(client_for, applicant, aigerim, online_call, make_application, to):
    application = make_application(call=online_call(), lead_applicant=aigerim, status="submitted")
    response = move(client_for(applicant), application, to, comment="Өзүм")
    assert response.status_code in {302, 403}  # a move that does not exist from here is a message; others 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_applicant_cannot_submit_someone_elses_application(
    client_for, applicant, aigerim, online_call, make_application
):
    call = online_call()
    other = make_application(call=call)
    in_team = make_application(call=call)
    in_team.team.add(aigerim)
    client = client_for(applicant)
    assert move(client, other, "submitted").status_code == 404
    assert move(client, in_team, "submitted").status_code == 403  # a team member reads; the lead applicant acts
    assert client.get(url("grants:application-edit", in_team.pk)).status_code == 403
    assert client.get(url("grants:application-edit", other.pk)).status_code == 404
    for application in (other, in_team):
        application.refresh_from_db()
        assert application.status == "draft"


def test_predicates_for_own_and_others_applications(applicant, aigerim, online_call, make_application):
    call = online_call()
    own = make_application(call=call, lead_applicant=aigerim)
    other = make_application(call=call)
    assert access.can_apply_online(applicant, call)
    assert access.can_edit_application(applicant, own) and access.can_attach_documents(applicant, own)
    assert access.can_submit_own_application(applicant, own) and access.can_withdraw_own_application(applicant, own)
    for rule in ("edit_application", "attach_documents", "submit_own_application", "withdraw_own_application"):
        assert not access.PREDICATES[rule](applicant, other), rule


@pytest.mark.parametrize("role", ["admin", "staff", "la_kyshtut", "reviewer", "viewer", "anonymous"])
def test_only_applicants_apply_online_and_act_as_lead_applicant(users, aigerim, online_call, make_application, role):
    call = online_call()
    application = make_application(call=call, lead_applicant=aigerim)
    assert not access.can_apply_online(users[role], call)
    assert not access.can_submit_own_application(users[role], application)
    assert not access.can_withdraw_own_application(users[role], application)


# --- Attachments -------------------------------------------------------------------------------------------------


def test_applicant_attaches_a_document_to_own_draft_and_reads_it_back(
    client_for, applicant, aigerim, online_call, make_application, media_root, users
):
    application = make_application(call=online_call(), lead_applicant=aigerim)
    client = client_for(applicant)
    upload = SimpleUploadedFile("смета.pdf", b"%PDF-1.7\n%...\n", content_type="application/pdf")
    assert (
        client.post(url("grants:attachment-add", application.pk), {"file": upload, "name": "Смета"}).status_code == 302
    )
    attachment = ApplicationAttachment.objects.get()
    assert attachment.uploaded_by == applicant
    assert client.get(f"/media/{attachment.file.name}").status_code == 200
    other = make_application(call=application.call)
    staff_file = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n%...\n", content_type="application/pdf")
    client_for(users["staff"]).post(url("grants:attachment-add", other.pk), {"file": staff_file})
    others = ApplicationAttachment.objects.get(application=other)
    assert client_for(applicant).get(f"/media/{others.file.name}").status_code == 404


def test_applicant_attachment_checks_and_limits(
    client_for, applicant, aigerim, online_call, make_application, media_root
):
    application = make_application(call=online_call(), lead_applicant=aigerim)
    client = client_for(applicant)
    program = SimpleUploadedFile("budget.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with translation.override("en"):
        response = client.post(url("grants:attachment-add", application.pk), {"file": program}, follow=True)
    assert response.status_code == 200 and not ApplicationAttachment.objects.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])
    submitted = make_application(call=application.call, lead_applicant=aigerim, status="submitted")
    late = SimpleUploadedFile("late.pdf", b"%PDF-1.7\n", content_type="application/pdf")
    assert client.post(url("grants:attachment-add", submitted.pk), {"file": late}).status_code == 403
    assert not ApplicationAttachment.objects.exists()


# --- Bad input: a clear message, never a 500 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "where", "message"),
    [
        ({"lines": [line(unit_cost="300 USD")]}, "lines", "Amounts are in som"),
        ({"lines": [line(quantity="-2")]}, "lines", "at least 1"),
        ({"lines": [line(quantity="2.5")]}, "lines", "whole number of units"),
        ({"lines": [line(quantity="100", unit_cost="5 000")]}, "budget", "more than the call's maximum"),
        ({"kind": "business"}, "kind", "Select a valid choice"),
        ({"girls": "-3"}, "girls", "greater than or equal to 0"),
        ({"title": ""}, "title", "required"),
        ({"organization": "999999"}, "organization", "Select a valid choice"),
        ({"organization": "abc"}, "organization", "Select a valid choice"),
    ],
)
def test_bad_input_from_an_applicant_gets_a_clear_message(client_for, applicant, online_call, bad, where, message):
    call = online_call(kinds=["social"], max_per_grant=100_000)
    lines = bad.pop("lines", [line()])
    with translation.override("en"):
        response = client_for(applicant).post(
            url("grants:application-create", call.pk, "kyshtut"), application_data(lines, **bad)
        )
    assert response.status_code == 200
    if where == "lines":
        errors = " ".join(" ".join(e) for e in response.context["lines"].errors[0].values())
    elif where == "budget":
        errors = " ".join(response.context["lines"].non_form_errors())
    else:
        errors = " ".join(response.context["form"].errors[where])
    assert message in errors
    assert not GrantApplication.objects.exists()


@pytest.mark.parametrize(
    "post",
    [{"to": "zzz", "version": "1"}, {"to": "submitted", "version": "abc"}, {"to": "submitted"}, {}],
)
def test_a_garbled_step_is_a_message(client_for, applicant, aigerim, online_call, make_application, post):
    application = make_application(call=online_call(), lead_applicant=aigerim)
    with translation.override("en"):
        response = client_for(applicant).post(url("grants:application-transition", application.pk), post, follow=True)
    assert response.status_code == 200
    assert "That step is not understood" in response.content.decode()


def test_a_stale_page_is_refused(client_for, applicant, aigerim, online_call, make_application):
    application = make_application(call=online_call(), lead_applicant=aigerim)
    with translation.override("en"):
        response = client_for(applicant).post(
            url("grants:application-transition", application.pk),
            {"to": "submitted", "version": application.version + 5},
            follow=True,
        )
    assert "changed by someone else" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"


def test_an_empty_budget_is_not_submitted(client_for, applicant, aigerim, online_call, make_application):
    application = make_application(call=online_call(), lead_applicant=aigerim, lines=[])
    client = client_for(applicant)
    with translation.override("en"):
        response = move(client, application, "submitted")
        page = client.get(response["Location"]).content.decode()
    assert "Add the budget lines before submitting." in page


# --- Everything else answers 404 or 403 ------------------------------------------------------------------------------


@pytest.fixture
def elsewhere(registry, make_organization, make_person, make_event, make_plan, make_application, make_call, staff):  # noqa: F811
    """Records of every app an applicant must not reach: an organization that consented to be listed, a person, an
    event, an approved conflict-prevention plan, someone else's application (approved, with an award and a
    report)."""
    from grants import workflow
    from grants.models import GrantReport

    organization = make_organization(public_listing_consent=True)
    person = make_person()
    event = make_event()
    application = make_application(call=make_call(), status="in_review", organization=organization, lines=[(1, 9000)])
    award = workflow.approve(application, staff, Decimal("9000"), version=application.version)
    report = GrantReport.objects.create(award=award, period_end=datetime.date(2026, 6, 1), text="…")
    return {
        "organization": organization,
        "person": person,
        "event": event,
        "application": application,
        "report": report,
        "plan": make_plan(status="approved"),
    }


def forbidden_urls(records):
    o, p, e, a, r = (records[k].pk for k in ("organization", "person", "event", "application", "report"))
    c = records["application"].call_id
    plan = records["plan"].pk
    names = {
        "stakeholders": [
            ("organization-list", ()),
            ("organization-export", ("csv",)),
            ("organization-create", ()),
            ("organization-detail", (o,)),
            ("organization-edit", (o,)),
            ("organization-timeline", (o,)),
            ("organization-capacity", (o,)),
            ("stakeholder-analysis", ()),
            ("network", ()),
            ("duplicate-list", ()),
            ("pick-people", ()),
            ("person-list", ()),
            ("person-export", ("xlsx",)),
            ("person-create", ()),
            ("person-detail", (p,)),
            ("person-edit", (p,)),
            ("assessment-list", ()),
            ("capacity-change", ()),
            ("import-list", ()),
            ("import-upload", ()),
        ],
        "dialogues": [
            ("event-list", ()),
            ("event-export", ("csv",)),
            ("attendance-export", ("csv",)),
            ("event-create", ()),
            ("results", ()),
            ("event-detail", (e,)),
            ("event-edit", (e,)),
            ("attendance-sheet", (e,)),
            ("blank-sheet", (e,)),
            ("platform-list", ()),
            ("platform-create", ()),
            ("initiative-groups", ()),
        ],
        "plans": [
            ("plan-list", ()),
            ("plan-export", ("csv",)),
            ("plan-action-export", ("csv",)),
            ("plan-create", ()),
            ("site-dashboard", ("kyshtut",)),
            ("plan-detail", (plan,)),
            ("plan-edit", (plan,)),
            ("plan-diff", (plan,)),
            ("plan-pdf", (plan, "ky")),
        ],
        "grants": [
            ("call-create", ()),
            ("call-detail", (c,)),
            ("call-edit", (c,)),
            ("call-ranking", (c,)),
            ("application-export", ("csv",)),
            ("applicant-export", ("csv",)),
            ("application-detail", (a,)),
            ("application-edit", (a,)),
            ("review-list", ()),
            ("decision-letter", (a, "ky")),
            ("report-create", (a,)),
            ("report-detail", (r,)),
        ],
    }
    with translation.override("en"):
        for app, entries in names.items():
            for name, args in entries:
                yield f"{app}:{name}", reverse(f"{app}:{name}", args=args)
        for name, args in [("site-detail", ("kyshtut",)), ("site-location", ("kyshtut",))]:
            yield name, reverse(name, args=args)


def test_applicant_reaches_nothing_of_the_registry_dialogues_or_others_grants(
    client_for, users, applicant, aigerim, online_call, make_application, elsewhere
):
    make_application(call=online_call(), lead_applicant=aigerim)  # they have an application of their own
    urls = dict(forbidden_urls(elsewhere))
    # The control: staff open every record page (the records exist, the addresses are right).
    staff_client = client_for(users["staff"])
    for name in [name for name in urls if name.endswith("-detail")]:
        assert staff_client.get(urls[name]).status_code == 200, name
    client = client_for(applicant)
    for name, path in urls.items():
        status = client.get(path).status_code
        assert status in {403, 404}, (name, status)
    assert client.get("/admin/").status_code == 302  # the Django admin sends them to its own sign-in
    # The record picker's search answers within the user's scope: nothing for an applicant, even for a listed name.
    with translation.override("en"):
        picked = client.get(reverse("stakeholders:pick-organizations"), {"q": elsewhere["organization"].name_ky})
    assert picked.status_code == 200 and elsewhere["organization"].name_ky not in picked.content.decode()


def test_applicant_map_layers_are_the_public_ones_at_most(client_for, applicant, elsewhere):
    client = client_for(applicant)
    for layer in ("stakeholders-geojson", "dialogues-geojson", "grants-geojson"):
        body = client.get(reverse(layer)).json()
        assert body["features"] == [], layer
    assert client.get(reverse("sites-geojson")).status_code == 200
    with translation.override("en"):
        page = client.get(reverse("map")).content.decode()
        home = client.get(reverse("home")).content.decode()
    assert "/api/grants.geojson" not in page
    assert reverse("stakeholders:organization-list") not in home  # no menu link to the registry
    assert reverse("site-detail", args=["kyshtut"]) not in home


# --- Query counts ----------------------------------------------------------------------------------------------------


def test_applicant_pages_take_a_constant_number_of_queries(
    client_for, applicant, aigerim, online_call, make_application, make_person
):
    call = online_call()
    application = make_application(call=call, lead_applicant=aigerim, lines=[(1, 100)])
    client = client_for(applicant)
    pages = [
        url("grants:call-list"),
        url("grants:call-detail", call.pk),
        url("grants:application-list"),
        url("grants:application-detail", application.pk),
        url("grants:application-edit", application.pk),
    ]
    few = [count_queries(client, path) for path in pages]
    for _n in range(4):
        online_call()
        make_application(call=call, lead_applicant=aigerim, lines=[(2, 300), (1, 50)])
        make_application(call=call).team.add(aigerim)
        make_application(call=call)  # someone else's
    application.team.set([make_person() for _n in range(3)])
    many = [count_queries(client, path) for path in pages]
    assert few == many
    # Every page: session, user, the applicant's account (cached for the request), ... , session save (3).
    # call list: count, the site filter's options, the page of calls with their totals, their sites
    # call page: the call with its totals, its sites, criteria, training sites, the applicant's own applications by
    # status, their person (for the "New application" button)
    # application list: count, the call and site filters' options (2), the page of applications with their calls,
    # sites, people, organizations and awards
    # application page: the application with its call, site, people, organization; its team, budget lines, call sites,
    # training sites, attachments
    # application form: the application with its call, site, people, organization; budget lines, team, the
    # organizations their person belongs to
    assert many == [10, 12, 10, 12, 10]

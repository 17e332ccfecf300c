"""Reviews: staff assign, the reviewer declares (a conflict recuses them), scores 1–5 per criterion with a
weighted total, blind until they submit; staff see averages, spread and the ranking; reviewers see only what is
assigned to them, without the applicants' contacts."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from grants import workflow
from stakeholders.models import Organization
from tests.conftest import make_user
from tests.helpers import count_queries, url


@pytest.fixture
def in_review(make_application, make_organization, make_person):
    organization = make_organization(name_ky="Жаштар борбору")
    lead = make_person(full_name="Айбек Осмонов", phone="+996 555 111 222", email="aibek@example.org")
    return make_application(status="in_review", organization=organization, lead_applicant=lead)


@pytest.fixture
def second_reviewer(sites):
    return make_user("reviewer2", "reviewer")


def declared(review, user):
    return workflow.declare(review, user, conflict=False, confidentiality=True, version=review.version)


def all_scores(review, value):
    return {c.pk: (value, "") for c in review.application.call.criteria.all()}


# --- Assignment ---------------------------------------------------------------------------------------------


def test_staff_assign_a_reviewer_once(staff, reviewer, in_review):
    review = workflow.assign_reviewer(in_review, reviewer, staff)
    assert (review.status, review.assigned_by) == ("assigned", staff)
    with pytest.raises(ValidationError) as error:
        workflow.assign_reviewer(in_review, reviewer, staff)
    assert error.value.code == "assigned"


def test_only_reviewers_are_assigned_and_only_by_staff(users, in_review):
    with pytest.raises(ValidationError):
        workflow.assign_reviewer(in_review, users["viewer"], users["staff"])
    for role in ("la_kyshtut", "reviewer", "viewer"):
        with pytest.raises(PermissionDenied):
            workflow.assign_reviewer(in_review, users["reviewer"], users[role])


def test_no_reviewer_for_a_draft(staff, reviewer, make_application):
    draft = make_application()
    with pytest.raises(ValidationError):
        workflow.assign_reviewer(draft, reviewer, staff)


def test_assign_through_the_page(client_for, staff, reviewer, in_review):
    response = client_for(staff).post(url("grants:review-assign", in_review.pk), {"reviewer": reviewer.pk})
    assert response.status_code == 302 and in_review.reviews.get().reviewer == reviewer
    response = client_for(staff).post(url("grants:review-assign", in_review.pk), {"reviewer": "junk"}, follow=True)
    assert response.status_code == 200 and in_review.reviews.count() == 1


# --- What a reviewer sees -----------------------------------------------------------------------------------------


def test_reviewer_sees_only_assigned_applications_without_contacts(
    client_for, staff, reviewer, in_review, make_application
):
    other = make_application(call=in_review.call, status="in_review")
    workflow.assign_reviewer(in_review, reviewer, staff)
    client = client_for(reviewer)
    page = client.get(url("grants:application-detail", in_review.pk)).content.decode()
    assert "Айбек Осмонов" in page
    assert "+996 555 111 222" not in page and "aibek@example.org" not in page
    assert client.get(url("grants:application-detail", other.pk)).status_code == 404
    listed = client.get(url("grants:application-list")).content.decode()
    assert in_review.title in listed and other.title not in listed
    assert client.get(url("grants:call-detail", in_review.call.pk)).status_code == 200


def test_reviewer_reads_the_organization_of_an_assigned_application_only(
    client_for, staff, reviewer, in_review, make_organization
):
    elsewhere = make_organization(name_ky="Башка уюм")
    client = client_for(reviewer)
    organization_url = reverse("stakeholders:organization-detail", args=[in_review.organization_id])
    assert client.get(organization_url).status_code == 404
    review = workflow.assign_reviewer(in_review, reviewer, staff)
    assert client.get(organization_url).status_code == 200
    assert list(Organization.objects.for_user(reviewer)) == [in_review.organization]
    assert client.get(reverse("stakeholders:organization-detail", args=[elsewhere.pk])).status_code == 404
    workflow.declare(review, reviewer, conflict=True, note="my cousin leads it", confidentiality=False, version=1)
    assert not Organization.objects.for_user(reviewer).exists()


# --- Declaration -------------------------------------------------------------------------------------------------


def test_scoring_before_declaring_is_refused(staff, reviewer, in_review):
    review = workflow.assign_reviewer(in_review, reviewer, staff)
    with pytest.raises(ValidationError) as error:
        workflow.score(review, reviewer, all_scores(review, 4), version=review.version)
    assert error.value.code == "not_declared"
    assert not review.scores.exists()


def test_the_page_asks_for_the_declaration_first(client_for, staff, reviewer, in_review):
    review = workflow.assign_reviewer(in_review, reviewer, staff)
    page = client_for(reviewer).get(url("grants:review-detail", review.pk)).content.decode()
    assert 'data-testid="declaration"' in page and 'data-testid="score-form"' not in page


def test_a_declared_conflict_recuses_and_is_recorded(client_for, staff, reviewer, in_review):
    review = workflow.assign_reviewer(in_review, reviewer, staff)
    client = client_for(reviewer)
    response = client.post(
        url("grants:review-detail", review.pk),
        {"conflict": "yes", "conflict_note": "The lead applicant is my neighbour's son", "version": review.version},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.has_conflict) == ("recused", True)
    assert review.conflict_note == "The lead applicant is my neighbour's son" and review.declared_at
    assert client.get(url("grants:application-detail", in_review.pk)).status_code == 404
    assert client.get(url("grants:review-detail", review.pk)).status_code == 200  # their own record of it
    with pytest.raises(ValidationError):  # a recused review is closed to its reviewer too
        workflow.score(review, reviewer, all_scores(review, 3), version=review.version)
    staff_page = client_for(staff).get(url("grants:application-detail", in_review.pk)).content.decode()
    assert "neighbour" in staff_page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"conflict": "no"}, "Accept to keep the application"),
        ({"conflict": "yes", "conflict_note": ""}, "Describe the conflict"),
        ({}, "Say whether you have a conflict of interest"),
    ],
)
def test_incomplete_declarations_are_refused_clearly(client_for, staff, reviewer, in_review, data, message):
    review = workflow.assign_reviewer(in_review, reviewer, staff)
    with translation.override("en"):
        response = client_for(reviewer).post(url("grants:review-detail", review.pk), data | {"version": review.version})
    assert response.status_code == 200
    assert message in response.content.decode()
    review.refresh_from_db()
    assert review.status == "assigned"


def test_another_reviewer_cannot_declare_or_score_for_them(staff, reviewer, second_reviewer, in_review, client_for):
    review = workflow.assign_reviewer(in_review, reviewer, staff)
    with pytest.raises(PermissionDenied):
        workflow.declare(review, second_reviewer, conflict=False, confidentiality=True, version=review.version)
    assert client_for(second_reviewer).get(url("grants:review-detail", review.pk)).status_code == 404
    assert client_for(staff).get(url("grants:review-detail", review.pk)).status_code == 404


# --- Scoring ------------------------------------------------------------------------------------------------------


def test_weighted_total_is_out_of_100(staff, reviewer, in_review):
    review = declared(workflow.assign_reviewer(in_review, reviewer, staff), reviewer)
    review = workflow.score(review, reviewer, all_scores(review, 5), version=review.version)
    assert review.weighted_total == Decimal("100.0")
    criteria = {c.code: c.pk for c in in_review.call.criteria.all()}
    scores = all_scores(review, 3) | {criteria["relevance"]: (5, "strong"), criteria["capacity"]: (1, "new group")}
    review = workflow.score(review, reviewer, scores, recommendation="maybe", version=review.version)
    # 5×25 + 3×(20+20+15+10) + 1×10 = 330 → 66.0
    assert review.weighted_total == Decimal("66.0") and review.status == "scoring"


@pytest.mark.parametrize("bad", ["0", "6", "-1", "3.5", "abc"])
def test_scores_outside_1_to_5_get_a_clear_message(client_for, staff, reviewer, in_review, bad):
    review = declared(workflow.assign_reviewer(in_review, reviewer, staff), reviewer)
    criterion = in_review.call.criteria.first()
    data = {"version": review.version, f"score_{criterion.pk}": bad, "recommendation": "yes", "save": "1"}
    with translation.override("en"):
        response = client_for(reviewer).post(url("grants:review-detail", review.pk), data)
    assert response.status_code == 200
    assert "Choose a score from 1 to 5" in response.content.decode()
    assert not review.scores.exists()


def test_the_database_refuses_a_score_out_of_range(staff, reviewer, in_review):
    from django.db import IntegrityError, transaction

    from grants.models import Score

    review = declared(workflow.assign_reviewer(in_review, reviewer, staff), reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(review=review, criterion=in_review.call.criteria.first(), score=6)


def test_submitting_needs_every_score_and_a_recommendation(staff, reviewer, in_review):
    review = declared(workflow.assign_reviewer(in_review, reviewer, staff), reviewer)
    partial = dict(list(all_scores(review, 4).items())[:3])
    with pytest.raises(ValidationError) as error:
        workflow.score(review, reviewer, partial, recommendation="yes", submit=True, version=review.version)
    assert error.value.code == "incomplete"
    with pytest.raises(ValidationError) as error:
        workflow.score(review, reviewer, all_scores(review, 4), submit=True, version=review.version)
    assert error.value.code == "no_recommendation"
    review = workflow.score(
        review, reviewer, all_scores(review, 4), recommendation="yes", submit=True, version=review.version
    )
    assert review.status == "submitted" and review.submitted_at
    with pytest.raises(ValidationError):  # a submitted review is final
        workflow.score(review, reviewer, all_scores(review, 1), version=review.version)


def test_scoring_through_the_page_shows_the_running_total(client_for, staff, reviewer, in_review):
    review = declared(workflow.assign_reviewer(in_review, reviewer, staff), reviewer)
    client = client_for(reviewer)
    page = client.get(url("grants:review-detail", review.pk)).content.decode()
    assert 'id="running-total"' in page and "js/grants_review.js" in page and 'data-weight="25"' in page
    data = {"version": review.version, "recommendation": "yes", "comment": "good", "submit": "1"}
    data |= {f"score_{c.pk}": "4" for c in in_review.call.criteria.all()}
    response = client.post(url("grants:review-detail", review.pk), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.weighted_total) == ("submitted", Decimal("80.0"))


# --- Blind review and the ranking ------------------------------------------------------------------------------


def test_blind_until_the_reviewer_submits(client_for, staff, reviewer, second_reviewer, in_review):
    first = declared(workflow.assign_reviewer(in_review, reviewer, staff), reviewer)
    second = declared(workflow.assign_reviewer(in_review, second_reviewer, staff), second_reviewer)
    workflow.score(
        first,
        reviewer,
        all_scores(first, 2),
        recommendation="no",
        comment="weak budget XYZ",
        submit=True,
        version=first.version,
    )
    client = client_for(second_reviewer)
    before = client.get(url("grants:review-detail", second.pk)).content.decode()
    before_application = client.get(url("grants:application-detail", in_review.pk)).content.decode()
    assert "weak budget XYZ" not in before and 'data-testid="other-reviews"' not in before
    assert 'data-testid="reviews"' not in before_application and "weak budget XYZ" not in before_application
    workflow.score(
        second, second_reviewer, all_scores(second, 5), recommendation="yes", submit=True, version=second.version
    )
    after = client.get(url("grants:review-detail", second.pk)).content.decode()
    assert "weak budget XYZ" in after and "reviewer: 40,0 / 100" in after


def test_staff_see_averages_spread_and_ranking(
    client_for, users, staff, reviewer, second_reviewer, make_call, make_application
):
    call = make_call()
    strong = make_application(call=call, status="in_review", title="Күчтүү долбоор")
    weak = make_application(call=call, status="in_review", title="Алсыз долбоор")
    unscored = make_application(call=call, status="in_review", title="Бааланбаган")
    for application, (a, b) in ((strong, (5, 4)), (weak, (2, 3))):
        for user, value in ((reviewer, a), (second_reviewer, b)):
            review = declared(workflow.assign_reviewer(application, user, staff), user)
            workflow.score(
                review, user, all_scores(review, value), recommendation="yes", submit=True, version=review.version
            )
    response = client_for(staff).get(url("grants:call-ranking", call.pk))
    ranked = list(response.context["applications"])
    assert [a.pk for a in ranked] == [strong.pk, weak.pk, unscored.pk]
    assert ranked[0].average == Decimal("90") and (ranked[0].lowest, ranked[0].highest) == (80, 100)
    assert ranked[1].average == Decimal("50") and ranked[1].reviewed == 2 and ranked[2].average is None
    for role in ("la_kyshtut", "reviewer", "viewer"):
        assert client_for(users[role]).get(url("grants:call-ranking", call.pk)).status_code == 403


def test_review_and_ranking_pages_have_constant_query_counts(client_for, staff, reviewer, make_call, make_application):
    call = make_call()
    application = make_application(call=call, status="in_review")
    review = declared(workflow.assign_reviewer(application, reviewer, staff), reviewer)
    workflow.score(review, reviewer, all_scores(review, 4), recommendation="yes", submit=True, version=review.version)

    def colleague_reviews(n):
        other = make_application(call=call, status="in_review")
        colleague = make_user(f"colleague{n}", "reviewer")
        other_review = declared(workflow.assign_reviewer(application, colleague, staff), colleague)
        workflow.score(
            other_review,
            colleague,
            all_scores(other_review, 3),
            recommendation="no",
            submit=True,
            version=other_review.version,
        )
        workflow.assign_reviewer(other, colleague, staff)

    colleague_reviews(0)
    few = (
        count_queries(client_for(staff), url("grants:call-ranking", call.pk)),
        count_queries(client_for(reviewer), url("grants:review-detail", review.pk)),
    )
    for n in range(1, 4):
        colleague_reviews(n)
    many = (
        count_queries(client_for(staff), url("grants:call-ranking", call.pk)),
        count_queries(client_for(reviewer), url("grants:review-detail", review.pk)),
    )
    assert few == many


def test_object_predicates_of_grants(users, staff, reviewer, second_reviewer, in_review, make_application, sites):
    from mapping_portal import access

    review = workflow.assign_reviewer(in_review, reviewer, staff)
    assert access.can_score_review(reviewer, review)
    assert not access.can_score_review(second_reviewer, review) and not access.can_score_review(staff, review)
    declared(review, reviewer)
    review.refresh_from_db()
    assert access.can_score_review(reviewer, review)
    draft = make_application()
    assert access.can_edit_application(staff, draft) and access.can_edit_application(users["admin"], draft)
    assert not access.can_edit_application(staff, in_review)  # no longer a draft
    assert not access.can_edit_application(users["la_kyshtut"], draft)
    assert not access.can_edit_application(make_user("kerben-officer", "staff", ["kerben"]), draft)


def test_my_reviews_page_has_constant_queries(client_for, staff, reviewer, make_call, make_application):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = make_call()
    workflow.assign_reviewer(make_application(call=call, status="in_review"), reviewer, staff)
    client = client_for(reviewer)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("grants:review-list"))
        assert response.status_code == 200
        return len(captured), response.content.decode().count("/grants/reviews/")

    few, _links = count()
    for _n in range(4):
        workflow.assign_reviewer(make_application(call=call, status="in_review"), reviewer, staff)
    many, links = count()
    assert few == many and links >= 5
    assert client_for(staff).get(url("grants:review-list")).status_code == 403

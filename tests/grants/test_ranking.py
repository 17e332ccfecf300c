"""The ranking of a call: per application the average weighted total and its spread, and per criterion the average
score with its lowest–highest — from submitted reviews only (recused reviewers and reviews in progress do not
count) — 25 to a page in one order, in a constant number of queries."""

from decimal import Decimal

import pytest

from grants import workflow
from grants.models import Review, Score
from tests.conftest import make_user
from tests.helpers import count_queries, url


def ranking_url(call, page=None):
    path = url("grants:call-ranking", call.pk)
    return f"{path}?page={page}" if page else path


@pytest.fixture
def reviewers(sites):
    return [make_user(f"reviewer-{n}", "reviewer") for n in range(3)]


def review(application, reviewer, scores, status=Review.Status.SUBMITTED, staff=None):
    """A review with `scores` {criterion code: 1–5} written straight to the database (the workflow is tested in
    test_reviews); its weighted total computed as the workflow does."""
    criteria = {c.code: c for c in application.call.criteria.all()}
    total = sum(Decimal(criteria[code].weight) * score / 5 for code, score in scores.items())
    made = Review.objects.create(
        application=application,
        reviewer=reviewer,
        assigned_by=staff or reviewer,
        status=status,
        has_conflict=False,
        confidentiality_accepted=True,
        recommendation="yes" if status == Review.Status.SUBMITTED else "",
        weighted_total=total,
    )
    Score.objects.bulk_create(Score(review=made, criterion=criteria[code], score=v) for code, v in scores.items())
    return made


def every(value):
    return dict.fromkeys(("relevance", "inclusion", "feasibility", "budget", "sustainability", "capacity"), value)


def test_per_criterion_averages_and_spread_count_submitted_reviews_only(
    client_for, staff, reviewers, make_call, make_application
):
    call = make_call()
    application = make_application(call=call, status="in_review")
    first, second, in_progress = reviewers
    review(application, first, every(4) | {"relevance": 5, "budget": 2})
    review(application, second, every(3) | {"relevance": 2})
    review(application, in_progress, every(1), status=Review.Status.SCORING)  # saved, not submitted: not counted
    recused = make_user("recused", "reviewer")
    workflow.declare(
        workflow.assign_reviewer(application, recused, staff),
        recused,
        conflict=True,
        note="my cousin",
        confidentiality=False,
        version=1,
    )

    response = client_for(staff).get(ranking_url(call))
    (ranked,) = response.context["applications"]
    codes = [c.code for c in response.context["criteria"]]
    cells = dict(zip(codes, ranked.criterion_scores, strict=True))
    assert (cells["relevance"]["average"], cells["relevance"]["lowest"], cells["relevance"]["highest"]) == (3.5, 2, 5)
    assert (cells["budget"]["average"], cells["budget"]["lowest"], cells["budget"]["highest"]) == (2.5, 2, 3)
    assert cells["feasibility"]["average"] == 3.5
    assert (ranked.reviewed, ranked.assigned, ranked.recused) == (2, 3, 1)
    page = response.content.decode()
    assert page.count('data-testid="criterion-average"') == 6 and "2–5" in page


def test_an_application_without_submitted_reviews_has_no_criterion_averages(
    client_for, staff, reviewers, make_call, make_application
):
    call = make_call()
    application = make_application(call=call, status="in_review")
    review(application, reviewers[0], every(5), status=Review.Status.SCORING)
    (ranked,) = client_for(staff).get(ranking_url(call)).context["applications"]
    assert ranked.average is None and ranked.criterion_scores == [None] * 6


def test_the_ranking_is_paged_by_25_in_one_order(client_for, staff, reviewers, make_call, make_application):
    call = make_call(envelope=100_000_000)
    applications = [make_application(call=call, status="in_review", title=f"P{n:02}") for n in range(30)]
    # Averages 1..5 repeat: ties are broken by the id, so no application is on both pages or on neither.
    for n, application in enumerate(applications):
        review(application, reviewers[0], every(1 + n % 5))
    client = client_for(staff)
    first = client.get(ranking_url(call))
    second = client.get(ranking_url(call, 2))
    ranked = [a.pk for a in first.context["applications"]] + [a.pk for a in second.context["applications"]]
    assert len(first.context["applications"]) == 25 and len(ranked) == len(set(ranked)) == 30
    expected = sorted(applications, key=lambda a: (-a.reviews.get().weighted_total, a.pk))
    assert ranked == [a.pk for a in expected]
    assert "<td>26</td>" in second.content.decode()  # the rank goes on from the first page


def test_ranking_query_count_is_the_same_for_5_and_50_applications(
    client_for, staff, reviewers, make_call, make_application
):
    call = make_call(envelope=100_000_000)
    client = client_for(staff)

    def add(count):
        for n in range(count):
            application = make_application(call=call, status="in_review")
            review(application, reviewers[0], every(1 + n % 5))
            review(application, reviewers[1], every(5 - n % 5))
            review(application, reviewers[2], every(3), status=Review.Status.SCORING)

    add(5)
    few = count_queries(client, ranking_url(call))
    add(45)
    assert count_queries(client, ranking_url(call)) == few

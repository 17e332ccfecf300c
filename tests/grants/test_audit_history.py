"""Audit of the small grants: the pages that save reviews and awards record who did it; a review's and an award's
history (their scores and tranches too) shows each field old → new to admins and staff of their sites only."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from grants.models import Review, Tranche
from mapping_portal.history import recent_changes
from tests.conftest import ROLES, make_user
from tests.helpers import count_queries, url
from tests.mapping_portal.conftest import assessment, renamed  # noqa: F401 (fixtures)
from tests.mapping_portal.test_audit_history import SEES_HISTORY, diffs_of


@pytest.fixture
def awarded(client_for, staff, make_application):
    """An application approved, a tranche planned and paid, all through the pages."""
    application = make_application(status="in_review", lines=[(1, 80000)])
    client = client_for(staff)
    client.post(
        url("grants:application-transition", application.pk),
        {"to": "approved", "version": application.version, "amount": "80 000"},
    )
    client.post(url("grants:tranche-add", application.pk), {"planned_date": "01.06.2026", "planned_amount": "50 000"})
    tranche = Tranche.objects.get()
    client.post(
        url("grants:tranche-pay", application.pk, tranche.pk),
        {"paid_date": "02.06.2026", "paid_amount": "40 000", "version": tranche.version},
    )
    application.refresh_from_db()
    return application.award


@pytest.fixture
def review(client_for, staff, reviewer, make_application):
    """A review assigned by staff, declared and scored twice by the reviewer (a first draft, then changed)."""
    application = make_application(status="in_review")
    client_for(staff).post(url("grants:review-assign", application.pk), {"reviewer": reviewer.pk})
    review = Review.objects.get()
    client = client_for(reviewer)
    client.post(
        url("grants:review-detail", review.pk), {"conflict": "no", "confidentiality": "on", "version": review.version}
    )
    criteria = list(application.call.criteria.all())
    for value, recommendation in ((2, "maybe"), (4, "yes")):
        review.refresh_from_db()
        data = {f"score_{c.pk}": value for c in criteria} | {
            "recommendation": recommendation,
            "version": review.version,
        }
        client.post(url("grants:review-detail", review.pk), data | {"save": ""})
    review.refresh_from_db()
    return review


def test_reviews_record_the_reviewer_and_each_scores_change(review, staff, reviewer):
    assert review.history.earliest().history_user == staff  # assigned
    assert review.history.latest().history_user == reviewer
    with translation.override("en"):
        entries = recent_changes(review)
    changes = diffs_of(entries)
    assert ("recommendation", "maybe", "yes: fund it") in changes
    assert ("score (1–5)", "2", "4") in changes
    assert {entry.history_user for entry in entries if getattr(entry, "subject", "")} == {reviewer}


def test_awards_and_tranches_record_who_approved_planned_and_paid(awarded, staff):
    assert awarded.history.get().history_user == staff
    tranche_history = Tranche.history.filter(award_id=awarded.pk)
    assert tranche_history.count() == 2 and {entry.history_user for entry in tranche_history} == {staff}
    with translation.override("en"):
        changes = diffs_of(recent_changes(awarded))
    assert ("paid on", "—", "02.06.2026") in changes
    assert ("amount paid (som)", "—", "40\u00a0000") in changes


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["organization", "assessment", "review", "award"])
def test_a_records_history_page_is_for_admins_and_staff_only(client_for, users, request, kind, role):
    fixture = {"organization": "renamed", "award": "awarded"}.get(kind, kind)
    record = request.getfixturevalue(fixture)
    response = client_for(users[role]).get(url("changes:record", kind, record.pk))
    # Signed-in roles without the right: 404, as for a record that does not exist; the public: the sign-in page.
    assert response.status_code == {**dict.fromkeys(SEES_HISTORY, 200), "anonymous": 302}.get(role, 404)
    if response.status_code == 200:
        assert 'data-testid="history-diff"' in response.content.decode()


def test_staff_of_another_site_get_404_for_a_records_history(client_for, awarded, sites):

    kerben_staff = make_user("staff-kerben", "staff", ["kerben"])
    assert client_for(kerben_staff).get(url("changes:record", "award", awarded.pk)).status_code == 404
    assert client_for(kerben_staff).get(url("changes:record", "nothing", awarded.pk)).status_code == 404


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_reviews_history_page_shows_the_scores_old_and_new(client_for, staff, review, language):
    html = client_for(staff).get(url("changes:record", "review", review.pk, language=language)).content.decode()
    with translation.override(language):
        recommendation = str(Review.Recommendation.YES.label)
    assert f'<ins class="history-new">{recommendation}</ins>' in html
    assert '<del class="history-old">2</del>' in html and '<ins class="history-new">4</ins>' in html


def test_the_application_page_links_the_award_and_review_histories_for_staff_only(
    client_for, staff, la_kyshtut, awarded
):
    staff_page = client_for(staff).get(url("grants:application-detail", awarded.application_id)).content.decode()
    assert url("changes:record", "award", awarded.pk) in staff_page
    la_page = client_for(la_kyshtut).get(url("grants:application-detail", awarded.application_id)).content.decode()
    assert 'data-testid="award"' in la_page and url("changes:record", "award", awarded.pk) not in la_page


def test_a_records_history_page_takes_the_same_queries_however_long_its_history(client_for, staff, awarded):
    client = client_for(staff)
    path = url("changes:record", "award", awarded.pk)
    few = count_queries(client, path)
    for month in range(7, 12):
        awarded.plan_tranche(staff, datetime.date(2026, month, 1), Decimal("1000"))
    for tranche in awarded.tranches.filter(paid_date=None):
        tranche.record_payment(staff, datetime.date(2026, 6, 3), Decimal("500"), version=tranche.version)
    assert count_queries(client, path) == few

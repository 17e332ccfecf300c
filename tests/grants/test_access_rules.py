"""The grants' scopes that start from a predicate of mapping_portal.access: reviews one by one
(`Review.objects.for_user`, `assigned_to`), report photos and attachments (the media rules), and who manages one
application (`can_manage_application`)."""

from decimal import Decimal

import pytest

from grants import workflow
from grants.models import ApplicationAttachment, Award, GrantApplication, GrantReport, ReportPhoto, Review
from mapping_portal import access, hooks
from tests.conftest import CAST, make_user

ROLES = [*CAST, "anonymous"]


@pytest.fixture
def reviews(users, make_application):
    """Two reviews of one application in review at Kyshtut: the cast's reviewer's and another reviewer's."""
    application = make_application(status="in_review")
    other = make_user("reviewer2", "reviewer")
    return {
        "own": workflow.assign_reviewer(application, users["reviewer"], users["staff"]),
        "other": workflow.assign_reviewer(application, other, users["staff"]),
    }


REVIEWS_SEEN = {"admin": {"own", "other"}, "staff": {"own", "other"}, "reviewer": {"own"}}


@pytest.mark.parametrize("role", ROLES)
def test_reviews_one_by_one_are_for_staff_and_each_reviewer_their_own(users, reviews, role):
    seen = set(Review.objects.for_user(users[role]).values_list("pk", flat=True))
    assert seen == {reviews[name].pk for name in REVIEWS_SEEN.get(role, ())}


@pytest.mark.parametrize("role", ROLES)
def test_only_a_reviewer_has_assignments_of_their_own(users, reviews, role):
    assigned = set(Review.objects.assigned_to(users[role]).values_list("pk", flat=True))
    assert assigned == ({reviews["own"].pk} if role == "reviewer" else set())


def test_staff_of_another_site_see_no_review_there(reviews):
    officer = make_user("officer", "staff", ["kerben"])
    assert not Review.objects.for_user(officer).exists()


def test_a_recused_reviewer_keeps_their_review_but_not_the_application(users, reviews):
    reviewer = users["reviewer"]
    own = reviews["own"]
    workflow.declare(own, reviewer, conflict=True, note="My cousin", confidentiality=False, version=own.version)
    assert list(Review.objects.assigned_to(reviewer)) == [own]
    assert not GrantApplication.objects.for_user(reviewer).exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("staff", True), ("la_kyshtut", False), ("reviewer", False), ("viewer", False)],
)
def test_managing_one_application_is_for_staff_within_its_site(users, make_application, role, allowed):
    application = make_application()
    assert access.can_manage_application(users[role], application) is allowed
    assert not access.can_manage_application(make_user("officer", "staff", ["kerben"]), application)


@pytest.fixture
def report_files(users, make_application):
    """An awarded application at Kyshtut with a report photo and an attachment (paths only: the rules read rows)."""
    application = make_application(status="approved")
    award = Award.objects.create(
        application=application, call=application.call, amount=Decimal("1000"), decided_by=users["staff"]
    )
    report = GrantReport.objects.create(award=award, period_end=application.call.closes_on, text="Done")
    photo = ReportPhoto.objects.create(report=report, image="grant-photos/a.jpg", thumbnail="grant-photos/a-t.jpg")
    document = ApplicationAttachment.objects.create(
        application=application, file="grant-attachments/quote.pdf", name="Quote", kind="pdf", size=10
    )
    return photo, document


@pytest.mark.parametrize("role", ROLES)
def test_report_photos_and_attachments_follow_their_applications_scope(users, report_files, role):
    photo, document = report_files
    user = users[role]
    staff = role in {"admin", "staff"}
    assert ReportPhoto.objects.for_user(user).filter(pk=photo.pk).exists() is staff
    assert ApplicationAttachment.objects.for_user(user).filter(pk=document.pk).exists() is staff


def test_the_media_rules_are_the_querysets(users, report_files):
    """The registered folders answer through the same scopes: a thumbnail too; nothing for another site's staff."""
    officer = make_user("officer", "staff", ["kerben"])
    photo_rule, attachment_rule = hooks.media.get("grant-photos"), hooks.media.get("grant-attachments")
    assert photo_rule(users["staff"], "grant-photos/a-t.jpg")
    assert attachment_rule(users["staff"], "grant-attachments/quote.pdf")
    assert not photo_rule(officer, "grant-photos/a.jpg")
    assert not attachment_rule(officer, "grant-attachments/quote.pdf")
    assert not photo_rule(users["la_kyshtut"], "grant-photos/a.jpg")

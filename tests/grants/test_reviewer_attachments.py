"""Reviewers read the documents of the applications assigned to them — what they score — and nothing else: every
other reviewer, a recused one, and every other role outside the applications' scope get 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from grants import workflow
from grants.models import ApplicationAttachment
from tests.conftest import make_user


def url(name, *args):
    with translation.override("en"):
        return reverse(f"grants:{name}", args=args)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def attach(client, application, name="Budget scan"):
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n%...\n", content_type="application/pdf")
    assert client.post(url("attachment-add", application.pk), {"file": upload, "name": name}).status_code == 302
    return ApplicationAttachment.objects.get(application=application, name=name)


@pytest.fixture
def assigned(client_for, staff, reviewer, make_application, media_root):
    """An application in review with a document, assigned to `reviewer`."""
    application = make_application(status="in_review")
    attachment = attach(client_for(staff), application)
    workflow.assign_reviewer(application, reviewer, staff)
    return application, attachment


def test_the_assigned_reviewer_reads_the_attachment_and_sees_it_on_the_page(client_for, reviewer, assigned):
    application, attachment = assigned
    client = client_for(reviewer)
    response = client.get(f"/media/{attachment.file.name}")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    page = client.get(url("application-detail", application.pk)).content.decode()
    assert 'data-testid="attachments"' in page and f"/media/{attachment.file.name}" in page
    assert "Budget scan" in page
    assert 'action="' + url("attachment-add", application.pk) not in page  # reads, does not attach


def test_another_reviewer_gets_404_for_the_file_and_the_page(client_for, assigned):
    application, attachment = assigned
    other = client_for(make_user("reviewer-other", "reviewer"))
    assert other.get(f"/media/{attachment.file.name}").status_code == 404
    assert other.get(url("application-detail", application.pk)).status_code == 404


def test_a_recused_reviewer_no_longer_reads_the_attachment(client_for, reviewer, assigned):
    application, attachment = assigned
    review = application.reviews.get(reviewer=reviewer)
    workflow.declare(review, reviewer, conflict=True, note="My cousin leads it", confidentiality=False, version=1)
    client = client_for(reviewer)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(url("application-detail", application.pk)).status_code == 404


def test_a_reviewer_reads_only_the_documents_of_their_own_assignment(
    client_for, staff, reviewer, assigned, make_application
):
    _application, mine = assigned
    unassigned = make_application(status="in_review")
    theirs = attach(client_for(staff), unassigned, name="Other scan")
    assert set(ApplicationAttachment.objects.for_user(reviewer)) == {mine}
    assert client_for(reviewer).get(f"/media/{theirs.file.name}").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff", 200), ("admin", 200), ("la_kyshtut", 404), ("viewer", 404), ("anonymous", 404), ("applicant", 404)],
)
def test_other_roles_keep_their_answer_for_the_attachment(client_for, users, assigned, role, status):
    _application, attachment = assigned
    assert client_for(users[role]).get(f"/media/{attachment.file.name}").status_code == status


def test_a_reviewer_cannot_attach_a_document(client_for, reviewer, assigned):
    application, _attachment = assigned
    upload = SimpleUploadedFile("more.pdf", b"%PDF-1.7\n", content_type="application/pdf")
    response = client_for(reviewer).post(url("attachment-add", application.pk), {"file": upload})
    assert response.status_code == 403 and application.attachments.count() == 1


def test_the_reviewers_application_page_takes_constant_queries_whatever_the_attachments(client_for, reviewer, assigned):
    application, attachment = assigned
    client = client_for(reviewer)  # one test client: signed in as the reviewer throughout

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("application-detail", application.pk)).status_code == 200
        return len(captured)

    few = count()
    for n in range(4):
        ApplicationAttachment.objects.create(
            application=application, file=attachment.file.name, name=f"Quote {n}", kind="pdf", size=10
        )
    assert count() == few

"""Background jobs (mapping_portal/jobs/), their work done in this process as the worker would do it: big
downloads and the donor report, a big import's commit, a backlog of possible duplicates; the owner's pages, what
nobody else may see, failures told in the owner's language, expiry. A real worker, killed and starved of its
database, is in test_jobs_faults.py."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mapping_portal import hooks
from mapping_portal.jobs import runner
from mapping_portal.jobs.models import Job
from mapping_portal.models import ExportLog
from mapping_portal.tasks import purge_expired
from stakeholders import importing
from stakeholders.models import ImportBatch, Organization
from tests.conftest import ROLES
from tests.helpers import count_queries, follow_job
from tests.stakeholders.test_import import csv_bytes

pytestmark = pytest.mark.usefixtures("media_root")

PEOPLE_XLSX = "/en/stakeholders/people/export.xlsx"


@pytest.fixture
def low_thresholds(settings):
    settings.JOB_EXPORT_ROWS = {"csv": 3, "xlsx": 3}
    settings.JOB_IMPORT_ROWS = 2


def _job_of(response):
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/[a-z]{2}/jobs/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return Job.objects.get(pk=match[1])


def test_a_big_export_is_made_in_the_background_and_logged_when_it_runs(client_for, admin, make_person, low_thresholds):
    for number in range(5):
        make_person(site="kerben", full_name=f"Адам {number}")
    make_person(site="kyshtut", full_name="Башка адам")
    client = client_for(admin)
    response = client.get(PEOPLE_XLSX, {"site": "kerben"})
    job = _job_of(response)
    assert (job.kind, job.status, job.total, job.owner) == ("download", "queued", 5, admin)
    assert job.queue_id is not None
    assert not ExportLog.objects.exists()  # nothing has left the server yet

    plain = follow_job(client, response)
    workbook = openpyxl.load_workbook(io.BytesIO(plain.content))
    names = [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == [f"Адам {number}" for number in range(5)]
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts, job.size) == ("done", 5, 1, len(plain.content))
    assert job.expires_at > timezone.now()
    entry = ExportLog.objects.get()
    assert (entry.user, entry.export, entry.rows, entry.personal_data) == (admin, "people", 5, True)
    assert entry.filters == {"site": ["kerben"]}


def test_a_small_export_answers_at_once(client_for, admin, make_person, low_thresholds):
    make_person(site="kerben")
    response = client_for(admin).get(PEOPLE_XLSX)
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_the_worker_makes_the_file_in_the_owners_language(client_for, admin, make_organization, low_thresholds):
    for _number in range(4):
        make_organization(site="kyshtut")
    client = client_for(admin)
    response = client.get("/ru/reports/donor-report.pdf")
    job = _job_of(response)
    assert job.language == "ru"
    plain = follow_job(client, response)
    assert "-all-ru-" in plain["Content-Disposition"]
    assert plain.content[:5] == b"%PDF-"


def test_the_owner_follows_the_job_and_nobody_else_sees_it(client_for, users, admin, make_person, low_thresholds):
    for _number in range(4):
        make_person(site="kerben")
    job = _job_of(client_for(admin).get(PEOPLE_XLSX))
    pages = [f"/en/jobs/{job.pk}/", f"/en/jobs/{job.pk}/progress/", f"/en/jobs/{job.pk}/download/"]
    runner.run(job.pk)
    for role in ROLES:
        client = client_for(users[role])
        for page in pages:
            response = client.get(page)
            if role == "admin":
                assert response.status_code == 200, page
            elif role == "anonymous":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], page
            else:
                assert response.status_code == 404, (role, page)
        listed = client.get("/en/jobs/")
        if role == "admin":
            assert job.title in listed.content.decode()
        elif role != "anonymous":
            assert listed.status_code == 200 and job.title not in listed.content.decode()
    # Someone else's job cannot be asked again either.
    assert client_for(users["staff"]).post(f"/en/jobs/{job.pk}/retry/").status_code == 404


def test_the_page_polls_while_the_job_waits_and_reloads_once_it_is_done(client_for, admin, low_thresholds, sites):
    job = _job_of(client_for(admin).get("/en/reports/donor-report.xlsx"))
    client = client_for(admin)
    waiting = client.get(f"/en/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-progress"' in waiting and f'hx-get="/en/jobs/{job.pk}/progress/"' in waiting
    assert "Waiting for a worker" in waiting
    runner.run(job.pk)
    polled = client.get(f"/en/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert (polled.status_code, polled["HX-Refresh"]) == (204, "true")
    done = client.get(f"/en/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-download"' in done and "job-progress" not in done


def test_a_failure_is_told_in_the_owners_language_never_as_a_trace(client_for, admin, sites, monkeypatch):
    def broken(job):
        raise ValueError("secret internals: SELECT * FROM people")

    monkeypatch.setitem(hooks.job_work._providers, "download", broken)
    job = _job_of(client_for(admin).get("/ky/reports/donor-report.pdf"))
    with pytest.raises(ValueError):
        runner.run(job.pk)  # raised on to the queue, which records the task as failed (and logs the trace)
    job.refresh_from_db()
    assert (job.status, job.failure) == ("failed", "error")
    for language, words in [("ky", "Кайра аракет кылыңыз"), ("ru", "Попробуйте ещё раз"), ("en", "Try again")]:
        page = client_for(admin).get(f"/{language}/jobs/{job.pk}/").content.decode()
        assert words in page, language
        assert "secret internals" not in page and "ValueError" not in page and "Traceback" not in page


def test_a_failed_job_can_be_asked_again(client_for, admin, sites, monkeypatch):
    monkeypatch.setitem(hooks.job_work._providers, "download", lambda job: 1 / 0)
    job = _job_of(client_for(admin).get("/en/reports/donor-report.pdf"))
    with pytest.raises(ZeroDivisionError):
        runner.run(job.pk)
    monkeypatch.delitem(hooks.job_work._providers, "download")
    client = client_for(admin)
    assert client.get(f"/en/jobs/{job.pk}/retry/").status_code == 405
    response = client.post(f"/en/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.failure) == ("queued", "")
    runner.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    # A job that is done is not asked again.
    assert client.post(f"/en/jobs/{job.pk}/retry/").status_code == 404


def test_an_owner_who_lost_access_gets_no_file(client_for, staff, make_organization, low_thresholds):
    for _number in range(4):
        make_organization(site="kerben")
    job = _job_of(client_for(staff).get("/en/stakeholders/export.xlsx"))
    staff.is_active = False
    staff.save()
    runner.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.failure, job.file.name) == ("failed", "forbidden", "")
    assert not ExportLog.objects.exists()


def test_a_finished_job_run_again_does_nothing(client_for, admin, sites):
    job = _job_of(client_for(admin).get("/en/reports/donor-report.pdf"))
    runner.run(job.pk)
    job.refresh_from_db()
    first = job.file.name
    runner.run(job.pk)  # the queue's retry of a job whose worker died after it had finished
    job.refresh_from_db()
    assert (job.file.name, job.attempts, ExportLog.objects.count()) == (first, 1, 1)


def test_expired_files_are_deleted_and_no_longer_served(client_for, admin, sites, media_root):
    client = client_for(admin)
    job = _job_of(client.get("/en/reports/donor-report.pdf"))
    runner.run(job.pk)
    job.refresh_from_db()
    stored = media_root / job.file.name
    assert stored.exists()
    assert purge_expired() == 0
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"/en/jobs/{job.pk}/download/").status_code == 404
    assert purge_expired() == 1
    assert not stored.exists()
    page = client.get(f"/en/jobs/{job.pk}/").content.decode()
    assert "Expired" in page and "Ask for it again" in page
    # Asked again, it is made again.
    client.post(f"/en/jobs/{job.pk}/retry/")
    runner.run(job.pk)
    assert client.get(f"/en/jobs/{job.pk}/download/").status_code == 200


def test_a_big_import_commits_in_the_background_once(client_for, admin, registry, low_thresholds):
    rows = [["name_ky", "type", "site"]] + [[f"Уюм {number}", "cso", "kyshtut"] for number in range(4)]
    batch = importing.analyse_all(
        importing.start_import(SimpleUploadedFile("orgs.csv", csv_bytes(rows)), "organizations", admin)
    )
    client = client_for(admin)
    job = _job_of(client.post(f"/en/stakeholders/imports/{batch.pk}/commit/"))
    assert (job.kind, job.params["batch"]) == ("import", batch.pk)
    assert not Organization.objects.exists()
    runner.run(job.pk)
    job.refresh_from_db()
    batch.refresh_from_db()
    assert (job.status, batch.status, Organization.objects.count()) == ("done", ImportBatch.Status.COMMITTED, 4)
    page = client.get(f"/en/jobs/{job.pk}/").content.decode()
    assert f'href="/en/stakeholders/imports/{batch.pk}/"' in page
    # The queue's retry after the work was done (the worker died before it could say so) imports nothing twice.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    runner.run(job.pk)
    job.refresh_from_db()
    assert (job.status, Organization.objects.count()) == ("done", 4)


def test_an_import_refused_tells_why(client_for, admin, registry, make_organization, low_thresholds):
    rows = [["name_ky", "type", "site"]] + [[f"Уюм {number}", "cso", "kyshtut"] for number in range(4)]
    batch = importing.analyse_all(
        importing.start_import(SimpleUploadedFile("orgs.csv", csv_bytes(rows)), "organizations", admin)
    )
    job = _job_of(client_for(admin).post(f"/en/stakeholders/imports/{batch.pk}/commit/"))
    make_organization(site="kyshtut")  # the registry changes before the worker gets to it
    runner.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.failure) == ("failed", "refused")
    assert "The registry has changed since this preview was made" in job.reason
    assert Organization.objects.count() == 1


def test_a_big_backlog_of_possible_duplicates_is_compared_in_the_background(
    client_for, staff, make_organization, monkeypatch
):
    from stakeholders.views import duplicates

    monkeypatch.setattr(duplicates, "BACKGROUND_BATCHES", 0)
    make_organization(site="kyshtut", name_ky="Аялдар бирлиги")
    make_organization(site="kyshtut", name_ky="Аялдар бирлиги КБ")
    client = client_for(staff)
    page = client.get("/en/stakeholders/duplicates/", {"site": "kyshtut"}).content.decode()
    job = Job.objects.get(kind="duplicates")
    assert "being compared in the background" in page and f"/en/jobs/{job.pk}/" in page
    # Another visit finds the job already under way and starts no other.
    client.get("/en/stakeholders/duplicates/", {"site": "kyshtut"})
    assert Job.objects.filter(kind="duplicates").count() == 1
    runner.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 2, 2)
    page = client.get("/en/stakeholders/duplicates/", {"site": "kyshtut"}).content.decode()
    assert "Аялдар бирлиги КБ" in page and "being compared" not in page


def test_the_job_pages_read_a_fixed_number_of_queries(client_for, admin, sites):
    client = client_for(admin)
    first = _job_of(client.get("/en/reports/donor-report.pdf"))
    runner.run(first.pk)
    one = count_queries(client, "/en/jobs/")
    detail = count_queries(client, f"/en/jobs/{first.pk}/")
    for _number in range(5):
        runner.run(_job_of(client.get("/en/reports/donor-report.xlsx")).pk)
    assert count_queries(client, "/en/jobs/") == one <= 10
    assert detail <= 8


@pytest.mark.parametrize("address", ["/en/jobs/not-a-uuid/", "/en/jobs/00000000-0000-0000-0000-000000000000/"])
def test_an_unknown_job_is_not_found(client_for, admin, address):
    assert client_for(admin).get(address).status_code == 404

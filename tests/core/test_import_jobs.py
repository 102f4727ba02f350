"""Imports through the web that outlast a request: a large file is queued for the worker and watched on
its own page with a progress bar; the worker's report is the one a small file gets at once. Shown
with the call import, the first kind registered."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from huey.contrib.djhuey import HUEY

from keyaccount.core import import_jobs
from keyaccount.core.models import ImportJob, ImportJobStatus
from keyaccount.timeline.models import Interaction
from tests.timeline.test_importers import MASTER_CSV


@pytest.fixture
def large(settings):
    """Every file counts as large: it goes to the worker."""
    settings.KAM_IMPORT_INLINE_BYTES = 10
    HUEY.flush()
    yield
    HUEY.flush()


def _work_off_the_queue():
    """What `kam worker` does with the queued message: run its job. (Not through ``HUEY.execute``: huey's
    ``db_task`` closes the database connection after each task, the test's own on PostgreSQL.)"""
    message = HUEY.dequeue()
    assert message.name == "run_import_job"
    import_jobs.run(*message.args)


def _upload(client):
    return client.post("/timeline/calls/import/", {
        "file": SimpleUploadedFile("Master.csv", MASTER_CSV.encode()), "file_format": "asterisk", "preview": "1"})


def test_a_large_file_is_queued_for_the_worker_and_its_page_shows_the_report_when_done(
        people, client_for, large, django_capture_on_commit_callbacks):
    client = client_for(people["anna"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert job.status == ImportJobStatus.QUEUED and job.dry_run and HUEY.pending_count() == 1
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Waiting for its turn" in page and 'hx-trigger="every 1s"' in page

    _work_off_the_queue()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.result["rows"] == 3 and job.result["created"] == 3
    assert not Interaction.objects.exists()  # a preview saves nothing
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "nothing is saved yet" in page and 'name="import"' in page and job.upload in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/timeline/calls/import/", {"upload": job.upload, "file_format": "asterisk", "import": "1"})
    _work_off_the_queue()
    imported = ImportJob.objects.get(dry_run=False)
    assert imported.status == ImportJobStatus.DONE and Interaction.objects.count() == 3
    page = client.get(f"/imports/{imported.pk}/").content.decode()
    assert "Imported 3 calls (0 were already there)" in page


def test_while_it_runs_the_page_shows_how_far_it_got_and_reloads_once_it_is_done(people, client_for, large):
    client = client_for(people["anna"])
    _upload(client)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)
    HUEY.put(import_jobs._progress_key(job.pk), {"rows": 2, "bytes": job.size * 3 // 4})
    fragment = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert f'<progress value="{job.size * 3 // 4 * 100 // job.size}" max="100"' in fragment and "2 rows" in fragment
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.DONE)
    finished = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert finished.status_code == 204 and finished["HX-Refresh"] == "true"


def test_a_bad_row_at_the_end_of_the_file_refuses_it_in_the_worker_and_writes_nothing(
        people, client_for, large):
    client = client_for(people["anna"])
    body = MASTER_CSV.encode() * 400 + b'"","1","2"\n'
    client.post("/timeline/calls/import/", {"file": SimpleUploadedFile("Master.csv", body),
                                            "file_format": "asterisk", "import": "1"})
    job = ImportJob.objects.get()
    import_jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and "Line 1201: 3 columns" in job.errors[0]
    assert not Interaction.objects.exists()
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Nothing was imported" in page and "Line 1201" in page


def test_the_worker_tells_the_problems_in_the_language_of_the_person_who_imports(people, client_for, large):
    people["anna"].language = "ru"
    people["anna"].save()
    client_for(people["anna"]).post("/timeline/calls/import/", {
        "file": SimpleUploadedFile("Master.csv", MASTER_CSV.encode() + b'"","1","2"\n'), "file_format": "asterisk",
        "import": "1"})
    with translation.override("en"):  # the worker's own
        import_jobs.run(ImportJob.objects.get().pk)
    assert ImportJob.objects.get().errors[0].startswith("Строка 4: колонок 3")


def test_a_job_runs_once_even_if_it_is_queued_twice(people, client_for, large):
    _upload(client_for(people["anna"]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(dry_run=False)
    import_jobs.run(job.pk)
    import_jobs.run(job.pk)
    assert Interaction.objects.count() == 3


def test_a_file_gone_from_the_storage_is_reported_not_a_crash(people, client_for, large):
    from django.core.files.storage import default_storage

    _upload(client_for(people["anna"]))
    job = ImportJob.objects.get()
    default_storage.delete(job.upload)
    import_jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and "upload it again" in job.errors[0]


def test_nobody_else_sees_an_import_not_even_an_administrator(people, client_for, large):
    _upload(client_for(people["anna"]))
    job = ImportJob.objects.get()
    for other in ("boris", "head", "admin"):
        assert client_for(people[other]).get(f"/imports/{job.pk}/").status_code == 404

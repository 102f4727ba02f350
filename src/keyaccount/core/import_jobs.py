"""Imports through the web that may take minutes: each run (a preview or the import) is an ``ImportJob``
its person watches on a page with a progress bar, instead of a request that would outlive the server's
timeout (a million calls take over a minute).

A small file (up to ``KAM_IMPORT_INLINE_BYTES``) is run in the request, as before: the page answers at
once. A larger one is queued for ``kam worker`` (``run_import_job``). Either way the same
runner does it, so a file gives the same report whoever runs it.

The apps that import register a runner per kind (``register``): it is called with the job, the open
file and a ``progress(rows, bytes read)`` callback, returns the report as plain data, and raises
``ValidationError`` to refuse the file (its import then wrote nothing). While a job runs, its progress
is kept in the job queue's own store (huey's, a Redis hash or the queue's SQLite file), not in the
database: on SQLite the import holds the database's write lock until it commits, and the page must
still be able to read how far it got.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY, db_task

from keyaccount.core.models import ImportJob, ImportJobStatus

logger = logging.getLogger(__name__)

# A queued job nobody has started after this long: the page says that no worker seems to be running.
WORKER_WAIT_SECONDS = 20
# How often a running job tells its progress (the store is written at most this often).
PROGRESS_EVERY_SECONDS = 0.5


@dataclass(frozen=True)
class ImportKind:
    # run(job, file, progress) -> the report as plain data (JSON); raises ValidationError to refuse.
    run: Callable
    # The template that shows a finished job's report (and what to do next), included in the job's page.
    result_template: str
    title: str
    # The page the job's page links back to (a URL name), and what else the result template needs:
    # context(job) -> dict.
    back_url: str
    back_title: str
    context: Callable[[ImportJob], dict] = lambda job: {}


_kinds: dict[str, ImportKind] = {}


def register(kind: str, import_kind: ImportKind) -> None:
    _kinds[kind] = import_kind


def kind_of(job: ImportJob) -> ImportKind:
    return _kinds[job.kind]


def _progress_key(job_id) -> str:
    return f"kam:import-progress:{job_id}"


def start(*, user, kind: str, upload: str, file_name: str, options: dict, dry_run: bool) -> ImportJob:
    """Create the job for an uploaded file and run it now (small files) or queue it for the worker."""
    if kind not in _kinds:
        raise ValueError(f"No import of kind {kind!r}.")
    job = ImportJob.objects.create(kind=kind, user=user, upload=upload, file_name=file_name[:200],
                                   size=default_storage.size(upload), options=options, dry_run=dry_run)
    if job.size <= settings.KAM_IMPORT_INLINE_BYTES:
        run(job.pk)
    else:
        # Queued once the job's row is committed, so that the worker finds it.
        transaction.on_commit(lambda: run_import_job(str(job.pk)))
    job.refresh_from_db()
    return job


def run(job_id) -> None:
    """Run a queued job (in the worker, or in the request for a small file). A job already started is
    left alone, so a job queued twice runs once."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
        status=ImportJobStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    last = [0.0]

    def progress(rows: int, done_bytes: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = now
            HUEY.put(_progress_key(job.pk), {"rows": rows, "bytes": done_bytes})

    result, errors, status = {}, [], ImportJobStatus.DONE
    try:
        with default_storage.open(job.upload, "rb") as file:
            result = kind_of(job).run(job, file, progress)
    except ValidationError as error:
        errors, status = error.messages, ImportJobStatus.FAILED
    except FileNotFoundError:
        errors = [_("The uploaded file is gone (files are kept a day); upload it again.")]
        status = ImportJobStatus.FAILED
    except Exception:  # the worker must record the end of every job; the traceback goes to the log
        logger.exception("Import %s (%s) failed.", job.pk, job.kind)
        errors = [_("The import stopped on an error of ours; nothing was imported. The administrator "
                    "will find it in the log.")]
        status = ImportJobStatus.FAILED
    finally:
        HUEY.delete(_progress_key(job.pk))
    ImportJob.objects.filter(pk=job.pk).update(status=status, result=result, errors=errors,
                                               finished_at=timezone.now())
    if status == ImportJobStatus.DONE and not job.dry_run:
        default_storage.delete(job.upload)


def job_for_user(*, job_id, user) -> ImportJob:
    """A job is seen by the person who started it only (the file and its report are theirs)."""
    job = ImportJob.objects.filter(pk=job_id, user=user).first()
    if job is None:
        raise Http404
    return job


def progress_of(job: ImportJob) -> dict:
    """Where a job is: rows read, bytes read of the file's size (a percentage), and whether it has
    waited so long for a worker that none seems to be running."""
    state = {"rows": 0, "bytes": 0, "percent": 0, "no_worker": False}
    if job.status == ImportJobStatus.RUNNING:
        state.update(HUEY.get(_progress_key(job.pk), peek=True) or {})
        state["percent"] = min(99, int(state["bytes"] * 100 / job.size)) if job.size else 0
    elif job.status == ImportJobStatus.QUEUED:
        state["no_worker"] = (timezone.now() - job.created_at).total_seconds() > WORKER_WAIT_SECONDS
    return state


@db_task(retries=0)
def run_import_job(job_id: str):
    """The worker's side of ``start``: an import too large for a request."""
    run(job_id)

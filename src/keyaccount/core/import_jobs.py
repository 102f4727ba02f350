"""Imports through the web that may take minutes: each run (a preview or the import) is an ``ImportJob``
its person watches on a page with a progress bar, instead of a request that would outlive the server's
timeout (a million calls take over a minute).

A small file (up to ``KAM_IMPORT_INLINE_BYTES``) is run in the request, as before: the page answers at
once. A larger one is queued for ``kam worker`` (``run_import_job``). Either way the same
runner does it, so a file gives the same report whoever runs it.

The apps that import register a runner per kind (``register``), which ``kam import KIND FILE`` uses too:
it is called with the user, the open file, its name, the options and a ``progress(rows, bytes read)``
callback, returns the report as plain data, and raises
``ValidationError`` to refuse the file (its import then wrote nothing). While a job runs, its progress
is kept in the job queue's own store (huey's, a Redis hash or the queue's SQLite file), not in the
database: on SQLite the import holds the database's write lock until it commits, and the page must
still be able to read how far it got.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY, db_task

from keyaccount.core.models import ImportJob, ImportJobStatus
from keyaccount.core.uploads import safe_filename

logger = logging.getLogger(__name__)

# Where uploaded files wait for their import, in the storage.
UPLOADS = "imports"
# A queued job nobody has started after this long: the page says that no worker seems to be running.
WORKER_WAIT_SECONDS = 20
# How often a running job tells its progress (the store is written at most this often).
PROGRESS_EVERY_SECONDS = 0.5


@dataclass(frozen=True)
class ImportKind:
    # run(user=, file=, filename=, options=, dry_run=, progress=) -> the report as plain data (JSON);
    # raises ValidationError to refuse. ``progress(rows, bytes read)``. The same for `kam import`.
    run: Callable
    # summary(report, dry_run) -> one line saying what was (or would be) imported.
    summary: Callable[[dict, bool], str]
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


def kinds() -> dict[str, ImportKind]:
    return dict(_kinds)


def _progress_key(job_id) -> str:
    return f"kam:import-progress:{job_id}"


def forget_old_uploads(max_age=dt.timedelta(days=1)) -> None:
    """Uploaded files nobody imported (a preview left there) are kept a day, then removed."""
    try:
        _folders, names = default_storage.listdir(UPLOADS)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - max_age
    for name in names:
        path = f"{UPLOADS}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


def save_upload(file) -> str:
    """Keep an uploaded file for its preview and import: saved as it arrived (in chunks), under a name of
    ours with the file's cleaned name after it. Returns the name in the storage."""
    forget_old_uploads()
    return default_storage.save(f"{UPLOADS}/{uuid.uuid4().hex}-{safe_filename(file.name, max_length=80)}", file)


def is_upload(name: str | None) -> bool:
    """Whether a name sent back by a form (the previewed file) is one of the kept uploads, not a path
    of someone's choosing."""
    return bool(name) and name.startswith(f"{UPLOADS}/") and ".." not in name and "\\" not in name \
        and default_storage.exists(name)


def start(*, user, kind: str, upload: str, options: dict, dry_run: bool) -> ImportJob:
    """Create the job for an uploaded file and run it now (small files) or queue it for the worker."""
    if kind not in _kinds:
        raise ValueError(f"No import of kind {kind!r}.")
    file_name = upload.rsplit("/", 1)[-1].split("-", 1)[-1]
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

    # The report and its messages in the language of the person who imports: their own, else the
    # request's (the browser's); the worker has none of its own.
    with translation.override(job.user.language or translation.get_language()):
        result, errors, status = _run_kind(job, progress)
    ImportJob.objects.filter(pk=job.pk).update(status=status, result=result, errors=errors,
                                               finished_at=timezone.now())
    if status == ImportJobStatus.DONE and not job.dry_run:
        default_storage.delete(job.upload)


def _run_kind(job: ImportJob, progress) -> tuple[dict, list[str], str]:
    """The kind's runner on the job's file: (its report, the reasons it refused the file, the status)."""
    try:
        with default_storage.open(job.upload, "rb") as file:
            result = kind_of(job).run(user=job.user, file=file, filename=job.file_name, options=job.options,
                                      dry_run=job.dry_run, progress=progress)
        return result, [], ImportJobStatus.DONE
    except ValidationError as error:
        return {}, error.messages, ImportJobStatus.FAILED
    except FileNotFoundError:
        return {}, [_("The uploaded file is gone (files are kept a day); upload it again.")], ImportJobStatus.FAILED
    except Exception:  # the worker must record the end of every job; the traceback goes to the log
        logger.exception("Import %s (%s) failed.", job.pk, job.kind)
        return {}, [_("The import stopped on an error of ours; nothing was imported. The administrator "
                      "will find it in the log.")], ImportJobStatus.FAILED
    finally:
        HUEY.delete(_progress_key(job.pk))


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

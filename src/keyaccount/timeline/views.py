"""Timeline pages: an account's or a person's history, logging, the call queue and call imports."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keyaccount.accounts.queries import account_get_for_user, contact_get_for_user, contact_list
from keyaccount.core import services as core_services
from keyaccount.core.documents import pdf_response, render_pdf
from keyaccount.core.editing import require
from keyaccount.core.errors import AccessDenied, ConflictError
from keyaccount.core.generic import (
    EntityDeleteView,
    EntityFormView,
    HistoryView,
    add_service_errors,
    filter_values,
    import_upload_page,
    is_htmx_fragment,
)
from keyaccount.core.models import ImportJobStatus
from keyaccount.core.routers import read_only_view
from keyaccount.timeline import briefs, calendar, queries, reports, services
from keyaccount.timeline.choices import LOGGED_KINDS, CallDirection, CallOutcome, InteractionKind
from keyaccount.timeline.forms import (
    ActivityFilterForm,
    CallImportForm,
    InteractionForm,
    LogCallForm,
    MeetingCloseForm,
    TimelineFilterForm,
)


def _timeline_response(request, *, subject, account=None, contact=None):
    form = TimelineFilterForm(request.GET or None)
    filters = filter_values(form)
    page = queries.timeline(request.user, account=account, contact=contact, kinds=filters.get("kind") or (),
                            person=filters.get("person"), date_from=filters.get("date_from"),
                            date_to=filters.get("date_to"), cursor=filters.get("cursor"))
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"subject": subject, "account": account, "contact": contact, "entries": page.entries,
               "next_cursor": page.next_cursor, "filter_form": form, "querystring": query.urlencode(),
               "kinds": InteractionKind.choices, "can_log": services.can_log(request.user)}
    template = "timeline/_entries.html" if is_htmx_fragment(request) else "timeline/timeline.html"
    return render(request, template, context)


@login_required
def account_timeline(request, pk):
    account = account_get_for_user(account_id=pk, user=request.user)
    return _timeline_response(request, subject=account, account=account)


@login_required
def contact_timeline(request, pk):
    contact = contact_get_for_user(contact_id=pk, user=request.user)
    return _timeline_response(request, subject=contact, account=contact.account, contact=contact)


@login_required
def interaction_detail(request, pk):
    interaction = queries.interaction_get_for_user(interaction_id=pk, user=request.user)
    return render(request, "timeline/interaction_detail.html", {
        "interaction": interaction, "can_change": services.can_change(request.user, interaction),
        "next_steps": list(interaction.next_steps.all()) if interaction.kind == InteractionKind.MEETING else [],
    })


def _brief_response(request, brief, *, pdf: bool, back_url: str, back_label: str, pdf_url: str):
    context = {"brief": brief, "back_url": back_url, "back_label": back_label, "pdf_url": pdf_url}
    if pdf:
        moment = timezone.localtime(brief.moment)
        filename = f"{_('Brief')} {brief.account} {moment:%Y-%m-%d}.pdf"
        return pdf_response(render_pdf("timeline/brief_print.html", context, request=request), filename=filename)
    return render(request, "timeline/brief.html", context)


@login_required
def meeting_brief(request, pk, pdf=False):
    """The brief before a meeting or a call with an account."""
    interaction = queries.interaction_get_for_user(interaction_id=pk, user=request.user)
    if interaction.account_id is None:
        raise Http404
    brief = briefs.meeting_brief(meeting=interaction, user=request.user)
    return _brief_response(request, brief, pdf=pdf, back_url=interaction.get_absolute_url(),
                           back_label=str(interaction), pdf_url=reverse("timeline:meeting_brief_pdf", args=[pk]))


@login_required
def account_brief(request, pk, pdf=False):
    """The brief on demand, for a call or a visit that is not in the calendar."""
    account = account_get_for_user(account_id=pk, user=request.user)
    brief = briefs.account_brief(account=account, user=request.user)
    return _brief_response(request, brief, pdf=pdf, back_url=account.get_absolute_url(), back_label=str(account),
                           pdf_url=reverse("timeline:account_brief_pdf", args=[pk]))


class InteractionFormView(EntityFormView):
    form_class = InteractionForm
    new_title = gettext_lazy("New entry")

    def get_object(self, request, pk=None, account_pk=None, kind=None):
        return queries.interaction_get_for_user(interaction_id=pk, user=request.user) if pk else None

    def _account(self, request, obj, account_pk):
        return obj.account if obj else account_get_for_user(account_id=account_pk, user=request.user)

    def get_form_kwargs(self, request, obj, account_pk=None, kind=None, **kwargs):
        if obj is None and kind not in LOGGED_KINDS:
            raise Http404
        return {"instance": obj, "user": request.user, "account": self._account(request, obj, account_pk),
                "kind": kind}

    def check_allowed(self, request, obj, **kwargs):
        allowed = services.can_change(request.user, obj) if obj else services.can_log(request.user)
        if not allowed:
            raise AccessDenied()

    def save(self, request, form, obj, pk=None, account_pk=None, kind=None):
        if obj is None:
            data = {**form.service_data(), "kind": kind}
            return services.interaction_create(user=request.user, account=self._account(request, obj, account_pk),
                                               data=data)
        return services.interaction_update(user=request.user, interaction=obj, data=form.service_data(),
                                           version=form.cleaned_data.get("version"))

    def render_form(self, request, form, obj, **kwargs):
        kind = kwargs.get("kind") or obj.kind
        self.new_title = InteractionKind(kind).label
        return super().render_form(request, form, obj, **kwargs)

    def extra_context(self, request, obj, account_pk=None, **kwargs):
        return {"account": self._account(request, obj, account_pk)}

    def success_url(self, saved, **kwargs):
        return reverse("timeline:account_timeline", args=[saved.account_id])

    def cancel_url(self, obj, account_pk=None, **kwargs):
        return obj.get_absolute_url() if obj else reverse("accounts:account_detail", args=[account_pk])


class InteractionDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.interaction_get_for_user(interaction_id=pk, user=request.user)

    def delete(self, request, obj):
        services.interaction_delete(user=request.user, interaction=obj)

    def success_url(self, obj):
        return reverse("timeline:account_timeline", args=[obj.account_id]) if obj.account_id \
            else reverse("timeline:call_queue")


class InteractionHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.interaction_get_for_user(interaction_id=pk, user=request.user)


@login_required
@require_POST
def log_call(request, contact_pk):
    contact = contact_get_for_user(contact_id=contact_pk, user=request.user)
    form = LogCallForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect(contact.get_absolute_url())
    services.call_log(user=request.user, contact=contact, **form.cleaned_data)
    messages.success(request, _("Call logged."))
    return redirect(contact.get_absolute_url())


@login_required
def meeting_close(request, pk):
    meeting = queries.interaction_get_for_user(interaction_id=pk, user=request.user)
    if meeting.kind != InteractionKind.MEETING:
        raise Http404
    require(services.can_change(request.user, meeting))
    form = MeetingCloseForm(request.POST or None, initial={"version": meeting.version,
                                                           "actual_start_at": meeting.starts_at})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_close(user=request.user, meeting=meeting, actual_start_at=data["actual_start_at"],
                                   summary=data["summary"], agreements=data["agreements"],
                                   next_steps=data["next_steps"], version=data.get("version"))
        except ConflictError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting closed."))
            return redirect(meeting.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "title": _("How did the meeting go?"),
                                              "object": meeting, "cancel_url": meeting.get_absolute_url()})


@login_required
@require_POST
def task_done(request, pk):
    task = queries.interaction_get_for_user(interaction_id=pk, user=request.user)
    try:
        services.task_complete(user=request.user, task=task)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(request.POST.get("next") or task.get_absolute_url())


@login_required
def call_queue(request):
    """Calls that matched nobody (or several accounts): assign each to a person."""
    page = Paginator(queries.call_queue(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "timeline/call_queue.html", {"page_obj": page, "calls": page.object_list,
                                                        "can_import": services.can_log(request.user)})


@login_required
def call_assign(request, pk):
    call = queries.interaction_get_for_user(interaction_id=pk, user=request.user)
    if call.kind != InteractionKind.CALL or call.account_id is not None:
        raise Http404
    if request.method == "POST":
        contact = contact_get_for_user(contact_id=request.POST.get("contact"), user=request.user)
        services.call_assign(user=request.user, call=call, contact=contact,
                             add_number=request.POST.get("add_number") == "on")
        messages.success(request, _("The call is now on %(account)s's timeline.") % {"account": contact.account})
        return redirect("timeline:call_queue")
    term = (request.GET.get("q") or "")[:200]
    candidates = list(contact_list(request.user, search=term)[:20]) if term else []
    template = "timeline/_assign_candidates.html" if is_htmx_fragment(request) else "timeline/call_assign.html"
    return render(request, template, {"call": call, "candidates": candidates, "q": term})


@login_required
def call_import(request):
    """Upload a call log and choose how to read it; the preview and the import run on the import's own
    page (a large file in the worker, with progress). A small log imported at once goes to the queue."""
    require(services.can_log(request.user))

    def to_the_queue(job):
        messages.success(request, imported_message(job.result))
        return redirect("timeline:call_queue")

    return import_upload_page(request, kind="calls", form_class=CallImportForm, template="timeline/call_import.html",
                              option_names=("file_format", "mapping", "encoding", "utc", "skip_bad"),
                              when_imported=to_the_queue)


def imported_message(report: dict) -> str:
    return _("Imported %(created)s calls (%(duplicates)s were already there); %(queued)s wait in the queue.") % {
        "created": report["created"], "duplicates": report["duplicates"],
        "queued": report["unmatched"] + report["ambiguous"]}


def call_import_context(job) -> dict:
    """What a call import's page shows once it is done: the report (its preview rows as the page
    formats them) and, after a preview, the form to import the same file."""
    report = dict(job.result)
    directions, outcomes = dict(CallDirection.choices), dict(CallOutcome.choices)
    report["preview"] = [{**call, "starts_at": dt.datetime.fromisoformat(call["starts_at"]),
                          "direction": directions.get(call["direction"], call["direction"]),
                          "outcome": outcomes.get(call["outcome"], call["outcome"])}
                         for call in report.get("preview", [])]
    form = CallImportForm(initial={**job.options, "upload": job.upload})
    done = imported_message(report) if job.status == ImportJobStatus.DONE and not job.dry_run else ""
    return {"report": report, "form": form, "upload": job.upload, "imported": done}


def calendar_feed(request, secret):
    """A user's private calendar (no sign-in: the secret in the URL is the key). A wrong or
    rotated secret answers 404 and reveals nothing."""
    user = core_services.calendar_owner(secret)
    if user is None:
        raise Http404
    body = calendar.calendar_for(user, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="keyaccount.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def calendar_link_rotate(request):
    secret = core_services.calendar_key_rotate(user=request.user)
    url = request.build_absolute_uri(reverse("timeline:calendar_feed", args=[secret]))
    messages.success(request, _("Your new calendar link (copy it now; it is shown once): %(url)s") % {"url": url})
    return redirect("core:profile")


@login_required
@read_only_view
def activity_report(request):
    """Punctuality and activity of the managers the user may see, for a period (default: 30 days)."""
    form = ActivityFilterForm(request.GET or None)
    values = filter_values(form)
    date_to = values.get("date_to") or timezone.localdate()
    date_from = values.get("date_from") or date_to - dt.timedelta(days=29)
    rows = reports.activity(request.user, date_from=date_from, date_to=date_to)
    return render(request, "timeline/activity.html", {"rows": rows, "filter_form": form, "date_from": date_from,
                                                      "date_to": date_to, "silence_days": reports.SILENCE_DAYS})

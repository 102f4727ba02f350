"""The views every entity shares: list (full page or HTMX fragment), form (create/edit), delete,
history. An app's view is a few lines naming its query, form, service and templates."""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View

from keyaccount.core import import_jobs
from keyaccount.core.errors import AccessDenied, ConflictError
from keyaccount.core.models import MAX_ID, ImportJob, ImportJobStatus
from keyaccount.core.queries import history_of


def is_htmx_fragment(request) -> bool:
    """An HTMX request for a part of the page (a boosted navigation wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the form fields it names (the rest on top)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages_:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def submit_form(form: forms.Form, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run ``action`` (a service call) for a bound and valid ``form``: ``(True, result)`` when it
    went through; ``(False, None)`` with the service's field errors (or a stale version's message)
    put on the form. A refusal (AccessDenied) is left to go up to the 403 handler, as everywhere."""
    try:
        return True, action()
    except ConflictError as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        add_service_errors(form, error)
    return False, None


def import_upload_page(request, *, kind: str, form_class: type[forms.Form], template: str,
                       option_names: tuple[str, ...], when_imported: Callable[[ImportJob], Any] | None = None):
    """The upload page of an import (``core.import_jobs``): the file and how to read it; a preview
    (nothing is saved) or the import then runs on the job's own page. The form has ``file`` and the
    hidden ``upload`` (the previewed file, sent back), and ``option_names``, which the job keeps.
    A small file refused at once comes back as the form with why; ``when_imported(job)`` may answer a
    small file imported at once (else its job's page does)."""
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload_name = import_jobs.save_upload(data["file"]) if data["file"] is not None else data["upload"]
        if not import_jobs.is_upload(upload_name):
            form.add_error("file", _("Choose the file to import."))
            return render(request, template, {"form": form}, status=400)
        options = {name: data[name] for name in option_names}
        job = import_jobs.start(user=request.user, kind=kind, upload=upload_name, options=options,
                                dry_run="import" not in request.POST)
        if job.status == ImportJobStatus.FAILED:
            return render(request, template, {
                "form": form_class(initial={**options, "upload": upload_name}), "errors": job.errors}, status=400)
        if job.status == ImportJobStatus.DONE and not job.dry_run and when_imported is not None:
            return when_imported(job)
        return redirect("core:import_job", pk=job.pk)
    return render(request, template, {"form": form})


def filter_values(form: forms.Form) -> dict:
    """The values of a list's filter form that are valid.

    A bad value in one filter (a stale link, a hand-edited URL) drops that filter, not the rest:
    after validation ``cleaned_data`` keeps every field that did validate.
    """
    if not form.is_bound:
        return {}
    form.is_valid()
    return dict(form.cleaned_data)


class VersionField(forms.IntegerField):
    """The optimistic-lock version the editor loaded, carried in a hidden input."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, max_value=MAX_ID, **kwargs)


class ServiceFormMixin:
    """A form whose cleaned data goes to a service: everything but the optimistic-lock version,
    which the view passes to the service separately."""

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class IdField(forms.IntegerField):
    """A record id typed into a URL (``?account=12``): refused, not sent to the database, when no
    record can have it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class RecordsField(forms.ModelMultipleChoiceField):
    """Several records chosen by id; ids no record can have are a field error, not a database error
    (SQLite cannot bind integers beyond 64 bits in the ``IN (...)`` this field queries)."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if not str(pk).isdigit() or not 1 <= int(pk) <= MAX_ID:
                    raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                          params={"pk": pk})
        return super()._check_values(value)


class CappedPaginator(Paginator):
    """A paginator that stops counting at ``cap`` rows: "1 000+ accounts" for a broad search.

    Counting every match of a common word means reading every match; counting up to the cap lets
    the database stop early, so a broad search answers as fast as a narrow one.
    """

    cap = 1000

    @cached_property
    def count(self) -> int:
        # Without ordering or joins the database may stop at the first cap+1 matches it meets.
        return self.object_list.select_related(None).order_by()[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        # A full page even where the capped count would cut the last one short.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom:bottom + self.per_page], number, self)


class EntityListView(LoginRequiredMixin, View, abc.ABC):
    template_name: str
    partial_template_name: str
    filter_form_class: type[forms.Form]
    page_size = 25
    # Sort keys the user may choose (``?sort=name`` or ``?sort=-name``) and the ordering each means.
    sort_fields: dict[str, str] = {}
    default_sort = "name"

    @abc.abstractmethod
    def get_queryset(self, request, filters: dict):
        ...

    def extra_context(self, request) -> dict:
        return {}

    def sort_fields_for(self, request) -> dict[str, str]:
        """The sort keys this user may use (sorting by a value one may not see would reveal it)."""
        return self.sort_fields

    def get(self, request):
        form = self.filter_form_class(request.GET or None, user=request.user)
        filters = filter_values(form)
        sort_fields = self.sort_fields_for(request)
        sort = request.GET.get("sort", self.default_sort)
        key = sort.lstrip("-")
        if key not in sort_fields:
            sort, key = self.default_sort, self.default_sort.lstrip("-")
        order_by = ("-" if sort.startswith("-") else "") + sort_fields[key]
        queryset = self.get_queryset(request, {**filters, "order_by": order_by})
        paginator_class = CappedPaginator if filters.get("q") else Paginator
        page = paginator_class(queryset, self.page_size).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query_without_sort = query.copy()
        query_without_sort.pop("sort", None)
        context = {
            "filter_form": form,
            "page_obj": page,
            "objects": page.object_list,
            "sort": sort,
            # A filter in the address: an empty page then means "nothing matches", not "nothing yet".
            "is_filtered": any(value.strip() for name in form.fields for value in request.GET.getlist(name)),
            "querystring": query.urlencode(),
            "querystring_without_sort": query_without_sort.urlencode(),
            **self.extra_context(request),
        }
        template = self.partial_template_name if is_htmx_fragment(request) else self.template_name
        return render(request, template, context)


class EntityFormView(LoginRequiredMixin, View, abc.ABC):
    """Create (no ``pk``) or edit a record through its service; errors stay next to their fields."""

    form_class: type[forms.Form]
    template_name = "core/form.html"
    # The heading of the form for a new record; an existing one is headed by its own name.
    new_title = _("New record")

    def get_object(self, request, **kwargs):
        return None

    def get_form_kwargs(self, request, obj, **kwargs) -> dict:
        return {"instance": obj, "user": request.user}

    @abc.abstractmethod
    def save(self, request, form, obj, **kwargs):
        ...

    def check_allowed(self, request, obj, **kwargs) -> None:
        """Raise AccessDenied before showing or reading a form the user could never submit."""

    def success_url(self, saved, **kwargs) -> str:
        return saved.get_absolute_url()

    def cancel_url(self, obj, **kwargs) -> str:
        return obj.get_absolute_url() if obj is not None else ".."

    def render_form(self, request, form, obj, **kwargs):
        return render(request, self.template_name, {
            "form": form, "object": obj, "title": str(obj) if obj is not None else self.new_title,
            "cancel_url": self.cancel_url(obj, **kwargs), **self.extra_context(request, obj, **kwargs),
        })

    def extra_context(self, request, obj, **kwargs) -> dict:
        return {}

    def get(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        self.check_allowed(request, obj, **kwargs)
        form = self.form_class(**self.get_form_kwargs(request, obj, **kwargs))
        return self.render_form(request, form, obj, **kwargs)

    def post(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        # Refused before the form is read: a role that may not write gets the 403 of any refused
        # write, never the form's field errors (which would tell it what to correct).
        self.check_allowed(request, obj, **kwargs)
        form = self.form_class(request.POST, request.FILES, **self.get_form_kwargs(request, obj, **kwargs))
        if form.is_valid():
            try:
                # Fetch again: form validation writes into the instance it was given, and the service
                # must see the stored state to audit the change correctly.
                saved = self.save(request, form, self.get_object(request, **kwargs), **kwargs)
            except ConflictError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.success_url(saved, **kwargs))
        return self.render_form(request, form, obj, **kwargs)


class EntityDeleteView(LoginRequiredMixin, View, abc.ABC):
    template_name = "core/confirm_delete.html"

    @abc.abstractmethod
    def get_object(self, request, **kwargs):
        ...

    @abc.abstractmethod
    def delete(self, request, obj) -> None:
        ...

    @abc.abstractmethod
    def success_url(self, obj) -> str:
        ...

    def cancel_url(self, obj) -> str:
        """Where Cancel leads: the record's page (a record without one names its list instead)."""
        return obj.get_absolute_url()

    def get(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        return render(request, self.template_name, {"object": obj, "cancel_url": self.cancel_url(obj)})

    def post(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        try:
            self.delete(request, obj)
        except ValidationError as error:
            return render(request, self.template_name, {"object": obj, "cancel_url": self.cancel_url(obj),
                                                        "errors": error.messages}, status=400)
        messages.success(request, _("Deleted."))
        return redirect(self.success_url(obj))


class HistoryFilterForm(forms.Form):
    actor = IdField()
    date_from = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class HistoryView(LoginRequiredMixin, View, abc.ABC):
    """A record's History tab: who changed what and when, filterable by user and period."""

    template_name = "core/history.html"
    # Show the whole account's history (its contacts, orders, financials) rather than one record's.
    by_account = False

    @abc.abstractmethod
    def get_object(self, request, **kwargs):
        ...

    def get(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        form = HistoryFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        entries = history_of(user=request.user, instance=obj, account_id=obj.pk if self.by_account else None,
                             actor_id=filters.get("actor"), date_from=filters.get("date_from"),
                             date_to=filters.get("date_to"))
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
        actors = {entry.actor for entry in page.object_list if entry.actor}
        return render(request, self.template_name, {
            "object": obj, "page_obj": page, "entries": page.object_list, "filter_form": form,
            "actors": sorted(actors, key=str), "fragment": is_htmx_fragment(request),
        })


class AccountRecordFormView(EntityFormView, abc.ABC):
    """Create a record on an account (``account_pk`` in the URL) or edit one (``pk``): a deal, a
    proposal, a contract, an account plan. A subclass names how to read the record and the account
    (through their queries), who may edit, and the two services."""

    @abc.abstractmethod
    def get_record(self, request, pk):
        ...

    @abc.abstractmethod
    def get_account(self, request, account_pk):
        ...

    @abc.abstractmethod
    def may_edit(self, user, account) -> bool:
        ...

    @abc.abstractmethod
    def create(self, request, account, data: dict):
        ...

    @abc.abstractmethod
    def update(self, request, record, data: dict, version: int | None):
        ...

    def initial_for_new(self, request) -> dict:
        return {}

    def get_object(self, request, pk=None, **kwargs):
        return self.get_record(request, pk) if pk else None

    def account_of(self, request, obj, account_pk):
        return obj.account if obj is not None else self.get_account(request, account_pk)

    def get_form_kwargs(self, request, obj, account_pk=None, **kwargs) -> dict:
        form_kwargs = {"instance": obj, "user": request.user, "account": self.account_of(request, obj, account_pk)}
        if obj is None:
            form_kwargs["initial"] = self.initial_for_new(request)
        return form_kwargs

    def check_allowed(self, request, obj, account_pk=None, **kwargs):
        if not self.may_edit(request.user, self.account_of(request, obj, account_pk)):
            raise AccessDenied()

    def save(self, request, form, obj, pk=None, account_pk=None):
        if obj is None:
            return self.create(request, self.account_of(request, obj, account_pk), form.service_data())
        return self.update(request, obj, form.service_data(), form.cleaned_data.get("version"))

    def extra_context(self, request, obj, account_pk=None, **kwargs):
        return {"account": self.account_of(request, obj, account_pk)}

    def cancel_url(self, obj, account_pk=None, **kwargs):
        return obj.get_absolute_url() if obj is not None else reverse("accounts:account_detail", args=[account_pk])

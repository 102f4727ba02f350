"""Account, contact and competitor pages: thin, each one query or one service."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from keyaccount.accounts import panels, queries, services
from keyaccount.accounts.filters import AccountFilterForm, CompetitorFilterForm, ContactFilterForm
from keyaccount.accounts.forms import (
    AccountCompetitorForm,
    AccountForm,
    CompetitorForm,
    ConsentForm,
    ContactForm,
    FinancialsForm,
)
from keyaccount.accounts.models import Account, AccountCompetitor, ContactConsent
from keyaccount.core import access, exports
from keyaccount.core.access import Capability
from keyaccount.core.editing import require
from keyaccount.core.errors import AccessDenied
from keyaccount.core.generic import (
    EntityDeleteView,
    EntityFormView,
    EntityListView,
    HistoryView,
    filter_values,
)

# --- accounts -----------------------------------------------------------------------------------


class AccountListView(EntityListView):
    template_name = "accounts/account_list.html"
    partial_template_name = "accounts/_account_table.html"
    filter_form_class = AccountFilterForm
    sort_fields = {"name": "name", "status": "status", "industry": "industry", "updated": "updated_at",
                   "created": "created_at"}

    def get_queryset(self, request, filters):
        return queries.account_list(request.user, search=filters.get("q", ""),
                                    filters=AccountFilterForm.query_filters(filters), order_by=filters["order_by"])

    def extra_context(self, request):
        return {"can_create": access.can(request.user, Capability.EDIT_ACCOUNTS)}


@login_required
def account_detail(request, pk):
    account = queries.account_get_for_user(account_id=pk, user=request.user)
    return render(request, "accounts/account_detail.html", queries.account_page(account=account, user=request.user))


class AccountFormView(EntityFormView):
    form_class = AccountForm
    new_title = _("New account")

    def get_object(self, request, pk=None):
        return queries.account_get_for_user(account_id=pk, user=request.user) if pk else None

    def check_allowed(self, request, obj, **kwargs):
        allowed = access.can_edit_account(request.user, obj) if obj else \
            access.can(request.user, Capability.EDIT_ACCOUNTS)
        if not allowed:
            raise AccessDenied()

    def save(self, request, form, obj, **kwargs):
        if obj is None:
            return services.account_create(user=request.user, data=form.service_data())
        return services.account_update(user=request.user, account=obj, data=form.service_data(),
                                       version=form.cleaned_data.get("version"))

    def cancel_url(self, obj, **kwargs):
        return obj.get_absolute_url() if obj else reverse("accounts:account_list")


class AccountDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.account_get_for_user(account_id=pk, user=request.user)

    def delete(self, request, obj):
        services.account_delete(user=request.user, account=obj)

    def success_url(self, obj):
        return reverse("accounts:account_list")


class AccountHistoryView(HistoryView):
    by_account = True

    def get_object(self, request, pk):
        return queries.account_get_for_user(account_id=pk, user=request.user)


@login_required
def account_export(request):
    """The account list as CSV or XLSX, with the same search and filters as the page."""
    form = AccountFilterForm(request.GET or None, user=request.user)
    data = filter_values(form)
    accounts = queries.account_list(request.user, search=data.get("q", ""),
                                    filters=AccountFilterForm.query_filters(data))
    fields = ["name", "short_name", "inn", "kpp", "ogrn", "status", "industry", "owner", "website"]
    # The columns as the pages name them, in the user's language ("Название", "ИНН" …).
    header = [str(capfirst(Account._meta.get_field(name).verbose_name)) for name in fields]
    rows = ([a.name, a.short_name, a.inn, a.kpp, a.ogrn, a.get_status_display(), a.get_industry_display(),
             str(a.owner), a.website] for a in accounts.iterator(chunk_size=2000))
    fmt = request.GET.get("format", "csv")
    return exports.response(fmt, "accounts", header, rows)


# --- financial indicators -----------------------------------------------------------------------


class FinancialsFormView(EntityFormView):
    form_class = FinancialsForm
    new_title = _("Financial indicators of a year")

    def get_object(self, request, pk=None, account_pk=None):
        return queries.financials_get_for_user(financials_id=pk, user=request.user) if pk else None

    def _account(self, request, obj, account_pk):
        return obj.account if obj else queries.account_get_for_user(account_id=account_pk, user=request.user)

    def check_allowed(self, request, obj, account_pk=None, **kwargs):
        account = self._account(request, obj, account_pk)
        if not (access.can_edit_account(request.user, account) and access.can(request.user, Capability.VIEW_FINANCES)):
            raise AccessDenied()

    def save(self, request, form, obj, pk=None, account_pk=None):
        account = self._account(request, obj, account_pk)
        return services.financials_save(user=request.user, account=account, data=form.service_data(),
                                        financials=obj, version=form.cleaned_data.get("version"))

    def success_url(self, saved, **kwargs):
        return saved.account.get_absolute_url() + "#financials"

    def cancel_url(self, obj, account_pk=None, **kwargs):
        return reverse("accounts:account_detail", args=[obj.account_id if obj else account_pk])


# --- contacts -----------------------------------------------------------------------------------


class ContactListView(EntityListView):
    template_name = "accounts/contact_list.html"
    partial_template_name = "accounts/_contact_table.html"
    filter_form_class = ContactFilterForm
    sort_fields = {"name": "last_name", "account": "account__name", "updated": "updated_at"}

    def get_queryset(self, request, filters):
        return queries.contact_list(request.user, search=filters.get("q", ""), role=filters.get("role", ""),
                                    ).order_by(filters["order_by"], "id")


@login_required
def contact_detail(request, pk):
    contact = queries.contact_get_for_user(contact_id=pk, user=request.user)
    return render(request, "accounts/contact_detail.html", {
        "contact": contact,
        "reports": list(contact.reports.filter(erased_at__isnull=True)),
        "consents": list(contact.consents.all()),
        "can_edit": access.can_edit_contacts_of(request.user, contact.account),
        "can_handle_personal_data": access.can_handle_personal_data_of(request.user, contact.account),
        "consent_form": ConsentForm(),
        "panels": panels.render_context(user=request.user, page=panels.CONTACT_PAGE, contact=contact),
    })


class ContactFormView(EntityFormView):
    form_class = ContactForm
    new_title = _("New person")

    def get_object(self, request, pk=None, account_pk=None):
        return queries.contact_get_for_user(contact_id=pk, user=request.user) if pk else None

    def _account(self, request, obj, account_pk):
        return obj.account if obj else queries.account_get_for_user(account_id=account_pk, user=request.user)

    def get_form_kwargs(self, request, obj, account_pk=None, **kwargs):
        return {"instance": obj, "user": request.user, "account": self._account(request, obj, account_pk)}

    def check_allowed(self, request, obj, account_pk=None, **kwargs):
        if not access.can_edit_contacts_of(request.user, self._account(request, obj, account_pk)):
            raise AccessDenied()

    def save(self, request, form, obj, pk=None, account_pk=None):
        if obj is None:
            account = self._account(request, obj, account_pk)
            return services.contact_create(user=request.user, account=account, data=form.service_data())
        return services.contact_update(user=request.user, contact=obj, data=form.service_data(),
                                       version=form.cleaned_data.get("version"))

    def extra_context(self, request, obj, account_pk=None, **kwargs):
        return {"account": self._account(request, obj, account_pk)}

    def success_url(self, saved, pk=None, **kwargs):
        # A person added from the account page takes the manager back to that page's people.
        return saved.get_absolute_url() if pk else saved.account.get_absolute_url() + "#people"

    def cancel_url(self, obj, account_pk=None, **kwargs):
        return obj.get_absolute_url() if obj else reverse("accounts:account_detail", args=[account_pk])


class ContactDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.contact_get_for_user(contact_id=pk, user=request.user)

    def delete(self, request, obj):
        services.contact_delete(user=request.user, contact=obj)

    def success_url(self, obj):
        return reverse("accounts:account_detail", args=[obj.account_id])


class ContactHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.contact_get_for_user(contact_id=pk, user=request.user)


@login_required
def contact_personal_data(request, pk):
    """Download everything held about a person (data-subject access request)."""
    contact = queries.contact_get_for_user(contact_id=pk, user=request.user)
    data = services.contact_personal_data(user=request.user, contact=contact)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{contact.pk}.json"'
    return response


@login_required
def contact_erase(request, pk):
    contact = queries.contact_get_for_user(contact_id=pk, user=request.user)
    require(access.can_handle_personal_data_of(request.user, contact.account))
    if request.method != "POST":
        return render(request, "accounts/contact_erase.html", {"contact": contact})
    try:
        services.contact_erase(user=request.user, contact=contact)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(contact.get_absolute_url())
    messages.success(request, _("The person's personal data was erased."))
    return redirect(contact.get_absolute_url())


@login_required
@require_POST
def consent_add(request, pk):
    contact = queries.contact_get_for_user(contact_id=pk, user=request.user)
    require(access.can_edit_contacts_of(request.user, contact.account))
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.consent_record(user=request.user, contact=contact, data=form.cleaned_data)
        return redirect(contact.get_absolute_url() + "#consents")
    return render(request, "accounts/contact_detail.html", {
        "contact": contact, "consents": list(contact.consents.all()), "consent_form": form,
        "can_edit": access.can_edit_contacts_of(request.user, contact.account),
        "reports": list(contact.reports.all()),
    }, status=400)


@login_required
@require_POST
def consent_withdraw(request, pk, consent_pk):
    contact = queries.contact_get_for_user(contact_id=pk, user=request.user)
    consent = get_object_or_404(ContactConsent, pk=consent_pk, contact=contact)
    services.consent_withdraw(user=request.user, consent=consent)
    return redirect(contact.get_absolute_url() + "#consents")


# --- competitors --------------------------------------------------------------------------------


class CompetitorListView(EntityListView):
    template_name = "accounts/competitor_list.html"
    partial_template_name = "accounts/_competitor_table.html"
    filter_form_class = CompetitorFilterForm
    sort_fields = {"name": "name"}

    def get_queryset(self, request, filters):
        return queries.competitor_list(request.user, search=filters.get("q", ""), order_by=filters["order_by"])

    def extra_context(self, request):
        return {"can_create": access.can(request.user, Capability.EDIT_COMPETITORS)}


@login_required
def competitor_detail(request, pk):
    competitor = queries.competitor_get_for_user(competitor_id=pk, user=request.user)
    links = (AccountCompetitor.objects.filter(competitor=competitor)
             .filter(access.account_q(request.user, prefix="account__")).select_related("account"))
    return render(request, "accounts/competitor_detail.html", {
        "competitor": competitor, "links": links,
        "can_edit": access.can(request.user, Capability.EDIT_COMPETITORS),
    })


class CompetitorFormView(EntityFormView):
    form_class = CompetitorForm
    new_title = _("New competitor")

    def get_object(self, request, pk=None):
        return queries.competitor_get_for_user(competitor_id=pk, user=request.user) if pk else None

    def check_allowed(self, request, obj, **kwargs):
        if not access.can(request.user, Capability.EDIT_COMPETITORS):
            raise AccessDenied()

    def save(self, request, form, obj, **kwargs):
        if obj is None:
            return services.competitor_create(user=request.user, data=form.service_data())
        return services.competitor_update(user=request.user, competitor=obj, data=form.service_data(),
                                          version=form.cleaned_data.get("version"))

    def cancel_url(self, obj, **kwargs):
        return obj.get_absolute_url() if obj else reverse("accounts:competitor_list")


class CompetitorDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.competitor_get_for_user(competitor_id=pk, user=request.user)

    def delete(self, request, obj):
        services.competitor_delete(user=request.user, competitor=obj)

    def success_url(self, obj):
        return reverse("accounts:competitor_list")


class CompetitorHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.competitor_get_for_user(competitor_id=pk, user=request.user)


class AccountCompetitorFormView(EntityFormView):
    form_class = AccountCompetitorForm

    def get_object(self, request, account_pk):
        return queries.account_get_for_user(account_id=account_pk, user=request.user)

    def get_form_kwargs(self, request, obj, **kwargs):
        return {"user": request.user}

    def check_allowed(self, request, obj, **kwargs):
        if not access.can_edit_account(request.user, obj):
            raise AccessDenied()

    def save(self, request, form, obj, **kwargs):
        data = form.cleaned_data
        services.account_competitor_link(user=request.user, account=obj, competitor=data["competitor"],
                                         offering=data["offering"], since=data["since"])
        return obj

    def success_url(self, saved, **kwargs):
        return saved.get_absolute_url() + "#competitors"


@login_required
@require_POST
def account_competitor_remove(request, account_pk, pk):
    account = queries.account_get_for_user(account_id=account_pk, user=request.user)
    link = get_object_or_404(AccountCompetitor, pk=pk, account=account)
    services.account_competitor_unlink(user=request.user, link=link)
    return redirect(account.get_absolute_url() + "#competitors")

"""Sign-in, profile and the pages every app shares."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from keyaccount.core import access, import_jobs, queries, services, throttle
from keyaccount.core.api import API_PREFIX
from keyaccount.core.forms import NotificationSettingsForm, ProfileForm, TokenForm
from keyaccount.core.generic import is_htmx_fragment, submit_form
from keyaccount.core.models import Role, User
from keyaccount.core.signals import reminder_preferences_changed


class LoginView(auth_views.LoginView):
    """Sign-in. django-axes pauses a username at one address after a few failures; on top of that
    one address may fail only ``KAM_LOGIN_ADDRESS_RATE`` times, whatever usernames it tries."""

    template_name = "core/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if seconds := throttle.sign_in_wait(request):
            return too_many_sign_ins(request, seconds=seconds, by_address=True)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.sign_in_failed(self.request)
        return super().form_invalid(form)


def too_many_sign_ins(request, *, seconds: int, by_address: bool = False):
    response = render(request, "core/locked_out.html", {"minutes": math.ceil(seconds / 60), "by_address": by_address},
                      status=429)
    response["Retry-After"] = str(seconds)
    return response


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers while a username is paused at an address (AXES_LOCKOUT_CALLABLE)."""
    return too_many_sign_ins(request, seconds=math.ceil(settings.AXES_COOLOFF_TIME * 3600))


def home(request):
    """The start page: My day for those who sell, the support desk's queue for its agents, the account
    list for everyone else."""
    if not request.user.is_authenticated:
        return redirect("core:login")
    if access.starts_with_my_day(request.user):
        return redirect("workspace:my_day")
    return redirect("feedback:ticket_list" if access.role_of(request.user) == Role.SUPPORT else "accounts:account_list")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = User.objects.get(pk=request.user.pk)  # the stored state, for the audit (the form wrote into its own)
        if services.profile_update(user=user, data=form.service_data()):
            reminder_preferences_changed.send(sender=User, user=user)
        if user.language:
            translation.activate(user.language)
        messages.success(request, _("Saved."))
        response = redirect("core:profile")
        if user.language:
            response.set_cookie("django_language", user.language, samesite="Lax")
        return response
    return render(request, "core/profile.html", {"form": form})


def set_language(request):
    """The footer's language switch. For a signed-in user it changes the profile's language too: the
    profile decides the language of every page (core.middleware), so a switch that left it alone
    would be ignored on the next page. Everyone else gets Django's cookie only."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    user = request.user
    if (user.is_authenticated and language and translation.check_for_language(language)
            and language in dict(settings.LANGUAGES) and user.language != language):
        services.profile_update(user=User.objects.get(pk=user.pk), data={"language": language})
    return response


@never_cache
@login_required
def token_list(request):
    """The signed-in user's own API tokens and a form for a new one, whose secret this response
    shows once (it is never stored, so the page is never cached either)."""
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        done, result = submit_form(form, lambda: services.token_create(
            user=request.user, name=form.cleaned_data["name"]))
        if done:
            secret = result[1]
            form = TokenForm()
    return render(request, "core/tokens.html", {"form": form, "secret": secret,
                                                "tokens": queries.tokens_of(request.user)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request, pk):
    token = queries.token_get_for_user(token_id=pk, user=request.user)
    services.token_revoke(user=request.user, token=token)
    messages.success(request, _("The token %(prefix)s… no longer works.") % {"prefix": token.prefix})
    return redirect("core:tokens")


def _api_error(request, status: int, detail: str):
    """The API's own error shape for a request under /api/ that Django answers before the API does
    (a path no operation has, a body over the limit, a fault): a client of the API reads JSON."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": detail}, status=status)
    return None


def not_found(request, exception=None):
    return _api_error(request, 404, "Not found.") or render(request, "core/404.html", status=404)


def server_error(request):
    return (_api_error(request, 500, "Server error; it was logged.")
            or render(request, "core/500.html", status=500))


def permission_denied(request, exception=None):
    """The one answer of the pages to a refused action (handler403): views do not catch the
    AccessDenied a service or ``require`` raises; it comes here with its message."""
    return (_api_error(request, 403, str(exception or "Forbidden."))
            or render(request, "core/forbidden.html", {"message": str(exception or "")}, status=403))


def bad_request(request, exception=None):
    return _api_error(request, 400, "Bad request.") or render(request, "core/400.html", status=400)


ENTRIES_PER_PAGE = 30


def _changed(response):
    """An answer that changed what is read: the bell asks for its count again."""
    response["HX-Trigger"] = "notifications-changed"
    return response


def _entries_page(request):
    page = Paginator(queries.notification_groups(request.user), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return page, queries.notification_entries(request.user, page.object_list)


@login_required
def notification_list(request):
    """The user's notifications, one entry per group ("7 accounts changed loyalty tier", opened to
    its items), newest first."""
    page, entries = _entries_page(request)
    return render(request, "core/notifications.html", {"page": page, "entries": entries,
                                                       "unread": queries.unread_entries(request.user)})


@login_required
def notification_bell(request):
    """The bell in the top bar, loaded by HTMX and refreshed every minute and whenever something is
    marked read: it counts unread entries, a group being one."""
    return render(request, "core/_bell.html", {"unread": queries.unread_entries(request.user)})


@login_required
def notification_open(request, pk):
    notification = queries.notification_get_for_user(notification_id=pk, user=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith("/"):
        target = reverse("core:notifications")
    return redirect(target)


def _entry_answer(request, group: str):
    """After a change in place: the entry's row again for HTMX, else back to the list."""
    if is_htmx_fragment(request):
        entry = queries.notification_entry_for_user(group=group, user=request.user)
        return _changed(render(request, "core/_notification_entry.html", {"entry": entry}))
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read(request, pk):
    notification = queries.notification_get_for_user(notification_id=pk, user=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    return _entry_answer(request, notification.group)


@login_required
@require_POST
def notification_group_read(request, group):
    entry = queries.notification_entry_for_user(group=group, user=request.user)
    services.notification_group_mark_read(user=request.user, group=entry.group)
    return _entry_answer(request, entry.group)


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    if is_htmx_fragment(request):
        page, entries = _entries_page(request)
        return _changed(render(request, "core/_notification_entries.html", {"page": page, "entries": entries}))
    return redirect("core:notifications")


@login_required
def notification_settings(request):
    """Per kind: in the app, by e-mail, both, the morning digest or off; and the digest of everything."""
    user = request.user
    form = NotificationSettingsForm(request.POST or None, channels=queries.notification_channels(user),
                                    digest=user.notification_digest)
    if request.method == "POST" and form.is_valid():
        done, _result = submit_form(form, lambda: services.notification_settings_update(
            user=User.objects.get(pk=user.pk), **form.service_data()))
        if done:
            messages.success(request, _("Saved."))
            return redirect("core:notification_settings")
    return render(request, "core/notification_settings.html", {"form": form})


@login_required
@never_cache
def import_job(request, pk):
    """An import's page: its progress while it runs (the bar asks again every second), then its report."""
    job = import_jobs.job_for_user(job_id=pk, user=request.user)
    if is_htmx_fragment(request):
        if job.finished:  # the whole page shows the report
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "core/_import_progress.html", {"job": job, "progress": import_jobs.progress_of(job)})
    kind = import_jobs.kind_of(job)
    return render(request, "core/import_job.html", {
        "job": job, "kind": kind, "progress": import_jobs.progress_of(job), **kind.context(job)})

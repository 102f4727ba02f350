"""Sign-in, profile and the pages every app shares."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from keyaccount.core.forms import ProfileForm


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


def home(request):
    return redirect("accounts:account_list" if request.user.is_authenticated else "core:login")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if user.language:
            translation.activate(user.language)
        messages.success(request, _("Saved."))
        response = redirect("core:profile")
        if user.language:
            response.set_cookie("django_language", user.language, samesite="Lax")
        return response
    return render(request, "core/profile.html", {"form": form})


def not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


def server_error(request):
    return render(request, "core/500.html", status=500)


def permission_denied(request, exception=None):
    return render(request, "core/forbidden.html", {"message": str(exception or "")}, status=403)


def bad_request(request, exception=None):
    return render(request, "core/400.html", status=400)

from django.contrib import admin
from django.urls import include, path

from keyaccount.api.urls import api
from keyaccount.core import views as core_views

urlpatterns = [
    path("", include("keyaccount.core.urls")),
    path("accounts/", include("keyaccount.accounts.urls")),
    path("catalog/", include("keyaccount.catalog.urls")),
    path("orders/", include("keyaccount.orders.urls")),
    path("timeline/", include("keyaccount.timeline.urls")),
    path("deals/", include("keyaccount.deals.urls")),
    path("contracts/", include("keyaccount.contracts.urls")),
    path("planning/", include("keyaccount.planning.urls")),
    path("insights/", include("keyaccount.insights.urls")),
    path("feedback/", include("keyaccount.feedback.urls")),
    path("loyalty/", include("keyaccount.loyalty.urls")),
    path("search/", include("keyaccount.search.urls")),
    path("my-day/", include("keyaccount.workspace.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Django's language switch, which also sets a signed-in user's profile language.
    path("i18n/setlang/", core_views.set_language, name="set_language"),
]

handler400 = "keyaccount.core.views.bad_request"
handler403 = "keyaccount.core.views.permission_denied"
handler404 = "keyaccount.core.views.not_found"
handler500 = "keyaccount.core.views.server_error"

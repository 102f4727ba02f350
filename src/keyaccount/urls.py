from django.contrib import admin
from django.urls import include, path

from keyaccount.api.urls import api

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
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "keyaccount.core.views.bad_request"
handler403 = "keyaccount.core.views.permission_denied"
handler404 = "keyaccount.core.views.not_found"
handler500 = "keyaccount.core.views.server_error"

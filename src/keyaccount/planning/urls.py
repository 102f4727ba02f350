from django.urls import path

from keyaccount.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.plan_progress, name="plan_progress"),
    path("plans/new/", views.SalesPlanFormView.as_view(), name="plan_create"),
    path("plans/<int:pk>/edit/", views.SalesPlanFormView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/delete/", views.SalesPlanDeleteView.as_view(), name="plan_delete"),
    path("account-plans/", views.account_plan_list, name="account_plan_list"),
    path("account-plans/accounts/<int:account_pk>/new/", views.AccountPlanFormView.as_view(),
         name="account_plan_create"),
    path("account-plans/<int:pk>/", views.account_plan_detail, name="account_plan_detail"),
    path("account-plans/<int:pk>/edit/", views.AccountPlanFormView.as_view(), name="account_plan_edit"),
    path("account-plans/<int:pk>/print/", views.account_plan_print, name="account_plan_print"),
    path("account-plans/<int:pk>/history/", views.AccountPlanHistoryView.as_view(), name="account_plan_history"),
    path("account-plans/<int:pk>/initiatives/", views.initiative_save, name="initiative_create"),
    path("account-plans/<int:pk>/initiatives/<int:initiative_pk>/", views.initiative_save, name="initiative_edit"),
    path("account-plans/<int:pk>/initiatives/<int:initiative_pk>/delete/", views.initiative_delete,
         name="initiative_delete"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/prepare/", views.report_prepare, name="report_prepare"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
]

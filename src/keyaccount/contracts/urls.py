from django.urls import path

from keyaccount.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.control, name="control"),
    path("list/", views.ContractListView.as_view(), name="contract_list"),
    path("obligations/", views.ObligationListView.as_view(), name="obligation_list"),
    path("accounts/<int:account_pk>/new/", views.ContractFormView.as_view(), name="contract_create"),
    path("<int:pk>/", views.contract_detail, name="contract_detail"),
    path("<int:pk>/edit/", views.ContractFormView.as_view(), name="contract_edit"),
    path("<int:pk>/delete/", views.ContractDeleteView.as_view(), name="contract_delete"),
    path("<int:pk>/history/", views.ContractHistoryView.as_view(), name="contract_history"),
    path("<int:pk>/files/", views.attachment_add, name="attachment_add"),
    path("files/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("files/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("<int:contract_pk>/obligations/new/", views.ObligationFormView.as_view(), name="obligation_create"),
    path("obligations/<int:pk>/edit/", views.ObligationFormView.as_view(), name="obligation_edit"),
    path("obligations/<int:pk>/fulfil/", views.obligation_fulfil, name="obligation_fulfil"),
    path("obligations/<int:pk>/delete/", views.ObligationDeleteView.as_view(), name="obligation_delete"),
    path("obligations/<int:pk>/history/", views.ObligationHistoryView.as_view(), name="obligation_history"),
]

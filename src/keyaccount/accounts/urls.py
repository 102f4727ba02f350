from django.urls import path

from keyaccount.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.AccountListView.as_view(), name="account_list"),
    path("export/", views.account_export, name="account_export"),
    path("new/", views.AccountFormView.as_view(), name="account_create"),
    path("<int:pk>/", views.account_detail, name="account_detail"),
    path("<int:pk>/edit/", views.AccountFormView.as_view(), name="account_edit"),
    path("<int:pk>/delete/", views.AccountDeleteView.as_view(), name="account_delete"),
    path("<int:pk>/history/", views.AccountHistoryView.as_view(), name="account_history"),
    path("<int:account_pk>/financials/new/", views.FinancialsFormView.as_view(), name="financials_create"),
    path("financials/<int:pk>/edit/", views.FinancialsFormView.as_view(), name="financials_edit"),
    path("<int:account_pk>/contacts/new/", views.ContactFormView.as_view(), name="contact_create"),
    path("<int:account_pk>/competitors/add/", views.AccountCompetitorFormView.as_view(),
         name="account_competitor_add"),
    path("<int:account_pk>/competitors/<int:pk>/remove/", views.account_competitor_remove,
         name="account_competitor_remove"),
    path("contacts/", views.ContactListView.as_view(), name="contact_list"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.ContactFormView.as_view(), name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.ContactDeleteView.as_view(), name="contact_delete"),
    path("contacts/<int:pk>/history/", views.ContactHistoryView.as_view(), name="contact_history"),
    path("contacts/<int:pk>/personal-data/", views.contact_personal_data, name="contact_personal_data"),
    path("contacts/<int:pk>/erase/", views.contact_erase, name="contact_erase"),
    path("contacts/<int:pk>/consents/", views.consent_add, name="consent_add"),
    path("contacts/<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("competitors/", views.CompetitorListView.as_view(), name="competitor_list"),
    path("competitors/new/", views.CompetitorFormView.as_view(), name="competitor_create"),
    path("competitors/<int:pk>/", views.competitor_detail, name="competitor_detail"),
    path("competitors/<int:pk>/edit/", views.CompetitorFormView.as_view(), name="competitor_edit"),
    path("competitors/<int:pk>/delete/", views.CompetitorDeleteView.as_view(), name="competitor_delete"),
    path("competitors/<int:pk>/history/", views.CompetitorHistoryView.as_view(), name="competitor_history"),
]

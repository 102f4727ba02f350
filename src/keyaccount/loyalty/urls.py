from django.urls import path

from keyaccount.loyalty import views

app_name = "loyalty"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("accounts/<int:account_pk>/tier/", views.tier_override, name="tier_override"),
    path("accounts/<int:account_pk>/tier/clear/", views.tier_override_clear, name="tier_override_clear"),
    path("accounts/<int:account_pk>/referral/", views.referral_create, name="referral_create"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("invitations/<int:pk>/", views.invitation_answer, name="invitation_answer"),
]

from django.urls import path

from keyaccount.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.FeedbackListView.as_view(), name="feedback_list"),
    path("kpi/", views.kpi, name="kpi"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("tickets/", views.TicketListView.as_view(), name="ticket_list"),
    path("tickets/unmatched/", views.unmatched_list, name="unmatched_list"),
    path("tickets/unmatched/<int:pk>/", views.unmatched_assign, name="unmatched_assign"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/<str:action>/", views.ticket_action, name="ticket_action"),
    path("accounts/<int:account_pk>/ticket/", views.ticket_create, name="ticket_create"),
    path("accounts/<int:account_pk>/survey/", views.survey_send, name="survey_send"),
    path("accounts/<int:account_pk>/new/", views.FeedbackFormView.as_view(), name="feedback_create"),
    path("accounts/<int:account_pk>/links/", views.account_links, name="account_links"),
    path("links/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
    path("<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("<int:pk>/edit/", views.FeedbackFormView.as_view(), name="feedback_edit"),
    path("<int:pk>/history/", views.FeedbackHistoryView.as_view(), name="feedback_history"),
    path("<int:pk>/<str:step>/", views.feedback_step, name="feedback_step"),
    # No sign-in: what a feedback link opens.
    path("f/<str:token>/", views.public_form, name="public_form"),
    path("s/<str:token>/", views.survey_answer, name="survey_answer"),
]

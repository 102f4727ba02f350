from django.urls import path

from keyaccount.timeline import views

app_name = "timeline"
urlpatterns = [
    path("accounts/<int:pk>/", views.account_timeline, name="account_timeline"),
    path("contacts/<int:pk>/", views.contact_timeline, name="contact_timeline"),
    path("accounts/<int:account_pk>/new/<str:kind>/", views.InteractionFormView.as_view(), name="interaction_create"),
    path("accounts/<int:pk>/brief/", views.account_brief, name="account_brief"),
    path("accounts/<int:pk>/brief.pdf", views.account_brief, {"pdf": True}, name="account_brief_pdf"),
    path("<int:pk>/brief/", views.meeting_brief, name="meeting_brief"),
    path("<int:pk>/brief.pdf", views.meeting_brief, {"pdf": True}, name="meeting_brief_pdf"),
    path("<int:pk>/", views.interaction_detail, name="interaction_detail"),
    path("<int:pk>/edit/", views.InteractionFormView.as_view(), name="interaction_edit"),
    path("<int:pk>/delete/", views.InteractionDeleteView.as_view(), name="interaction_delete"),
    path("<int:pk>/history/", views.InteractionHistoryView.as_view(), name="interaction_history"),
    path("<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("<int:pk>/done/", views.task_done, name="task_done"),
    path("contacts/<int:contact_pk>/log-call/", views.log_call, name="log_call"),
    path("calls/queue/", views.call_queue, name="call_queue"),
    path("calls/<int:pk>/assign/", views.call_assign, name="call_assign"),
    path("calls/import/", views.call_import, name="call_import"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/rotate/", views.calendar_link_rotate, name="calendar_rotate"),
    path("activity/", views.activity_report, name="activity"),
]

from django.urls import path

from keyaccount.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("refresh/", views.refresh, name="refresh"),
]

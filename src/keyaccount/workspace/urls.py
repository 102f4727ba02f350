from django.urls import path

from keyaccount.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.my_day, name="my_day"),
    path("<str:kind>/<int:pk>/<str:action>/", views.item_action, name="item_action"),
]

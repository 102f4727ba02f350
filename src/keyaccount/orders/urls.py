from django.urls import path

from keyaccount.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.OrderListView.as_view(), name="order_list"),
    path("new/", views.OrderFormView.as_view(), name="order_create"),
    path("import/", views.order_import, name="order_import"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/edit/", views.OrderFormView.as_view(), name="order_edit"),
    path("<int:pk>/delete/", views.OrderDeleteView.as_view(), name="order_delete"),
    path("<int:pk>/history/", views.OrderHistoryView.as_view(), name="order_history"),
]

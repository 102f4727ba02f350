from django.urls import path

from keyaccount.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.ProductListView.as_view(), name="product_list"),
    path("new/", views.ProductFormView.as_view(), name="product_create"),
    path("<int:pk>/", views.product_detail, name="product_detail"),
    path("<int:pk>/edit/", views.ProductFormView.as_view(), name="product_edit"),
    path("<int:pk>/delete/", views.ProductDeleteView.as_view(), name="product_delete"),
    path("<int:pk>/history/", views.ProductHistoryView.as_view(), name="product_history"),
]

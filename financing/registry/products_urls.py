"""The loan-product catalogue's pages, mounted at /financing/products/ (ipmarket/urls.py)."""

from django.urls import path

from . import products_views as views

urlpatterns = [
    path("", views.catalogue, name="loan-products"),
    path("compare/", views.compare, name="loan-products-compare"),
    path("mine/", views.my_products, name="loan-products-mine"),
    path("new/", views.product_new, name="loan-product-new"),
    path("<int:pk>/", views.product_detail, name="loan-product"),
    path("<int:pk>/edit/", views.product_edit, name="loan-product-edit"),
    path("<int:pk>/delete/", views.product_delete, name="loan-product-delete"),
]

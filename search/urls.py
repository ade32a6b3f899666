"""The search pages, included at the root: `/firms/`, `/firms/<id>/` and `/ip/` exactly (the patent and
trademark pages under `/ip/` stay with `ipmarket.assets`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("firms/", views.firm_list, name="firm-list"),
    path("firms/<int:pk>/", views.firm_detail, name="firm-detail"),
    path("ip/", views.ip_list, name="ip-home"),
]

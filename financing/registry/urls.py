"""The registry's pages under /financing/registry/ (mounted in ipmarket/urls.py); the banks' search,
/financing/registry/search/, belongs to the search app (search/demand_views.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="registry-home"),
    path("demands/", views.demand_list, name="registry-demands"),
    path("demands/new/", views.demand_new, name="registry-demand-new"),
    path("demands/<int:pk>/", views.demand_detail, name="registry-demand"),
    path("demands/<int:pk>/edit/", views.demand_edit, name="registry-demand-edit"),
    path("review/", views.review, name="registry-review"),
    path("batches/", views.batch_list, name="registry-batches"),
    path("batches/<int:pk>/", views.batch_detail, name="registry-batch"),
]

"""The banks' search of the financing-demand registry, mounted at /financing/registry/search/ (ipmarket/urls.py)."""

from django.urls import path

from . import demand_views

urlpatterns = [path("", demand_views.registry_search, name="registry-search")]

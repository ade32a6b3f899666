from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="financing-home"),
    path("applications/new/", views.application_new, name="financing-application-new"),
    path("applications/<int:pk>/", views.application_detail, name="financing-application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="financing-application-edit"),
    path("valuations/", views.valuation_reports, name="financing-valuations"),
]

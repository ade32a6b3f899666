from django.urls import path

from . import views

urlpatterns = [
    path("", views.statistics_page, name="statistics"),
    path("<slug:table>.csv", views.statistics_csv, name="statistics-csv"),
]

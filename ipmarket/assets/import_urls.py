"""/ip/imports/: bulk import of patents from CSV (ipmarket/assets/import_views.py)."""

from django.urls import path

from . import import_views as views

urlpatterns = [
    path("", views.import_list, name="patent-import-list"),
    path("new/", views.import_new, name="patent-import-new"),
    path("template.csv", views.import_template_csv, name="patent-import-template"),
    path("<int:pk>/", views.import_detail, name="patent-import-detail"),
    path("<int:pk>/progress/", views.import_progress, name="patent-import-progress"),
    path("<int:pk>/errors.csv", views.import_errors_csv, name="patent-import-errors"),
]

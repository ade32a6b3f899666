from django.urls import path

from . import views

urlpatterns = [
    path("patents/<int:pk>/", views.patent_detail, name="patent-detail"),
    path("trademarks/<int:pk>/", views.trademark_detail, name="trademark-detail"),
]

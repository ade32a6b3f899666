from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notification, name="inbox-open"),
    path("read-all/", views.mark_all_read, name="inbox-read-all"),
    path("preferences/", views.preferences, name="inbox-preferences"),
]

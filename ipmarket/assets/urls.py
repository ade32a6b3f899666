from django.urls import path

from ipmarket import views

urlpatterns = [path("", views.area, {"area": "financing"}, name="ip-home")]  # replaced by the /ip/ pages

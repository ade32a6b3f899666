from django.urls import path

from ipmarket import views

urlpatterns = [path("", views.area, {"area": "financing"}, name="market-home")]  # replaced by the /market/ pages

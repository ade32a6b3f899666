from django.urls import path

from . import views

urlpatterns = [
    path("", views.listing_list, name="market-home"),
    path("<int:pk>/", views.listing_detail, name="listing-detail"),
    path("deals/<int:pk>/", views.deal_detail, name="deal-detail"),
]

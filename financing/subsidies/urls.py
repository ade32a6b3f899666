from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="subsidies-home"),
    path("approvals/", views.approvals, name="subsidies-approvals"),
    path("payments/", views.payments, name="subsidies-payments"),
    path("totals/", views.totals, name="subsidies-totals"),
    path("claim-all/", views.claim_all, name="subsidies-claim-all"),
    path("<int:pk>/<slug:action>/", views.act, name="subsidies-act"),
]

"""The IP-protection pages under /disputes/ (mounted in ipmarket/urls.py). The API is under /api/v1/disputes/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dispute_list, name="dispute-list-page"),
    path("new/", views.dispute_new, name="dispute-new-page"),
    path("decisions/", views.decision_list, name="enforcement-decisions-page"),
    path("decisions/<int:pk>/", views.decision_detail, name="enforcement-decision-page"),
    path("<int:pk>/", views.dispute_detail, name="dispute-detail-page"),
    path("<int:pk>/actions/<slug:name>/", views.dispute_action, name="dispute-action-page"),
    path("<int:pk>/sessions/", views.session_new, name="dispute-session-page"),
    path("<int:pk>/steps/", views.step_new, name="dispute-step-page"),
    path("<int:pk>/documents/", views.document_new, name="dispute-document-upload-page"),
    path("<int:pk>/documents/<int:document_id>/", views.document_download, name="dispute-document-page"),
]

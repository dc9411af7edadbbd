"""The site's URLs: the buying side at the root, the login pages under accounts/, the admin and the plugin."""

from django.contrib import admin
from django.urls import include, path

from . import views

procurement_patterns = [
    path("", views.tender_list, name="tender_list"),
    path("tenders/new/", views.tender_create_view, name="tender_create"),
    path("tenders/<int:pk>/", views.tender_detail, name="tender_detail"),
    path("tenders/<int:pk>/edit/", views.tender_update_view, name="tender_update"),
    path("tenders/<int:pk>/rescreen/", views.tender_rescreen_view, name="tender_rescreen"),
    path("tenders/<int:pk>/report/", views.tender_report, name="tender_report"),
    path("tenders/<int:pk>/report.xlsx", views.tender_report_xlsx, name="tender_report_xlsx"),
    path("tenders/<int:pk>/audit.csv", views.tender_audit_csv, name="tender_audit_csv"),
    path("tenders/<int:tender_pk>/bids/new/", views.bid_create_view, name="bid_create"),
    path("tenders/<int:tender_pk>/bulk/new/", views.bulk_upload_create_view, name="bulk_upload_create"),
    path("bulk/<int:pk>/", views.bulk_upload_detail, name="bulk_upload_detail"),
    path("bulk/<int:pk>/progress/", views.bulk_upload_progress_view, name="bulk_upload_progress"),
    path("bids/<int:pk>/", views.bid_detail, name="bid_detail"),
    path("bids/<int:pk>/rescreen/", views.bid_rescreen_view, name="bid_rescreen"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("members/", views.members, name="members"),
]

urlpatterns = [
    path("", include((procurement_patterns, "procurement"))),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("screening/", include("screening.urls")),
]

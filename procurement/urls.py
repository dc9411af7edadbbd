"""The site's URLs: the buying side at the root, the login pages under accounts/, the admin and the plugin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

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
    path("tenders/<int:pk>/ocds.json", views.tender_ocds, name="tender_ocds"),
    path("tenders/<int:tender_pk>/bids/new/", views.bid_create_view, name="bid_create"),
    path("tenders/<int:tender_pk>/bulk/new/", views.bulk_upload_create_view, name="bulk_upload_create"),
    path("bulk/<int:pk>/", views.bulk_upload_detail, name="bulk_upload_detail"),
    path("bulk/<int:pk>/progress/", views.bulk_upload_progress_view, name="bulk_upload_progress"),
    path("bids/<int:pk>/", views.bid_detail, name="bid_detail"),
    path("bids/<int:pk>/rescreen/", views.bid_rescreen_view, name="bid_rescreen"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("members/", views.members, name="members"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("members/api-clients/new/", views.api_client_create_view, name="api_client_create"),
    path("members/api-clients/<int:pk>/tokens/new/", views.api_client_token_create_view, name="api_token_create"),
    path("members/api-tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("ocds/extension/<path:name>", views.ocds_extension_file, name="ocds_extension"),
]

urlpatterns = [
    path("", include((procurement_patterns, "procurement"))),
    path("accounts/", include("django.contrib.auth.urls")),
    path("language/", views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("screening/", include("screening.urls")),
    path("api/v1/", include("screening.api.urls")),
    path("api/v1/", include("procurement.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

handler404 = "procurement.views.page_not_found"
handler500 = "procurement.views.server_error"

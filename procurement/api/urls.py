"""The buying side's API routes, under /api/v1/ beside the plugin's."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from screening.api import converters  # noqa: F401 - registers the "id" path converter

from . import views

app_name = "procurement-api"

router = SimpleRouter(use_regex_path=False)
router.register("tenders", views.TenderViewSet, basename="tender")
router.register("bids", views.BidViewSet, basename="bid")
router.register("bulk-uploads", views.BulkUploadViewSet, basename="bulk-upload")

urlpatterns = [
    path("tenders/<id:tender_pk>/bids/", views.TenderBidViewSet.as_view({"get": "list", "post": "create"}),
         name="tender-bids"),
    path("tenders/<id:tender_pk>/bulk-uploads/",
         views.TenderBulkUploadViewSet.as_view({"get": "list", "post": "create"}), name="tender-bulk-uploads"),
    *router.urls,
]

"""The plugin's API routes; the host includes them under its API prefix:
path("api/v1/", include("screening.api.urls"))."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import (
    converters,  # noqa: F401 - registers the "id" path converter
    views,
)

app_name = "screening-api"

router = SimpleRouter(use_regex_path=False)
router.register("screenings", views.ScreeningViewSet, basename="screening")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("lists", views.SupplierListViewSet, basename="list")
router.register("versions", views.ListVersionViewSet, basename="version")
router.register("entities", views.EntityViewSet, basename="entity")
router.register("webhooks", views.WebhookViewSet, basename="webhook")
router.register("webhook-deliveries", views.WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = [
    path("match/", views.MatchView.as_view(), name="match"),
    *router.urls,
]

"""The plugin's pages. Include them under any prefix: path("screening/", include("screening.urls"))."""

from django.urls import path  # noqa: F401 - the views add their patterns here

app_name = "screening"

urlpatterns: list = []

"""The plugin's pages. Include them under any prefix: path("screening/", include("screening.urls"))."""

from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("<int:pk>/", views.screening_detail, name="detail"),
    path("<int:pk>/progress/", views.screening_progress, name="progress"),
    path("<int:pk>/cancel/", views.screening_cancel_view, name="cancel"),
    path("<int:pk>/rescreen/", views.screening_rescreen_view, name="rescreen"),
    path("<int:pk>/compare/<int:other_pk>/", views.screening_compare, name="compare"),
    path("<int:pk>/decide/", views.finding_decide_view, name="decide"),
    path("<int:pk>/audit/", views.screening_audit, name="audit"),
    path("<int:pk>/report.xlsx", views.screening_report_xlsx_view, name="report_xlsx"),
    path("<int:pk>/report/", views.screening_report_html, name="report_html"),
    path("exceptions/", views.exception_list, name="exception_list"),
    path("exceptions/<int:pk>/revoke/", views.exception_revoke_view, name="exception_revoke"),
    path("lists/", views.list_index, name="list_index"),
    path("lists/import/", views.list_import, name="list_import"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("lists/versions/<int:pk>/compare/<int:other_pk>/", views.version_compare, name="version_compare"),
    path("lists/entities/<int:pk>/", views.entity_detail, name="entity_detail"),
    path("lists/entities/search/", views.entity_search, name="entity_search"),
]

from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = "Procurement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from screening.signals import list_version_imported, screening_finished

        from . import (
            receivers,
            signals,  # noqa: F401 - connects the login receiver
        )

        list_version_imported.connect(receivers.on_list_version_imported, dispatch_uid="procurement.rescreen_on_import")
        screening_finished.connect(receivers.on_screening_finished, dispatch_uid="procurement.notify_rescreen")

from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from screening.engine import policy

        from . import conf, signals
        from .models import Screening
        from .services.webhooks import on_screening_finished

        signals.screening_finished.connect(on_screening_finished, sender=Screening, dispatch_uid="screening.webhooks")

        # Rules named in SCREENING_EXTRA_RULES ("package.module.ClassName") join the built-in ones.
        for dotted in conf.get("EXTRA_RULES"):
            from django.utils.module_loading import import_string

            policy.register_rule(import_string(dotted))

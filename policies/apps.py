from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Kontaktdichtekonzepte"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)

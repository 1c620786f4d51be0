from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Kontaktdichtekonzepte"

    def ready(self):
        from . import lookups, signals  # noqa: F401  (connect their receivers)

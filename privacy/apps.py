from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Datenschutz: the pages of the data-protection role (the audit trail, a customer's data
    under Art. 15 GDPR) and the retention command. The top layer: it reads every app's data;
    nothing imports it."""

    name = "privacy"
    verbose_name = "Datenschutz"

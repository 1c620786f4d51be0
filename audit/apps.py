from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Datenschutz-Protokoll"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )

        from . import events

        user_logged_in.connect(events.on_login, dispatch_uid="audit.login")
        user_logged_out.connect(events.on_logout, dispatch_uid="audit.logout")
        user_login_failed.connect(events.on_login_failed, dispatch_uid="audit.login_failed")
        user_locked_out.connect(events.on_locked_out, dispatch_uid="audit.locked_out")

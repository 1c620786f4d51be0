from django.apps import AppConfig


class KontaktdichteConfig(AppConfig):
    """The project package as an app: its templates tags and signal receivers, nothing stored."""

    name = "kontaktdichte"
    verbose_name = "Kontaktdichte"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import touch_on_login
        from .navigation import remember_on_login

        user_logged_in.connect(touch_on_login, dispatch_uid="kontaktdichte.touch_on_login")
        user_logged_in.connect(remember_on_login, dispatch_uid="kontaktdichte.navigation")

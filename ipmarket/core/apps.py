from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ipmarket.core"
    label = "core"

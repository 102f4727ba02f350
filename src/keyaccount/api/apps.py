from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "keyaccount.api"
    label = "api"

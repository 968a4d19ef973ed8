from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "tide.finance"
    label = "finance"
    verbose_name = "Finance"

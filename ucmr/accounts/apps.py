from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ucmr.accounts"
    label = "ucmr_accounts"
    verbose_name = "UCMR accounts"

"""Request rates per user (and per address for anonymous clients) from the UCMR_API_THROTTLE_* settings, read at
each request so that a changed setting applies without a restart of the test process. An empty rate: no limit."""

from django.conf import settings
from rest_framework import throttling


class _SettingRate:
    setting = ""

    def get_rate(self) -> str | None:
        return getattr(settings, self.setting, "") or None


class UserThrottle(_SettingRate, throttling.UserRateThrottle):
    setting = "UCMR_API_THROTTLE_USER"


class AnonThrottle(_SettingRate, throttling.AnonRateThrottle):
    setting = "UCMR_API_THROTTLE_ANON"

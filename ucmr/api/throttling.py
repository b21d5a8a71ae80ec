"""Request rates per user (and per address for anonymous clients) from the UCMR_API_THROTTLE_* settings, read at
each request so that a changed setting applies without a restart of the test process. An empty rate: no limit.

The counts live in the cache. A cache that cannot be reached (Redis down or paused) must not take the API down
with it: the throttle then lets the request through and logs it (at most once a minute per process)."""

import logging
import time

from django.conf import settings
from rest_framework import throttling

logger = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60
_last_warning = 0.0


class _SettingRate:
    setting = ""

    def get_rate(self) -> str | None:
        return getattr(settings, self.setting, "") or None

    def allow_request(self, request, view) -> bool:
        global _last_warning  # one warning a minute for the process
        try:
            return super().allow_request(request, view)
        except Exception as error:  # noqa: BLE001 - whatever the cache backend raises when it is unreachable
            if time.monotonic() - _last_warning > WARN_EVERY_SECONDS:
                _last_warning = time.monotonic()
                logger.warning("API throttling is off: the cache is unreachable (%s: %s)", type(error).__name__, error)
            return True


class UserThrottle(_SettingRate, throttling.UserRateThrottle):
    setting = "UCMR_API_THROTTLE_USER"


class AnonThrottle(_SettingRate, throttling.AnonRateThrottle):
    setting = "UCMR_API_THROTTLE_ANON"

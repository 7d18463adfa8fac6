"""API rate limits: anonymous clients per address, token users per user.

The rates are `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (from API_THROTTLE_ANON and
API_THROTTLE_USER; `off` is no limit), read when a request is checked rather than when
this module is imported, so a changed setting takes effect. Anonymous clients are told
apart by `nkhr.security.client_address`. A refused request is a 429 with Retry-After.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

from nkhr.security import client_address


class CurrentRatesMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # The address the login throttle counts too: behind PROXY_COUNT proxies only.
        return client_address(request)


class AnonRateThrottle(CurrentRatesMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(CurrentRatesMixin, throttling.UserRateThrottle):
    pass

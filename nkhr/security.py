"""Requests a client should not be able to turn into a 500, and the login throttle.

* `RefuseNulMiddleware`: a NUL character in a query parameter is a 400 naming the
  parameter. No value the project stores holds one, and PostgreSQL refuses one in a query
  (an error, not an empty result).
* `client_address()`: the address a request came from, behind `PROXY_COUNT` trusted
  proxies; the login throttle and the API's rate limits count by it.
* `LoginThrottleBackend` and `locked_out()`: django-axes counts failed logins per user name
  and per address; a locked-out login page says why and for how long.
* `ContentSecurityPolicyMiddleware`: django-csp's header (CONTENT_SECURITY_POLICY), with the
  one exception the API's browsable pages need.
"""

import datetime

from axes.backends import AxesStandaloneBackend
from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.renderers import BrowsableAPIRenderer

API_PREFIX = "/api/"


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            bad = sorted(
                {
                    name.replace("\x00", "\\0")
                    for name, values in request.GET.lists()
                    if "\x00" in name or any("\x00" in value for value in values)
                }
            )
            if bad:
                message = "A NUL character is not allowed."
                if request.path.startswith(API_PREFIX):
                    return JsonResponse({name: [message] for name in bad}, status=400)
                return HttpResponseBadRequest(f"{', '.join(bad)}: {message}")
        return self.get_response(request)


def client_address(request) -> str:
    """REMOTE_ADDR, or behind PROXY_COUNT proxies the address the outermost one saw: the
    PROXY_COUNT-th entry from the right of X-Forwarded-For (the entries left of it are
    whatever the client sent, and cannot be trusted)."""
    count = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            return entries[-min(count, len(entries))]
    return request.META.get("REMOTE_ADDR", "")


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check before any password is compared. An authentication without a
    request (a shell, the test client's `login()`) has no address to count and is let
    through to the password check, as axes itself would refuse it outright."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def cool_off_text(cool_off: datetime.timedelta) -> str:
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def locked_out(request, original_response=None, credentials=None):
    """The admin's login page, answered 429, saying the login is blocked and for how long
    (django-axes' AXES_LOCKOUT_CALLABLE). The form is empty: nothing is checked while
    blocked."""
    cool_off = settings.AXES_COOLOFF_TIME
    messages.error(
        request,
        _(
            "Too many failed logins for this user name or from this address: logging in is "
            "blocked for %(time)s. Try again after that."
        )
        % {"time": cool_off_text(cool_off)},
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "site_title": admin.site.site_title,
        "site_header": admin.site.site_header,
        "form": AdminAuthenticationForm(request),
        "app_path": request.get_full_path(),
        REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME)
        or request.GET.get(REDIRECT_FIELD_NAME, ""),
    }
    response = render(request, "admin/login.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The policy of CONTENT_SECURITY_POLICY on every response. DRF's browsable pages set a
    few styles inline (code highlighting, two buttons' float), so a page it renders may use
    inline styles; scripts stay this site's files only, there as everywhere."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts

"""CORS for the API's public reads: any web page may read what anyone may read.

A `GET` or `HEAD` under `/api/` is answered with `Access-Control-Allow-Origin: *`, and a
browser's preflight (`OPTIONS` with `Access-Control-Request-Method: GET`) is answered
here. Never with credentials: a request signed in through the browser session gets no
CORS header (a page elsewhere must not read what the signed-in user sees), and neither do
writes nor their preflights, so the browser refuses them. Token clients are not browsers
held to CORS. `API_CORS=false` turns it off (docs/operations.md, "CORS").
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

PREFIX = "/api/"
READS = frozenset({"GET", "HEAD"})
ALLOW_METHODS = "GET, HEAD, OPTIONS"
# Request headers a page may send with a read (beyond those always allowed).
ALLOW_HEADERS = ("accept", "accept-language", "if-none-match", "if-modified-since")
# Response headers a page may read beyond the basic ones.
EXPOSE_HEADERS = "ETag, Last-Modified, Retry-After, Content-Disposition"
MAX_AGE = str(24 * 60 * 60)


def _signed_in_by_session(request) -> bool:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PublicReadCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.API_CORS or not request.path.startswith(PREFIX):
            return self.get_response(request)
        if self._is_read_preflight(request):
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = ALLOW_METHODS
            requested = request.headers.get("Access-Control-Request-Headers", "")
            allowed = [
                name.strip()
                for name in requested.split(",")
                if name.strip().lower() in ALLOW_HEADERS
            ]
            if allowed:
                response["Access-Control-Allow-Headers"] = ", ".join(allowed)
            response["Access-Control-Max-Age"] = MAX_AGE
            patch_vary_headers(response, ["Origin", "Access-Control-Request-Headers"])
            return response
        response = self.get_response(request)
        if request.method in READS and not _signed_in_by_session(request):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        return response

    @staticmethod
    def _is_read_preflight(request) -> bool:
        if request.method != "OPTIONS" or "Origin" not in request.headers:
            return False
        return request.headers.get("Access-Control-Request-Method", "").upper() in READS

"""The "My API token" page: the signed-in user's own token for the API.

Any staff login (curator, editor, analyst) sees whether it has a token and since when,
creates one (which replaces the one it had) and revokes it. The key is shown once, in the
answer to the POST that made it: it is never put in the session, a message or a later page.
A deactivated user's token stops working at once (the API's TokenAuthentication refuses
inactive users), and deleting the user deletes it.

`add_token_pages(site)` serves the page as `admin:my_api_token`.
"""

from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from nkhr.admin.pages import add_site_pages

CREATE, REVOKE = "create", "revoke"


def my_token_view(request, site):
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == CREATE:
            # One token per user: a new one replaces (and so revokes) the old.
            Token.objects.filter(user=request.user).delete()
            new_key = Token.objects.create(user=request.user).key
        elif action == REVOKE:
            if Token.objects.filter(user=request.user).delete()[0]:
                messages.success(request, gettext("Your API token is revoked."))
            return HttpResponseRedirect(reverse("admin:my_api_token", current_app=site.name))
        else:
            return HttpResponseBadRequest("Unknown action.")
    context = {
        **site.each_context(request),
        "title": _("My API token"),
        "token": Token.objects.filter(user=request.user).first(),
        "new_key": new_key,
        "api_root": request.build_absolute_uri(reverse("api:api-root")),
        "create": CREATE,
        "revoke": REVOKE,
    }
    # admin_view marks the page never_cache (no-store), so the key stays out of caches.
    return TemplateResponse(request, "admin/tokens/my_token.html", context)


def add_token_pages(site) -> None:
    """Serve "My API token" under `site` (call before its URLs are read)."""
    add_site_pages(site, [("my-api-token/", my_token_view, "my_api_token")])

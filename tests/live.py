"""Real HTTP against pytest-django's `live_server`, from as many threads as a test starts.

Each `LiveClient` is one browser or API client: its own connections, its own cookies (a
session and the CSRF cookie). Nothing here is shared between threads but the server.
"""

import http.client
import json
import threading
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tests.html_forms import as_post_data, submitted_fields

# Long enough for a request queued behind fifteen others on a loaded machine.
TIMEOUT = 60


@dataclass
class LiveResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    def text(self) -> str:
        return self.body.decode()

    def __getitem__(self, header: str) -> str:
        return self.headers[header.lower()]


class LiveClient:
    def __init__(self, base_url: str, token: str | None = None):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.token = token
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers=None) -> LiveResponse:
        headers = dict(headers or {})
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        if self.token:
            headers.setdefault("Authorization", f"Token {self.token}")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return LiveResponse(
                response.status, {k.lower(): v for k, v in response.getheaders()}, data
            )
        finally:
            connection.close()

    def get(self, path: str, **headers) -> LiveResponse:
        return self.request("GET", path, headers=headers)

    def patch(self, path: str, body, **headers) -> LiveResponse:
        return self.request("PATCH", path, body, headers)

    def post_form(self, path: str, data: dict) -> LiveResponse:
        body = urlencode(data, doseq=True).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            # Django checks the origin of a form posted over plain HTTP by the Referer.
            "Referer": f"http://{self.host}:{self.port}{path}",
        }
        return self.request("POST", path, body, headers)

    def log_in(self, username: str, password: str) -> None:
        """Log in through the admin's login page, as a browser does."""
        page = self.get("/admin/login/")
        data = as_post_data(submitted_fields(page.text(), "login-form"))
        data.update({"username": [username], "password": [password]})
        response = self.post_form("/admin/login/?next=/admin/", data)
        assert response.status == 302, response.text()[:2000]


def run_together(count: int, work) -> list:
    """Run `work(i)` in `count` threads released at the same moment; their results in order
    (an exception in a thread is raised here)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(i):
        try:
            barrier.wait(timeout=TIMEOUT)
            results[i] = work(i)
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 4)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    if errors:
        raise errors[0]
    return results

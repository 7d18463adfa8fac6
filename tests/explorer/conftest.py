import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """The explorer's aggregates are cached; the test database is emptied between tests
    without the signals that renew them."""
    cache.clear()
    yield
    cache.clear()

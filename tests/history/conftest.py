import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The users the fixtures create need a password, not a second of hashing each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The delivery banner is cached between requests: no test sees another's."""
    cache.clear()
    yield
    cache.clear()

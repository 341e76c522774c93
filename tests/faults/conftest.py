import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The suite's users are made with create_user: the production hasher costs a second each here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""Static files through the ASGI application, as uvicorn serves them (ServeStatic's middleware)."""

import warnings

import httpx
import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.handlers.asgi import ASGIHandler
from django.core.management import call_command

from tests.support.servers import ROOT

STYLESHEET = (ROOT / "static" / "switchboard.css").read_bytes()
YEAR = 365 * 24 * 3600


def max_age(response: httpx.Response) -> int:
    directives = [d.strip() for d in response.headers["cache-control"].split(",")]
    return next(int(d.removeprefix("max-age=")) for d in directives if d.startswith("max-age="))


async def fetch(path: str, **headers: str) -> tuple[httpx.Response, list[warnings.WarningMessage]]:
    transport = httpx.ASGITransport(app=ASGIHandler())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            response = await client.get(path, headers=headers)
    # Django warns when it must gather a synchronous file iterator in a thread, whole, in memory.
    return response, [w for w in caught if "synchronous iterators" in str(w.message)]


async def test_the_stylesheet_streams_asynchronously_and_whole(settings):
    # As in DEBUG (the embedded mode): files found where they are, no collectstatic.
    settings.SERVESTATIC_AUTOREFRESH = True
    settings.SERVESTATIC_USE_FINDERS = True
    response, sync_iterator_warnings = await fetch("/static/switchboard.css")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert response.content == STYLESHEET
    assert not sync_iterator_warnings


@pytest.fixture
def collected(settings, tmp_path):
    """The production profile: collectstatic into a fresh STATIC_ROOT with the project's storage
    (hashed names and compressed copies), DEBUG off. Only the project's own files, for speed."""
    from switchboard import settings as project_settings

    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = project_settings.STORAGES
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", interactive=False, verbosity=0)
    return "/static/"


async def test_a_hashed_file_is_cached_for_a_year_and_the_plain_name_briefly(collected):
    hashed_url = staticfiles_storage.url("switchboard.css")
    assert hashed_url != "/static/switchboard.css"  # pages link the hashed name

    hashed, sync_iterator_warnings = await fetch(hashed_url)
    assert hashed.status_code == 200 and hashed.content == STYLESHEET
    assert max_age(hashed) >= YEAR and "immutable" in hashed.headers["cache-control"]
    assert not sync_iterator_warnings

    plain, _ = await fetch("/static/switchboard.css")
    assert plain.status_code == 200 and plain.content == STYLESHEET
    # An unhashed name may change content at the next deployment.
    assert max_age(plain) <= 60 and "immutable" not in plain.headers["cache-control"]


@pytest.mark.parametrize("encoding", ["br", "gzip"])
async def test_a_compressed_copy_is_served_to_a_browser_that_accepts_it(collected, encoding):
    response, sync_iterator_warnings = await fetch(
        staticfiles_storage.url("switchboard.css"), **{"Accept-Encoding": encoding}
    )
    assert response.status_code == 200
    assert response.headers["content-encoding"] == encoding
    assert "Accept-Encoding" in response.headers["vary"]
    assert int(response.headers["content-length"]) < len(STYLESHEET)
    assert response.content == STYLESHEET  # httpx decodes it
    assert not sync_iterator_warnings


async def test_a_client_that_accepts_no_compression_gets_the_file_as_it_is(collected):
    response, _ = await fetch(staticfiles_storage.url("switchboard.css"), **{"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert int(response.headers["content-length"]) == len(STYLESHEET)

"""Static files through the ASGI application, as uvicorn serves them."""

import warnings

import httpx
from django.core.handlers.asgi import ASGIHandler

from tests.live import ROOT


async def test_the_stylesheet_streams_asynchronously_and_whole(settings):
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    transport = httpx.ASGITransport(app=ASGIHandler())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            response = await client.get("/static/switchboard.css")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert response.content == (ROOT / "static" / "switchboard.css").read_bytes()
    # Django warns when it must gather a synchronous file iterator in a thread, whole, in memory.
    assert not [w for w in caught if "synchronous iterators" in str(w.message)]

"""WhiteNoise, made async-capable.

WhiteNoise's middleware is sync-only, and one sync-only middleware makes Django run every
request's whole chain (the webhook view included) through thread hops. This subclass answers
static files from a thread and passes everything else straight down the async chain.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponseBase
from whitenoise.middleware import WhiteNoiseMiddleware


class AsyncWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    sync_capable = False
    async_capable = True

    def __init__(self, get_response=None, settings=None) -> None:  # noqa: ANN001
        if settings is None:
            from django.conf import settings
        super().__init__(get_response, settings=settings)
        if not iscoroutinefunction(get_response):
            raise TypeError("AsyncWhiteNoiseMiddleware needs an async get_response")
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self.autorefresh:
            static_file = await sync_to_async(self.find_file)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.serve)(static_file, request)
        return await self.get_response(request)

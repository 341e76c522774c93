"""WhiteNoise, made async-capable.

WhiteNoise's middleware is sync-only, and one sync-only middleware makes Django run every
request's whole chain (the webhook view included) through thread hops. This subclass answers
static files from a thread and passes everything else straight down the async chain.
"""

from collections.abc import AsyncIterator

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import FileResponse, HttpRequest, HttpResponseBase
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
            return _streamed_async(await sync_to_async(self.serve)(static_file, request))
        return await self.get_response(request)


def _streamed_async(response: HttpResponseBase) -> HttpResponseBase:
    """Django's ASGI handler reads a file response's sync iterator whole, in the sync thread,
    with a warning; read it in chunks from worker threads instead (the response still closes it)."""
    if isinstance(response, FileResponse) and response.file_to_stream is not None:
        response.streaming_content = _chunks(response.file_to_stream, response.block_size)
    return response


async def _chunks(file, size: int) -> AsyncIterator[bytes]:  # noqa: ANN001
    read = sync_to_async(file.read, thread_sensitive=False)
    while chunk := await read(size):
        yield chunk

"""The webhook endpoints as Django views (for the test client; real servers take the ASGI fast path)."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dashboard.webhooks.receive import Answer, receive_webhook, reject


def _response(answer: Answer) -> JsonResponse:
    response = JsonResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response


async def _receive(request: HttpRequest, endpoint: str) -> JsonResponse:
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    remote_addr = request.META.get("REMOTE_ADDR", "")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    try:
        body = b"" if declared > limit else request.body
    except RequestDataTooBig:
        body, declared = b"", limit + 1
    if declared > limit or len(body) > limit:
        return _response(reject(endpoint, "body too large", 413, remote_addr, max(declared, len(body))))
    headers = {name.lower(): value for name, value in request.headers.items()}
    return _response(await receive_webhook(endpoint, body, headers, remote_addr))


@csrf_exempt
@require_POST
async def telnyx_webhook(request: HttpRequest) -> JsonResponse:
    return await _receive(request, "call_control")


@csrf_exempt
@require_POST
async def texml_callback(request: HttpRequest) -> JsonResponse:
    return await _receive(request, "texml")

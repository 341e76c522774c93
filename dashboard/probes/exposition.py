"""GET /metrics: who may read it, and the text Prometheus scrapes."""

import hmac
import os

from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.registry import Collector

from dashboard.observability.metrics import forget_dead_workers, scrape_collectors
from dashboard.observability.network import client_address, is_in

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def metrics_refusal(remote: str, headers: dict[str, str]) -> int | None:
    """None when the client may read /metrics; otherwise the status to answer.

    Neither METRICS_TOKEN nor METRICS_ALLOWED_IPS set: the endpoint does not exist (404).
    """
    token = settings.METRICS_TOKEN
    allowed = settings.METRICS_ALLOWED_IPS
    if not token and not allowed:
        return 404
    if token:
        offered = headers.get("authorization", "")
        if hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
            return None
    if allowed:
        client = client_address(remote, headers.get("x-forwarded-for", ""), settings.TRUSTED_PROXIES)
        if is_in(client, allowed):
            return None
    return 401 if token else 403


class _ScrapeTime(Collector):
    def collect(self):  # noqa: ANN201
        for collect in scrape_collectors():
            yield from collect()


def render() -> bytes:
    """The exposition text: every worker's figures (multiprocess mode) or this process's, plus scrape-time gauges."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        forget_dead_workers(directory)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    extra = CollectorRegistry()
    extra.register(_ScrapeTime())
    return text + generate_latest(extra)

"""Several server workers need a shared channel layer: with the in-memory one, each worker would push
changes only to the pages connected to itself, and every other page would miss them."""

import multiprocessing
import os
import sys

from django.conf import settings


def requested_workers(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    """How many uvicorn workers this server was started with (--workers N, or WEB_CONCURRENCY)."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    value = environ.get("WEB_CONCURRENCY", "")
    for index, arg in enumerate(argv):
        if arg == "--workers" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
    try:
        return max(1, int(value))
    except ValueError:
        return 1


def several_workers_message(workers: int) -> str:
    return (
        f"REDIS_URL must be set to run {workers} workers: with the in-memory channel layer each worker "
        "pushes live updates only to its own pages (set REDIS_URL, or run one worker)"
    )


def uses_in_memory_layer() -> bool:
    return "InMemoryChannelLayer" in settings.CHANNEL_LAYERS["default"]["BACKEND"]


def several_workers_refusal() -> str | None:
    """In a uvicorn worker: the refusal to print when it is one of several on the in-memory layer."""
    if not uses_in_memory_layer() or multiprocessing.parent_process() is None:
        return None
    workers = requested_workers()
    return several_workers_message(workers) if workers > 1 else None

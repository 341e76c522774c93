"""A worker that died leaves its counters (they happened) but not its live gauges (open sockets)."""

import os
import subprocess
import sys

from prometheus_client import CollectorRegistry, multiprocess

from dashboard.observability.metrics import forget_dead_workers

WORKER = """
from dashboard.observability import metrics
metrics.WEBSOCKETS.inc(3)
metrics.LOGIN_FAILURES.inc(2)
"""


def figures(directory) -> dict[str, float]:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(directory))
    return {sample.name: sample.value for family in registry.collect() for sample in family.samples}


def test_a_dead_workers_gauges_go_and_its_counters_stay(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", WORKER], env=env, check=True, timeout=60)
    before = figures(tmp_path)
    assert before["switchboard_websocket_connections"] == 3
    forget_dead_workers(str(tmp_path))
    after = figures(tmp_path)
    assert after.get("switchboard_websocket_connections", 0) == 0
    assert after["switchboard_login_failures_total"] == 2

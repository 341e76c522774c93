"""A minute of the soak (bench/soak.py): the simulator's traffic with duplicates, reordering, late
deliveries, a database blip and (where redis-server is installed) a Redis restart, against a real
dashboard. At the end every delivered webhook is in the log once, the state is the log's fold and
the simulator's own, and memory did not run away."""

import os
import shutil

import pytest

from bench import soak

pytestmark = pytest.mark.slow


def test_a_minute_of_chaotic_traffic_ends_consistent_with_bounded_memory():
    args = ["--minutes", "1", "--rate", "2", "--quick-static"]
    if shutil.which("redis-server"):
        # With Redis, two workers: live pages hear about webhooks the other worker stored.
        args += ["--redis", "--workers", "2"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        args += ["--postgres", os.environ["DATABASE_URL"]]

    report = soak.main(args)

    assert report.ok, report.failures
    assert report.figures["webhooks sent"] > 200
    assert report.figures["duplicate deliveries (chaos)"] > 0 and report.figures["reordered webhooks"] > 0

"""Reconciliation inside the server: one worker at a time holds the leader lock, and another takes
over when it goes."""

import pytest
from django.db import connection

from operations import schedule

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_one_holder_of_the_leader_lock_at_a_time():
    first, second = schedule.Leadership(), schedule.Leadership()
    try:
        assert first.held() is True
        assert first.held() is True  # re-checked every tick, still held
        assert second.held() is False
        # The leader goes (its process dies: its lock file or database session closes).
        if connection.vendor == "postgresql":
            first._pg.close()
        else:
            first._file.close()
        assert second.held() is True
    finally:
        for leadership in (first, second):
            for handle in (leadership._pg, leadership._file):
                if handle is not None:
                    handle.close()


def test_a_tick_that_fails_is_logged_and_the_loop_goes_on(monkeypatch, caplog):
    from dashboard.telnyx import TelnyxError
    from dashboard.telnyx.errors import ErrorKind

    def unreachable() -> None:
        raise TelnyxError(kind=ErrorKind.FAILED, title="ConnectError")

    monkeypatch.setattr(schedule, "reconcile_with_telnyx", unreachable)
    schedule.run_once()
    assert "reconciliation skipped: Telnyx did not answer (ConnectError)" in caplog.text

"""Moved to tests.support (servers, ports). This module only re-exports them for test files still
importing `tests.live`; new code imports from tests.support."""

from tests.support.ports import free_port
from tests.support.servers import ROOT, DashboardServer, shared_database_url

ServerProcess = DashboardServer

__all__ = ["ROOT", "ServerProcess", "free_port", "shared_database_url"]

"""What the tests and the benchmarks share, one copy of each:

- ports: free loopback ports for servers started as subprocesses;
- servers: server subprocesses (the dashboard under uvicorn, a private redis-server) and the
  test database's URL for them;
- signing: the test key pair and Telnyx-style webhook signatures;
- webhooks: webhook fixtures, envelopes and signed posts through Django's test client;
- waiting: waits on a condition instead of sleeps;
- commands: the least input each operator command needs.

Nothing here imports Django at module level, so the benchmark scripts can import it before they
configure Django (or without it at all).
"""

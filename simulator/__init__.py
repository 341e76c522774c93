"""A faithful simulator of Telnyx's Call Control API v2, for the demo, the tests and the benchmarks.

Start it with `python manage.py simulator`, or in tests with `simulator.server.SimulatorServer`
(its `.world` makes calls and conferences happen without HTTP). Modules are imported on use only,
so this Django app costs nothing to load.
"""

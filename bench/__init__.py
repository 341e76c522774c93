"""Benchmarks (run as scripts: `.venv/bin/python bench/x.py`); a package so that tests import them."""

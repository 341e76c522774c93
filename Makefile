# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Several workers need a shared channel layer (REDIS_URL): without one, one worker (and `serve` refuses more).
WORKERS ?= $(if $(REDIS_URL),2,1)
PYTEST_ARGS ?=

.PHONY: demo test install lint serve bench-ingest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo --host $(HOST) --port $(PORT)

# In parallel, one pytest-xdist worker per CPU, each with its own database, ports and Redis database
# (see tests/conftest.py); idle workers take tests queued on busy ones. PYTEST_ARGS="-n 0": serial.
test: install
	$(BIN)/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

# Style, then architecture: the import contracts in pyproject.toml ([tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The production profile: several ASGI workers behind one port (set DATABASE_URL, REDIS_URL, ...);
# `manage.py serve` checks the configuration, empties the metrics directory, then runs uvicorn.
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

clean:
	rm -rf $(VENV) var

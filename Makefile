# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Test databases: SQLite always; PostgreSQL and MariaDB at these URLs, skipped (with a message)
# when unreachable. Set a URL to an empty string to leave that database out.
export PRESSROOM_TEST_POSTGRESQL_URL ?= postgresql://postgres@127.0.0.1:5432/test
export PRESSROOM_TEST_MYSQL_URL ?= mysql://root@127.0.0.1:3306/test

.PHONY: run test api-tests bench lint typecheck imports check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## Serve on http://127.0.0.1:8000 with the embedded SQLite database.
	$(BIN)/pressroom serve

# One test worker per core, at most four: each worker migrates its own scratch databases.
TEST_WORKERS ?= -n auto --maxprocesses 4 --dist worksteal

test: $(STAMP)  ## The whole test suite on every reachable database.
	$(BIN)/pytest $(TEST_WORKERS)

api-tests: $(STAMP)  ## The official RealWorld Postman collections with newman (needs npm).
	API_TESTS_MYSQL=1 bash .ci/api-tests

bench: $(STAMP)  ## HTTP benchmark against the floor on a throwaway PostgreSQL (needs wrk).
	$(BIN)/python bench/http/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

imports: $(STAMP)
	$(BIN)/lint-imports

check: lint typecheck imports test

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

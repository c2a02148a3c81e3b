# Shortcuts; the scripts are the source of truth (CI runs scripts/test).
VENV := .venv/bin

.PHONY: demo test lint format bench bench-start bench-peers clean bootstrap

bootstrap:
	scripts/bootstrap

demo:
	scripts/demo

test:
	scripts/test

lint: bootstrap
	$(VENV)/ruff check src tests
	$(VENV)/ruff format --check src tests
	$(VENV)/mypy
	$(VENV)/lint-imports

format: bootstrap
	$(VENV)/ruff check --fix src tests
	$(VENV)/ruff format src tests

bench: bootstrap
	$(VENV)/python bench/bench_run.py

bench-start: bootstrap
	$(VENV)/python bench/bench_start.py

bench-peers: bootstrap
	$(VENV)/python bench/bench_peers.py

# Caches and build output; keeps .venv (rm -rf .venv to start over).
clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +

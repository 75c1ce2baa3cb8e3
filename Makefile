# The two commands of the README: `make demo` (the main job) and `make test`.
# Both bootstrap their own environment (bubblewrap + .venv) first.
.PHONY: demo test lint bootstrap release check

bootstrap:
	@bash scripts/bootstrap.sh

demo: bootstrap
	.venv/bin/mml demo

lint: bootstrap
	.venv/bin/ruff check graders tests benchmarks
	.venv/bin/mypy

test: lint
	.venv/bin/python -m pytest -q

release: bootstrap
	.venv/bin/mml release ps1_linear_algebra

check: bootstrap
	.venv/bin/mml check ps1_linear_algebra

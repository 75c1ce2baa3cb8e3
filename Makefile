# The two commands of the README: `make demo` (the main job) and `make test`.
# Both bootstrap their own environment (bubblewrap + .venv) first.
.PHONY: demo test test-fast lint bootstrap release check image

bootstrap:
	@bash scripts/bootstrap.sh

demo: bootstrap
	.venv/bin/mml demo

lint: bootstrap
	.venv/bin/ruff check graders tests benchmarks
	.venv/bin/mypy

test: lint
	.venv/bin/python -m pytest -q

# The fast loop: the engine's unit tests only (no real sandbox), in well under a minute.
test-fast: bootstrap
	.venv/bin/python -m pytest -q -m unit

release: bootstrap
	.venv/bin/mml release ps1_linear_algebra

check: bootstrap
	.venv/bin/mml check ps1_linear_algebra

# The grading image of the docker backend (Docker, or podman): see the README.
image: bootstrap
	bash scripts/build_image.sh

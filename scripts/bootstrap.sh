#!/usr/bin/env bash
# Bootstraps everything the project needs on a fresh machine: bubblewrap (the
# sandbox) from Debian's packages, and a virtual environment in .venv with the
# project installed editable. Idempotent: a second run only checks.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v bwrap >/dev/null 2>&1; then
    echo "bootstrap: installing bubblewrap (the grading sandbox)" >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq bubblewrap >/dev/null
    fi
fi

# Debian's chromium: the browser the feedback pages and formgrader (in a real JupyterLab) are
# tested in (driven by Playwright's Python package pointed at it with executable_path;
# Playwright downloads no browser).
if ! command -v chromium >/dev/null 2>&1; then
    echo "bootstrap: installing chromium (the feedback pages' browser tests)" >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
    fi
fi

# The docker backend's engine and the grading image's base (scripts/build_image.sh):
# podman with Debian's runc (crun refuses hybrid cgroup hosts) and debootstrap.
# Optional: a slow or unreachable package index only skips them, and the tests
# that need an engine say so.
if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1 ||
   ! command -v debootstrap >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && [ "${MML_NO_PODMAN:-}" != 1 ]; then
        echo "bootstrap: installing podman, runc and debootstrap (the docker backend)" >&2
        { timeout 600 apt-get update -qq &&
          DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq \
              podman runc debootstrap >/dev/null; } ||
            echo "bootstrap: could not install podman (docker backend tests will skip)" >&2
    fi
fi

py="${PYTHON:-python3}"
# The students' environment is pinned by requirements/student.lock (constraints).
stamp=".venv/.installed-$(cat pyproject.toml requirements/student.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "bootstrap: creating .venv and installing the project" >&2
    [ -x .venv/bin/python ] || "$py" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -c requirements/student.lock -e ".[dev]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi

# The package's bytecode. An editable install compiles none, and where the environment sets
# PYTHONDONTWRITEBYTECODE (CI machines do), Python would then compile every module of the
# package from source at each `mml` start and never keep the result: about 0.1 s of CPU per
# command, a tenth of a regrade (benchmarks/throughput.py latency). compileall writes only
# what is missing or stale; Python ignores a stale .pyc, so a later edit costs time, not
# correctness, until the next bootstrap.
.venv/bin/python -m compileall -q graders >/dev/null

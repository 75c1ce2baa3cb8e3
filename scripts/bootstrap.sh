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

py="${PYTHON:-python3}"
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "bootstrap: creating .venv and installing the project" >&2
    [ -x .venv/bin/python ] || "$py" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[dev]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi

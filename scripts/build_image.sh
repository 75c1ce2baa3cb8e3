#!/usr/bin/env bash
# Builds the grading image (mml-grader:latest) from the Dockerfile, with Docker
# where a Docker engine runs and with podman otherwise. `make image` calls it.
#
# No container registry is needed: the base image is made locally from Debian's
# packages (debootstrap, minbase, python3), and the students' environment is
# installed offline from a wheelhouse downloaded on the host against
# requirements/student.lock. The build context is a staging folder holding only
# the Dockerfile, the lock file, the wheelhouse and graders/runtime, so no
# instructor material can reach the image.
#
# Cached between runs on the same machine, under $MML_CACHE_DIR (default
# ~/.cache/mml-grader): the base tarball and the wheelhouse (one per lock
# file). The image itself is rebuilt only when its inputs change (a label holds
# their hash).
#
# Settings (environment): MML_ENGINE_COMMAND, the engine's command line, as
# c.MMLGrader.docker_command (default: docker if `docker info` works, else podman
# with the flags of graders/sandbox/docker.py's PODMAN_FLAGS and runc; e.g.
# "podman --storage-driver vfs --cgroup-manager cgroupfs" where overlayfs cannot
# be mounted, with the same docker_command), MML_IMAGE (default mml-grader:latest),
# BASE_IMAGE (default: the local mml-base:bookworm, made here if missing; give
# any image with python3 and its venv module, e.g. python:3.11-slim, to skip it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

image="${MML_IMAGE:-mml-grader:latest}"
cache="${MML_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mml-grader}"
lock="requirements/student.lock"
mkdir -p "$cache"

# The engine, and for podman the flags hosts without systemd need (cgroupfs, and
# Debian's runc: crun refuses hybrid cgroup hosts). Keep in step with
# engine_command() in graders/sandbox/docker.py (a test checks).
if [ -n "${MML_ENGINE_COMMAND:-}" ]; then
    read -r -a engine <<<"$MML_ENGINE_COMMAND"
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    engine=(docker)
elif command -v podman >/dev/null 2>&1; then
    engine=(podman --cgroup-manager cgroupfs)
    command -v runc >/dev/null 2>&1 && engine+=(--runtime runc)
else
    echo "build_image: neither a running Docker engine nor podman; install podman and runc" \
         "(apt-get install podman runc) or start Docker" >&2
    exit 2
fi

has_image() { "${engine[@]}" image inspect "$1" >/dev/null 2>&1; }

# 1. The base image: Debian bookworm's minbase with python3 (3.11, as the .venv).
base="${BASE_IMAGE:-mml-base:bookworm}"
if [ -z "${BASE_IMAGE:-}" ] && ! has_image "$base"; then
    tarball="$cache/base-bookworm.tar"
    if [ ! -s "$tarball" ]; then
        command -v debootstrap >/dev/null 2>&1 || {
            echo "build_image: debootstrap is missing: apt-get install debootstrap" >&2; exit 2; }
        rootfs="$(mktemp -d "$cache/rootfs.XXXXXX")"
        trap 'rm -rf "$rootfs"' EXIT
        echo "build_image: making the base with debootstrap (about 2 minutes)" >&2
        debootstrap --variant=minbase --include=python3,python3-venv,python3-pip \
            bookworm "$rootfs" >"$cache/debootstrap.log" 2>&1 || {
            echo "build_image: debootstrap failed; see $cache/debootstrap.log" >&2; exit 1; }
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
        chmod 755 "$rootfs"  # mktemp made it 0700: the image's / would be closed to uid 1000
        tar -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
        rm -rf "$rootfs"
        trap - EXIT
    fi
    echo "build_image: importing the base as $base" >&2
    "${engine[@]}" import "$tarball" "$base" >/dev/null
fi

# 2. The wheelhouse: exactly the lock's wheels, for the image's CPython 3.11.
lock_hash="$(sha256sum "$lock" | cut -c1-16)"
wheels="$cache/wheelhouse-$lock_hash"
if [ ! -f "$wheels/.complete" ]; then
    echo "build_image: downloading the wheelhouse of $lock" >&2
    rm -rf "$wheels" && mkdir -p "$wheels"
    py="$root/.venv/bin/python"; [ -x "$py" ] || py=python3
    # Wheels for the image (CPython 3.11, x86_64, bookworm's glibc 2.36) whatever
    # the host: every manylinux tag up to glibc 2.36 (pip does not expand them).
    platforms=(--platform manylinux2014_x86_64 --platform linux_x86_64)
    for minor in $(seq 5 36); do platforms+=(--platform "manylinux_2_${minor}_x86_64"); done
    "$py" -m pip download -q --no-deps --only-binary=:all: --implementation cp \
        --python-version 3.11 "${platforms[@]}" -r "$lock" -d "$wheels"
    touch "$wheels/.complete"
fi

# 3. The image, unless one built from the same inputs is there already. Its
# mml.runtime label is the hash of graders/runtime that the grader checks before a
# batch (runtime_digest() in graders/sandbox/docker.py computes the same; a test checks).
runtime="$(cd graders && find runtime -name '*.py' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-32)"
base_id="$("${engine[@]}" image inspect --format '{{.Id}}' "$base")"
inputs="$( { echo "$base_id"; echo "mml.runtime=$runtime"; cat Dockerfile "$lock";
             find graders/runtime -name '*.py' -print0 | sort -z | xargs -0 cat; } |
           sha256sum | cut -c1-32)"
if has_image "$image" &&
   [ "$("${engine[@]}" image inspect --format '{{index .Config.Labels "mml.inputs"}}' "$image")" = "$inputs" ]; then
    echo "build_image: $image is up to date ($inputs)" >&2
    exit 0
fi
ctx="$(mktemp -d "$cache/context.XXXXXX")"
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/graders" "$ctx/requirements"
cp Dockerfile "$ctx/"
cp "$lock" "$ctx/requirements/"
cp -r graders/runtime "$ctx/graders/runtime"
find "$ctx/graders" -name '__pycache__' -prune -exec rm -rf {} +
cp -rl "$wheels" "$ctx/wheelhouse" 2>/dev/null || cp -r "$wheels" "$ctx/wheelhouse"
echo "build_image: building $image with ${engine[*]} from $base" >&2
"${engine[@]}" build --network none --build-arg "BASE_IMAGE=$base" \
    --label "mml.inputs=$inputs" --label "mml.runtime=$runtime" -t "$image" "$ctx"

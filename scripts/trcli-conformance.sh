#!/usr/bin/env bash
# Conformance check: the official TestRail CLI (trcli, from PyPI) must work against our sandbox.
#
# Installs a pinned trcli into a throwaway virtualenv, starts testrail-sandbox on a free port
# seeded with fixtures/trcli/seed.json, uploads fixtures/trcli/results.xml with
# `trcli parse_junit` five ways (name matcher: new run with --close-run, an existing run, a
# plan; the automation-ID matcher; under injected 429s), then checks through the sandbox's
# control endpoint that each run holds exactly the expected cases and statuses, and that the
# closing runs are closed. If this fails, fix the sandbox's fidelity, not this script.
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
: >"$WORK/sandbox.log"
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

# trcli with the connection flags; HOME points into the scratch directory so trcli's caches
# never touch the real home.
trcli() {
    local what="$1"
    shift
    echo "==> trcli parse_junit: $what"
    if ! HOME="$WORK" "$VENV/bin/trcli" -y -h "$URL" --project Conformance \
        -u "$USER_EMAIL" -k "$API_KEY" \
        parse_junit -f fixtures/trcli/results.xml "$@" \
        >"$WORK/trcli.log" 2>&1; then
        sed 's/^/    /' "$WORK/trcli.log" >&2
        fail "trcli ($what) exited with an error"
    fi
    sed 's/^/    /' "$WORK/trcli.log"
}

# 1. The main flow: a new run holding exactly the reported cases, closed at the end.
trcli "new run, --close-run" --case-matcher name --title "$TITLE" --close-run
# 2. Reporting into an existing run: trcli merges its cases into the run with update_run.
trcli "existing run (--run-id 1)" --case-matcher name --run-id 1
# 3. Reporting into a plan: trcli adds a plan entry.
trcli "plan entry (--plan-id 1)" --case-matcher name --plan-id 1 --title "$TITLE in plan"
# 4. The automation-ID matcher: trcli reads get_case_fields and get_cases and matches
#    `classname.name` against custom_automation_id (the seed's cases carry those IDs).
trcli "automation-ID matcher" --case-matcher auto --title "$TITLE by automation ID"
# 5. Rate limited: every 3rd call answers 429 with Retry-After: 1; trcli waits and retries.
python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(
    sys.argv[1] + "__sandbox/faults", method="POST",
    data=b"{\"errors\": [{\"status\": 429, \"every\": 3, \"retry_after\": 1}]}"))' "$URL" ||
    fail "cannot set faults through the control endpoint"
trcli "under 429 rate limiting" --case-matcher name --title "$TITLE rate limited" --close-run

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

def run_named(name):
    runs = [r for r in state["runs"].values() if r["name"] == name]
    check(len(runs) == 1, f"expected one run named {name!r}, found {len(runs)}")
    return runs[0]

def tests_of(run):
    return {t["case_id"]: t["status_id"] for t in state["tests"].values() if t["run_id"] == run["id"]}

# C1, C4, C5 passed (1); C2 failed (5); C3 skipped, which trcli reports as retest (4).
# C6 is in the suite but not in the report.
reported = {1: 1, 2: 5, 3: 4, 4: 1, 5: 1}

run = run_named(title)
check(run["is_completed"] is True and run["completed_on"], "the new run is not closed")
check(run["include_all"] is False, "the new run was not created with include_all=false")
check(tests_of(run) == reported, f"new run tests {tests_of(run)} != {reported}")
test_ids = {t["id"] for t in state["tests"].values() if t["run_id"] == run["id"]}
results = [r for r in state["results"].values() if r["test_id"] in test_ids]
check(len(results) == 5, f"expected 5 results in the new run, found {len(results)}")
failed = [r for r in results if r["status_id"] == 5]
check(failed and "account still listed after delete" in (failed[0]["comment"] or ""),
      "the failure message is missing from the failed result's comment")

existing = run_named("existing run")
merged = {**reported, 6: 3}
check(tests_of(existing) == merged,
      f"existing run {tests_of(existing)} != {merged} (update_run must keep case 6)")
check(existing["is_completed"] is False, "the existing run was closed without --close-run")

in_plan = run_named(f"{title} in plan")
check(in_plan["plan_id"] == 1 and in_plan["entry_id"], "the plan run is not in plan 1")
check(tests_of(in_plan) == reported, f"plan run tests {tests_of(in_plan)} != {reported}")

by_automation_id = run_named(f"{title} by automation ID")
check(tests_of(by_automation_id) == reported,
      f"automation-ID run tests {tests_of(by_automation_id)} != {reported}")
check(len(state["cases"]) == 6, "trcli created cases although all were matched")
# trcli adds a section named after the report's suite, then deletes it when it stays empty.
check(len(state["sections"]) == 2, f"sections left behind: {list(state['sections'])}")

limited = run_named(f"{title} rate limited")
check(tests_of(limited) == reported and limited["is_completed"],
      f"rate-limited run {tests_of(limited)} incomplete or not closed")
injected = [e for e in log if e["injected"]]
check(injected and all(e["status"] == 429 for e in injected), "no 429 was injected")

errors = [f'{e["status"]} {e["path"]}' for e in log if e["status"] >= 400 and not e["injected"]]
check(not errors, f"trcli hit errors: {errors}")
calls = sorted({e["api_method"] for e in log})
print(f"    {len(log)} calls ({len(injected)} answered 429 on purpose): {' '.join(calls)}")
PY

echo "PASS: trcli $TRCLI_VERSION against testrail-sandbox (new closed run, existing run, plan entry, automation-ID matcher, 429s)"

#!/usr/bin/env bash
# End-to-end benchmark of `testrail-report submit` against the official `trcli parse_junit`.
#
#   bash bench/compare.sh              # full run: 1k/10k/100k by case ID, 10k/20k by automation ID
#   bash bench/compare.sh --tiny       # 200 tests, one round, both tools, debug build (CI's smoke run)
#   bash bench/compare.sh --skip-trcli --sizes 100000 --auto-sizes ''
#   bash bench/compare.sh --with-parser   # also the reader benchmark (cargo bench --bench parser)
#   bash bench/compare.sh --rounds 7 --rounds-large 3 --startup-runs 15 --update-docs   # how docs/BENCHMARKS.md's table is made
#   bash bench/compare.sh --sizes '' --auto-sizes '' --models latency,workers,budget --model-sizes 10000 --rounds 3
#                                      # against server models: latency, per-result cost and workers, a 180/min budget
#
# Builds the release binaries, installs trcli from PyPI into a throwaway virtualenv under
# bench/out/ (pinned, so figures stay comparable), then hands over to bench/compare.py, which
# writes bench/out/results.md and prints it. Needs cargo, python3 (with venv) and PyPI access.
set -euo pipefail
cd "$(dirname "$0")/.."

TRCLI_VERSION=1.15.3
OUT=bench/out
skip_trcli=0
with_parser=0
results_dir=$OUT
profile=release
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        # The smoke run only proves the harness still works end to end, so it reuses the debug
        # build `cargo test` already made instead of paying for a release build in CI.
        --tiny) args+=(--sizes 200 --auto-sizes 200 --rounds 1 --startup-runs 3 --out "$OUT/tiny")
                profile=debug; results_dir=$OUT/tiny ;;
        --skip-trcli) skip_trcli=1 ;;
        --with-parser) with_parser=1 ;;
        --out) args+=("$1" "$2"); results_dir=$2; shift ;;
        --sizes|--auto-sizes|--rounds|--rounds-large|--startup-runs|--trcli-max|--models|--model-sizes) args+=("$1" "$2"); shift ;;
        --update-docs) args+=(--doc docs/BENCHMARKS.md) ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# Peak RSS needs GNU time: measured from this harness with wait4 alone, a child still carries
# the harness's own pages until it execs (~25 MB of bias). Real runs install it when missing;
# the smoke run falls back to wait4 rather than touch the machine.
if [ "$profile" = release ] && [ ! -x /usr/bin/time ] && command -v apt-get >/dev/null; then
    echo "==> installing GNU time (apt-get install time) for peak-RSS figures" >&2
    { apt-get update -qq && apt-get install -y -qq time; } >&2 ||
        echo "warning: could not install GNU time; peak RSS will include ~25 MB of harness pages" >&2
fi

if [ "$profile" = release ]; then
    echo "==> cargo build --release" >&2
    cargo build --release --locked --bins >&2
else
    echo "==> cargo build (debug: a smoke run, not figures)" >&2
    cargo build --locked --bins >&2
fi
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/$profile"

trcli_args=()
if [ "$skip_trcli" = 0 ]; then
    venv="$OUT/venv"
    if [ ! -x "$venv/bin/trcli" ] || ! "$venv/bin/python" -c "import trcli,sys; sys.exit(trcli.__version__ != '$TRCLI_VERSION')" 2>/dev/null; then
        echo "==> installing trcli $TRCLI_VERSION into $venv" >&2
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "trcli==$TRCLI_VERSION" >&2
    fi
    trcli_args=(--trcli "$venv/bin/trcli")
fi

export PYTHONDONTWRITEBYTECODE=1
python3 bench/compare.py --ours "$bin/testrail-report" --sandbox "$bin/testrail-sandbox" \
    --build "$profile" "${trcli_args[@]}" "${args[@]}"

if [ "$with_parser" = 1 ]; then
    echo "==> cargo bench --bench parser (the reader on its own)" >&2
    {
        printf '\n### Reader (cargo bench --bench parser)\n\n```text\n'
        cargo bench --locked --bench parser 2>/dev/null
        printf '```\n'
    } | tee -a "$results_dir/results.md"
fi

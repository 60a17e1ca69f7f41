#!/usr/bin/env bash
# The GitHub Action's step: get the testrail-report binary, then run `testrail-report submit`.
#
# Called by action.yml with every input in the environment:
#   ACTION_INPUT_<NAME>       an input for the binary; exported as TESTRAIL_<NAME> (which the
#                             binary reads itself, so no input is ever spliced into a command
#                             line) only when it is not empty, see below
#   ACTION_INSTALL            auto | download | build (default auto)
#   ACTION_VERSION            release tag to download, or "latest" (default: the action's ref)
#   ACTION_REF, ACTION_REPOSITORY  where the action was used from (may be empty, see below)
#   ACTION_WORKING_DIRECTORY  directory to run submit in (default .)
#   ACTION_BINARY             an already-built binary to use instead of installing one. For
#                             tests only: the integration test sets it so it does not spend
#                             minutes in `cargo build --release`; nothing in action.yml sets it.
#
# Runs under bash on Linux, macOS and Windows runners (Git Bash there).
set -euo pipefail

# A workflow command's message with `%`, CR and LF escaped, so it cannot end the command early
# (the runner's unescaping rules, as in @actions/core).
escape_data() {
    local v=$1
    v=${v//'%'/%25}; v=${v//$'\r'/%0D}; v=${v//$'\n'/%0A}
    printf '%s' "$v"
}
log() { printf '%s\n' "testrail-report action: $*" >&2; }
die() { printf '::error title=testrail-report action::%s\n' "$(escape_data "$*")" >&2; exit 2; }

action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
temp_dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
server=${GITHUB_SERVER_URL:-https://github.com}

# Only the inputs that were given reach the binary. A step's `env:` wins over the workflow's
# and the job's `env:` even when its value is empty, so an input left empty must not become an
# empty TESTRAIL_* that hides one set there (an empty variable counts as unset to the binary).
for input_var in $(compgen -e ACTION_INPUT_); do
    if [[ -n "${!input_var}" ]]; then
        export "TESTRAIL_${input_var#ACTION_INPUT_}=${!input_var}"
    fi
    unset "$input_var"
done

# Mask the API key before anything could print it, in case it did not come from a secret; and
# its other forms, which a server's error page may echo: `user:key` and the Basic token.
for secret_var in TESTRAIL_API_KEY TESTRAIL_PASSWORD; do
    if [[ -n "${!secret_var:-}" ]]; then
        printf '::add-mask::%s\n' "$(escape_data "${!secret_var}")" >&2
        pair="${TESTRAIL_USER:-}:${!secret_var}"
        printf '::add-mask::%s\n' "$(escape_data "$pair")" >&2
        if token=$(printf '%s' "$pair" | base64 | tr -d '\r\n') && [[ -n "$token" ]]; then
            printf '::add-mask::%s\n' "$token" "${token%%=*}" >&2
        fi
    fi
done

# github.action_ref/action_repository are often empty inside composite actions
# (actions/runner#2473); the runner checks actions out at _actions/<owner>/<repo>/<ref>.
action_ref=${ACTION_REF:-}
action_repo=${ACTION_REPOSITORY:-}
if [[ -z "$action_ref" || -z "$action_repo" ]]; then
    checkout=${GITHUB_ACTION_PATH:-$action_dir}
    checkout=${checkout//\\//}  # Windows runners use backslashes
    IFS=/ read -r -a parts <<<"$checkout"
    n=${#parts[@]}
    if (( n >= 4 )) && [[ "${parts[n-4]}" == _actions ]]; then
        action_repo=${action_repo:-${parts[n-3]}/${parts[n-2]}}
        action_ref=${action_ref:-${parts[n-1]}}
    fi
fi
version=${ACTION_VERSION:-$action_ref}

# The release target triple for this runner; asset names match .github/workflows/release.yml.
target_triple() {
    local os=${RUNNER_OS:-$(uname -s)} arch=${RUNNER_ARCH:-$(uname -m)}
    case "$arch" in
        X64 | x86_64 | amd64) arch=x86_64 ;;
        ARM64 | arm64 | aarch64) arch=aarch64 ;;
        *) return 1 ;;
    esac
    case "$os" in
        Linux) echo "$arch-unknown-linux-musl" ;;
        macOS | Darwin) echo "$arch-apple-darwin" ;;
        Windows | MINGW* | MSYS* | CYGWIN*)
            [[ $arch == x86_64 ]] || return 1
            echo "x86_64-pc-windows-msvc" ;;
        *) return 1 ;;
    esac
}

exe_suffix() {
    case "${RUNNER_OS:-$(uname -s)}" in Windows | MINGW* | MSYS* | CYGWIN*) echo .exe ;; esac
}

release_base() {
    if [[ "$version" == latest ]]; then
        echo "$server/$action_repo/releases/latest/download"
    else
        echo "$server/$action_repo/releases/download/$version"
    fi
}

sha256_of() {
    if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
    else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# Whether a release asset exists for this runner (auto mode asks before choosing).
release_available() {
    local triple
    [[ -n "$version" && -n "$action_repo" ]] || return 1
    triple=$(target_triple) || return 1
    curl -fsSLI --retry 2 -o /dev/null "$(release_base)/testrail-report-$triple$(exe_suffix).sha256"
}

download() {
    local triple asset dir expected actual
    [[ -n "$action_repo" ]] || die "install: download needs the action's repository; use install: build"
    [[ -n "$version" ]] || die "install: download needs a release tag; set the version input"
    triple=$(target_triple) || die "no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; use install: build"
    asset="testrail-report-$triple$(exe_suffix)"
    dir="$temp_dir/testrail-report-$version"
    mkdir -p "$dir"
    log "downloading $asset ($version) from $action_repo"
    curl -fsSL --retry 3 -o "$dir/$asset" "$(release_base)/$asset" || die "could not download $(release_base)/$asset"
    curl -fsSL --retry 3 -o "$dir/$asset.sha256" "$(release_base)/$asset.sha256" || die "could not download $asset.sha256"
    expected=$(cut -d' ' -f1 <"$dir/$asset.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')
    actual=$(sha256_of "$dir/$asset")
    [[ -n "$expected" && "$expected" == "$actual" ]] || die "SHA-256 mismatch for $asset: expected $expected, got $actual"
    chmod +x "$dir/$asset"
    binary="$dir/$asset"
}

build() {
    command -v cargo >/dev/null || die "install: build needs a Rust toolchain (cargo) on the runner"
    local target_dir="$temp_dir/testrail-report-target"
    log "building from $action_dir (cargo build --release --locked)"
    cargo build --release --locked --manifest-path "$action_dir/Cargo.toml" --target-dir "$target_dir" >&2
    binary="$target_dir/release/testrail-report$(exe_suffix)"
}

binary=
install=${ACTION_INSTALL:-auto}
if [[ -n "${ACTION_BINARY:-}" ]]; then
    log "using the binary from ACTION_BINARY (install: $install skipped): $ACTION_BINARY"
    binary=$ACTION_BINARY
else
    case "$install" in
        download) download ;;
        build) build ;;
        auto) if release_available; then download; else log "no release for '${version:-?}'; building"; build; fi ;;
        *) die "install must be auto, download or build, not '$install'" ;;
    esac
fi

cd "${ACTION_WORKING_DIRECTORY:-.}" || die "working-directory '${ACTION_WORKING_DIRECTORY}' does not exist"
"$binary" --version >&2
exec "$binary" submit

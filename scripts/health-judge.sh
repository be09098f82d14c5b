#!/usr/bin/env bash
# Builds tools/health-judge (what Flux's kstatus and Argo CD's Lua health checks say about an
# object) with the local Go toolchain, and caches the binary in a directory keyed by the content
# of its sources, outside the repository.
#
# stdout: only the binary path, as the last line.
# stderr: progress and errors.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true  # keep -e inside $(...) (bash >= 4.4)

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC_DIR="${ROOT_DIR}/tools/health-judge"
BASE_DIR="${SCHEMAGATE_KUBE_BIN_DIR:-$HOME/.cache/schemagate/kube-bin}"
BINARY=health-judge
MARKER=".complete"

usage() {
  cat <<EOF
Usage: scripts/health-judge.sh [--help] [--print-path]

Builds tools/health-judge with the local Go toolchain (modules from the Go module proxy, as
pinned by its go.mod/go.sum) and caches the binary as
  \${SCHEMAGATE_KUBE_BIN_DIR:-\$HOME/.cache/schemagate/kube-bin}/health-judge-<hash>/${BINARY}
where <hash> is a content hash of tools/health-judge/{go.mod,go.sum,*.go}: editing the sources
builds a new binary, an unchanged tree is a no-op. The binary is never written into the
repository. Its path is printed as the last line of stdout; progress goes to stderr.

Options:
  --help        show this text
  --print-path  print the binary path and exit (0 if it is built, 1 if it still has to be
                built); builds nothing

Environment:
  SCHEMAGATE_KUBE_BIN_DIR   cache root (default \$HOME/.cache/schemagate/kube-bin)
  GO                        go binary (default: 'go' on PATH, else /usr/local/go/bin/go)
EOF
}

log() { printf '[health-judge] %s\n' "$*" >&2; }
die() { printf '[health-judge] ERROR: %s\n' "$*" >&2; exit 1; }

PRINT_PATH_ONLY=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --print-path) PRINT_PATH_ONLY=1 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done

[[ -f "${SRC_DIR}/go.mod" && -f "${SRC_DIR}/go.sum" ]] || die "no go.mod/go.sum in ${SRC_DIR}"

# Content hash of the sources: file names and contents, in a fixed order.
source_hash() {
  local files=(go.mod go.sum) f
  while IFS= read -r f; do files+=("$f"); done < <(cd "$SRC_DIR" && LC_ALL=C ls -1 -- *.go)
  [[ ${#files[@]} -gt 2 ]] || die "no *.go files in ${SRC_DIR}"
  (cd "$SRC_DIR" && sha256sum -- "${files[@]}") | sha256sum | cut -c1-16
}

HASH=$(source_hash)
CACHE_NAME="health-judge-${HASH}"
CACHE_DIR="${BASE_DIR}/${CACHE_NAME}"
BIN_PATH="${CACHE_DIR}/${BINARY}"

is_complete() { [[ -f "${CACHE_DIR}/${MARKER}" && -x "$BIN_PATH" ]]; }

if [[ $PRINT_PATH_ONLY -eq 1 ]]; then
  printf '%s\n' "$BIN_PATH"
  is_complete
  exit $?
fi

# Fast path: nothing to do.
if is_complete; then
  log "cached: ${BIN_PATH}"
  printf '%s\n' "$BIN_PATH"
  exit 0
fi

# ---------------------------------------------------------------- preparation
if [[ -z "${GO:-}" ]]; then
  if command -v go >/dev/null 2>&1; then GO=$(command -v go)
  elif [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go
  else die "no Go toolchain found: put 'go' on PATH or set GO=/path/to/go"
  fi
fi
command -v "$GO" >/dev/null 2>&1 || die "GO='$GO' is not executable"

mkdir -p "$BASE_DIR" || die "cannot create cache root ${BASE_DIR}"

# Serialise concurrent runs (e.g. parallel test JVMs); a lock of its own, so that this short
# build never waits for a long scripts/kube-binaries.sh build on the same cache root.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${BASE_DIR}/.health-judge.lock"
  if ! flock -n 9; then
    log "another build holds ${BASE_DIR}/.health-judge.lock; waiting for it"
    flock 9
  fi
  if is_complete; then
    log "cached (built by a concurrent run): ${BIN_PATH}"
    printf '%s\n' "$BIN_PATH"
    exit 0
  fi
fi

STAGE_DIR=""
cleanup() {
  local rc=$?
  [[ -n "$STAGE_DIR" && -d "$STAGE_DIR" ]] && rm -rf "$STAGE_DIR"
  if [[ $rc -ne 0 ]]; then log "build failed; nothing was written to ${CACHE_DIR}"; fi
  return $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Staging dir on the same filesystem as the cache, so the final rename is atomic.
STAGE_DIR=$(mktemp -d "${BASE_DIR}/.partial-${CACHE_NAME}.XXXXXX")

# Deterministic Go environment: module mode, no workspace, static binary, go.mod/go.sum used
# as they are (never rewritten), nothing from the caller's GOFLAGS.
export GO111MODULE=on GOWORK=off CGO_ENABLED=0 GOFLAGS=-mod=readonly

T_START=$(date +%s)
log "go: $("$GO" version)"
log "building ${SRC_DIR} -> ${BIN_PATH}"
rc=0
(cd "$SRC_DIR" && "$GO" build -trimpath -buildvcs=false -ldflags "-s -w" \
    -o "${STAGE_DIR}/${BINARY}" .) >&2 || rc=$?
if [[ $rc -ne 0 ]]; then
  die "go build failed with exit code ${rc}; command: (cd ${SRC_DIR} && GOFLAGS=-mod=readonly ${GO} build -trimpath -buildvcs=false -o <dir>/${BINARY} .)"
fi
log "built in $(( $(date +%s) - T_START ))s"

# ---------------------------------------------------------------- check + publish
log "checking the binary"
"${STAGE_DIR}/${BINARY}" --help >/dev/null 2>&1 || die "'${BINARY} --help' failed"
smoke=$(printf '%s' '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"smoke"}}' \
  | "${STAGE_DIR}/${BINARY}" kstatus 2>&1) || die "'${BINARY} kstatus' failed: ${smoke}"
[[ "$smoke" == *'"status":"Current"'* ]] || die "'${BINARY} kstatus' of a ConfigMap says ${smoke}, expected Current"

{
  echo "sources: ${SRC_DIR} (hash ${HASH})"
  awk '/^require[[:space:]]*\(/ { inblk = 1; next } inblk && /^\)/ { inblk = 0; next }
       inblk && !/\/\/ indirect/ { print $1, $2 }' "${SRC_DIR}/go.mod"
  echo "$("$GO" version)"
  (cd "$STAGE_DIR" && sha256sum "$BINARY")
} > "$STAGE_DIR/$MARKER.tmp"
chmod 0755 "$STAGE_DIR"
mv "$STAGE_DIR/$MARKER.tmp" "$STAGE_DIR/$MARKER"

# A directory without marker at the target is a leftover of a manual copy; replace it.
if [[ -e "$CACHE_DIR" ]] && ! is_complete; then
  rm -rf "$CACHE_DIR"
fi
if ! mv -T "$STAGE_DIR" "$CACHE_DIR" 2>/dev/null; then
  is_complete || die "could not move ${STAGE_DIR} to ${CACHE_DIR}"
  log "another run published ${CACHE_DIR} first; keeping it"
else
  STAGE_DIR=""
fi
log "done: ${BIN_PATH}"
printf '%s\n' "$BIN_PATH"

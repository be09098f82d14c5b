#!/usr/bin/env bash
# Builds a real Kubernetes control plane (kube-apiserver, kube-controller-manager),
# the node and client binaries (kubelet, kube-scheduler, kube-proxy, kubectl),
# etcd and helm from Go modules at pinned versions, and caches them in a
# versioned directory. See scripts/kube-binaries.md.
#
# stdout: only the cache directory path, as the last line.
# stderr: progress and errors.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true  # keep -e inside $(...) (bash >= 4.4)

# ---------------------------------------------------------------- pinned versions
K8S_VERSION="${SCHEMAGATE_K8S_VERSION:-v1.34.12}"
ETCD_VERSION="${SCHEMAGATE_ETCD_VERSION:-v3.6.5}"   # kubeadm default etcd of k8s v1.34.12
HELM_VERSION="${SCHEMAGATE_HELM_VERSION:-v3.22.0}"

BASE_DIR="${SCHEMAGATE_KUBE_BIN_DIR:-$HOME/.cache/schemagate/kube-bin}"
MARKER=".complete"
K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
BINARIES=("${K8S_BINARIES[@]}" etcd helm)

usage() {
  cat <<EOF
Usage: scripts/kube-binaries.sh [--help] [--print-dir]

Builds, with the local Go toolchain and the Go module proxy, and caches:
  kube-apiserver, kube-controller-manager,
  kube-scheduler, kubelet, kube-proxy,
  kubectl                                  k8s.io/kubernetes ${K8S_VERSION}
  etcd                                     go.etcd.io/etcd/server/v3 ${ETCD_VERSION}
  helm                                     helm.sh/helm ${HELM_VERSION}

The binaries go to
  \${SCHEMAGATE_KUBE_BIN_DIR:-\$HOME/.cache/schemagate/kube-bin}/k8s-<v>_etcd-<v>_helm-<v>/
together with a marker file '${MARKER}' that is written only after all of them
were built and checked. If the marker exists and lists every binary, nothing is
done. A cache directory made by an older version of this script (without the
node binaries) is completed: only the missing binaries are built and added.
The directory path is printed as the last line of stdout; progress goes to stderr.

Options:
  --help       show this text
  --print-dir  print the cache directory path and exit (0 if the cache is
               complete, 1 if it still has to be built); builds nothing

Environment:
  SCHEMAGATE_KUBE_BIN_DIR   cache root (default \$HOME/.cache/schemagate/kube-bin)
  SCHEMAGATE_K8S_VERSION    default ${K8S_VERSION}   (k8s.io/kubernetes tag)
  SCHEMAGATE_ETCD_VERSION   default ${ETCD_VERSION}  (go.etcd.io/etcd/server/v3 tag)
  SCHEMAGATE_HELM_VERSION   default ${HELM_VERSION}  (helm.sh/helm/vN tag)
  SCHEMAGATE_GO_BUILD_P     value for 'go build -p' (default: number of CPUs)
  GO                        go binary (default: 'go' on PATH, else /usr/local/go/bin/go)
EOF
}

log() { printf '[kube-binaries] %s\n' "$*" >&2; }
die() { printf '[kube-binaries] ERROR: %s\n' "$*" >&2; exit 1; }

# run_step "<step name>" cmd args...   runs cmd; on failure names the step,
# the exact command and the directory it ran in.
run_step() {
  local step="$1"; shift
  local rc=0
  "$@" >&2 || rc=$?
  if [[ $rc -ne 0 ]]; then
    local q; q=$(printf '%q ' "$@")
    printf '[kube-binaries] ERROR: step "%s" failed with exit code %d\n' "$step" "$rc" >&2
    printf '[kube-binaries]   command: %s\n' "$q" >&2
    printf '[kube-binaries]   in directory: %s\n' "$PWD" >&2
    exit "$rc"
  fi
}

PRINT_DIR_ONLY=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --print-dir) PRINT_DIR_ONLY=1 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done

for v in "$K8S_VERSION" "$ETCD_VERSION" "$HELM_VERSION"; do
  [[ "$v" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "version '$v' is not of the form vX.Y.Z"
done

HELM_MAJOR="${HELM_VERSION#v}"; HELM_MAJOR="${HELM_MAJOR%%.*}"
CACHE_NAME="k8s-${K8S_VERSION#v}_etcd-${ETCD_VERSION#v}_helm-${HELM_VERSION#v}"
CACHE_DIR="${BASE_DIR}/${CACHE_NAME}"

# has_binary NAME: the cache directory's marker lists NAME (a sha256sum line) and
# the file is executable.
has_binary() {
  [[ -x "${CACHE_DIR}/$1" ]] && grep -q "^[0-9a-f]\{64\}  $1\$" "${CACHE_DIR}/${MARKER}" 2>/dev/null
}

is_complete() {
  [[ -f "${CACHE_DIR}/${MARKER}" ]] || return 1
  local b
  for b in "${BINARIES[@]}"; do has_binary "$b" || return 1; done
}

if [[ $PRINT_DIR_ONLY -eq 1 ]]; then
  printf '%s\n' "$CACHE_DIR"
  is_complete
  exit $?
fi

# Fast path: nothing to do.
if is_complete; then
  log "cached: ${CACHE_DIR}"
  printf '%s\n' "$CACHE_DIR"
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

# Serialise concurrent runs (e.g. parallel test JVMs) on one lock per cache root.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${BASE_DIR}/.lock"
  if ! flock -n 9; then
    log "another build holds ${BASE_DIR}/.lock; waiting for it"
    flock 9
  fi
  if is_complete; then
    log "cached (built by a concurrent run): ${CACHE_DIR}"
    printf '%s\n' "$CACHE_DIR"
    exit 0
  fi
fi

WORK_DIR=""
STAGE_DIR=""
cleanup() {
  local rc=$?
  [[ -n "$STAGE_DIR" && -d "$STAGE_DIR" ]] && rm -rf "$STAGE_DIR"
  if [[ -n "$WORK_DIR" && -d "$WORK_DIR" ]]; then
    if [[ $rc -ne 0 && $rc -ne 130 && $rc -ne 143 ]]; then
      # Small (go.mod/go.sum only): kept so the failing command can be re-run by hand.
      log "the build modules are kept in ${WORK_DIR} to re-run the failing command; delete it afterwards"
    else
      rm -rf "$WORK_DIR"
    fi
  fi
  if [[ $rc -ne 0 ]]; then log "build failed; nothing was written to ${CACHE_DIR}"; fi
  return $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A cache directory with a marker but without some binaries was made by an older
# version of this script (kube-apiserver, kube-controller-manager, etcd, helm
# only): keep what it has and build only the rest.
MISSING=()
for b in "${BINARIES[@]}"; do
  if [[ -f "${CACHE_DIR}/${MARKER}" ]] && has_binary "$b"; then continue; fi
  MISSING+=("$b")
done
COMPLETING=0
if [[ -f "${CACHE_DIR}/${MARKER}" && ${#MISSING[@]} -lt ${#BINARIES[@]} ]]; then
  COMPLETING=1
  log "completing ${CACHE_DIR}: building only ${MISSING[*]}"
else
  MISSING=("${BINARIES[@]}")
fi
missing() { local b; for b in "${MISSING[@]}"; do [[ "$b" == "$1" ]] && return 0; done; return 1; }

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kube-binaries.XXXXXX")
# Staging dir on the same filesystem as the cache, so the final rename is atomic.
STAGE_DIR=$(mktemp -d "${BASE_DIR}/.partial-${CACHE_NAME}.XXXXXX")

# Deterministic Go environment: module mode, no workspace, static binaries,
# nothing from the caller's GOFLAGS.
export GO111MODULE=on GOWORK=off CGO_ENABLED=0 GOFLAGS=""
P_FLAG=()
[[ -n "${SCHEMAGATE_GO_BUILD_P:-}" ]] && P_FLAG=(-p "$SCHEMAGATE_GO_BUILD_P")

log "go: $("$GO" version)"
log "cache dir: ${CACHE_DIR}"
log "module cache: $("$GO" env GOMODCACHE), build cache: $("$GO" env GOCACHE)"

# go mod download -json MOD@VER, printing the value of one JSON field.
mod_field() {
  local modver="$1" field="$2" json
  json=$(cd "$WORK_DIR" && "$GO" mod download -json "$modver") || {
    printf '%s\n' "$json" >&2
    die "step \"download ${modver}\" failed; command: (cd ${WORK_DIR} && ${GO} mod download -json ${modver})"
  }
  printf '%s\n' "$json" | sed -n "s/^[[:space:]]*\"${field}\": \"\(.*\)\",\{0,1\}$/\1/p" | head -n1
}

# Prints the 'go' and 'godebug' directives of a go.mod file (so the build module
# keeps the language version and GODEBUG defaults the upstream project uses).
go_and_godebug_lines() {
  awk '
    /^go [0-9]/ { print; next }
    /^godebug[[:space:]]*\(/ { inblk = 1; print; next }
    inblk { print; if ($0 ~ /^\)/) inblk = 0; next }
    /^godebug[[:space:]]/ { print }
  ' "$1"
}

# Prints "<module> <target>" for each replace directive of a go.mod file whose
# target is a local path starting with the given prefix (single-line and block form).
local_replaces() {
  awk -v prefix="$2" '
    function emit(l,   a) {
      sub(/\/\/.*/, "", l)
      if (split(l, a, /[[:space:]]*=>[[:space:]]*/) != 2) return
      gsub(/^[[:space:]]+|[[:space:]]+$/, "", a[1]); gsub(/^[[:space:]]+|[[:space:]]+$/, "", a[2])
      split(a[1], lhs, /[[:space:]]+/)
      if (index(a[2], prefix) == 1) print lhs[1], a[2]
    }
    /^replace[[:space:]]*\(/ { inblk = 1; next }
    inblk && /^\)/ { inblk = 0; next }
    inblk { emit($0); next }
    /^replace[[:space:]]/ { l = $0; sub(/^replace[[:space:]]+/, "", l); emit(l) }
  ' "$1"
}

elapsed() { echo $(( $(date +%s) - $1 ))s; }

# ---------------------------------------------------------------- kubernetes
build_kubernetes() {
  local t0 mod gomod="$K8S_GOMOD" info_file build_date staging_ver major minor
  mod="$WORK_DIR/k8s"; mkdir -p "$mod"
  t0=$(date +%s)
  info_file="${gomod%.mod}.info"

  # Staging modules are published as k8s.io/<name> v0.<minor>.<patch>.
  staging_ver="v0.${K8S_VERSION#v1.}"
  major="${K8S_VERSION#v}"; major="${major%%.*}"
  minor="${K8S_VERSION#v*.}"; minor="${minor%%.*}"
  build_date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info_file" 2>/dev/null | sed 's/\.[0-9]*Z$/Z/')
  [[ -n "$build_date" ]] || build_date="1970-01-01T00:00:00Z"

  local replaces
  replaces=$(local_replaces "$gomod" "./staging/")
  [[ -n "$replaces" ]] || die "no './staging/...' replace directives found in ${gomod}"
  log "[k8s] replacing $(printf '%s\n' "$replaces" | wc -l) staging modules with their published ${staging_ver} twins"
  {
    echo "module schemagate.invalid/kube-build"
    echo
    go_and_godebug_lines "$gomod"
    echo
    echo "require k8s.io/kubernetes ${K8S_VERSION}"
    echo
    echo "replace ("
    printf '%s\n' "$replaces" | while read -r m _; do printf '\t%s => %s %s\n' "$m" "$m" "$staging_ver"; done
    echo ")"
  } > "$mod/go.mod"

  local bin pkgs=()
  for bin in "${K8S_BINARIES[@]}"; do
    missing "$bin" && pkgs+=("k8s.io/kubernetes/cmd/${bin}@${K8S_VERSION}")
  done
  (cd "$mod" && run_step "k8s: resolve dependencies" "$GO" get "${pkgs[@]}")
  log "[k8s] dependencies resolved in $(elapsed "$t0")"

  # Same flags as upstream hack/lib/golang.sh for release (non-debug) server binaries.
  local ldflags="-s -w" pkg
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ldflags+=" -X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor}"
    ldflags+=" -X ${pkg}.gitCommit= -X ${pkg}.gitTreeState= -X ${pkg}.buildDate=${build_date}"
  done
  for bin in "${K8S_BINARIES[@]}"; do
    missing "$bin" || continue
    t0=$(date +%s)
    log "[k8s] building ${bin} ${K8S_VERSION}"
    (cd "$mod" && run_step "k8s: build ${bin}" "$GO" build -mod=mod "${P_FLAG[@]}" -trimpath \
        -tags selinux,notest,grpcnotrace -ldflags "$ldflags" \
        -o "$STAGE_DIR/$bin" "k8s.io/kubernetes/cmd/${bin}")
    log "[k8s] built ${bin} in $(elapsed "$t0")"
  done
}

# ---------------------------------------------------------------- etcd
build_etcd() {
  local t0 mod gomod="$ETCD_GOMOD"
  mod="$WORK_DIR/etcd"; mkdir -p "$mod"
  t0=$(date +%s)

  # server/v3's own go.mod replaces its sibling modules with '../<dir>' paths,
  # so it cannot be built with 'go install ...@version'. A tiny main module
  # requires server/v3 and those siblings at the same version instead.
  local siblings
  siblings=$(local_replaces "$gomod" "../" | awk '{print $1}')
  [[ -n "$siblings" ]] || die "no '../' sibling replace directives found in ${gomod}"
  {
    echo "module schemagate.invalid/etcd-build"
    echo
    go_and_godebug_lines "$gomod" | grep -v '^toolchain' || true
    echo
    echo "require ("
    printf '\tgo.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION"
    printf '%s\n' "$siblings" | while read -r m; do printf '\t%s %s\n' "$m" "$ETCD_VERSION"; done
    echo ")"
  } > "$mod/go.mod"

  (cd "$mod" && run_step "etcd: resolve dependencies" "$GO" get "go.etcd.io/etcd/server/v3@${ETCD_VERSION}")
  log "[etcd] building etcd ${ETCD_VERSION}"
  (cd "$mod" && run_step "etcd: build etcd" "$GO" build -mod=mod "${P_FLAG[@]}" -trimpath \
      -ldflags "-s -w" -o "$STAGE_DIR/etcd" go.etcd.io/etcd/server/v3)
  log "[etcd] built etcd in $(elapsed "$t0")"
}

# ---------------------------------------------------------------- helm
build_helm() {
  local t0 hmod="$HELM_MODULE" gomod="$HELM_GOMOD" kver kmaj kmin
  t0=$(date +%s)
  # helm's Makefile derives the Kubernetes version it reports from its client-go.
  kver=$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$gomod")
  [[ "$kver" =~ ^v0\.([0-9]+)\. ]] || die "cannot find k8s.io/client-go version in ${gomod}"
  kmaj=1; kmin="${BASH_REMATCH[1]}"
  local ldflags="-s -w -X ${hmod}/internal/version.version=${HELM_VERSION} -X ${hmod}/internal/version.metadata="
  ldflags+=" -X ${hmod}/pkg/lint/rules.k8sVersionMajor=${kmaj} -X ${hmod}/pkg/lint/rules.k8sVersionMinor=${kmin}"
  ldflags+=" -X ${hmod}/pkg/chartutil.k8sVersionMajor=${kmaj} -X ${hmod}/pkg/chartutil.k8sVersionMinor=${kmin}"
  log "[helm] building helm ${HELM_VERSION}"
  # helm's go.mod has no replace directives: 'go install pkg@version' works.
  (cd "$WORK_DIR" && GOBIN="$STAGE_DIR" run_step "helm: build helm" "$GO" install "${P_FLAG[@]}" -trimpath \
      -ldflags "$ldflags" "${hmod}/cmd/helm@${HELM_VERSION}")
  log "[helm] built helm in $(elapsed "$t0")"
}

# Resolve all three pinned versions first, so a bad version fails before any build.
# mod_go_mod MOD VER: downloads MOD@VER (source zip included) and prints its go.mod path.
mod_go_mod() {
  local gomod
  log "resolving $1@$2"
  gomod=$(mod_field "$1@$2" GoMod)
  [[ -n "$gomod" && -f "$gomod" ]] || die "could not find the go.mod of $1@$2 (GoMod='${gomod}')"
  printf '%s\n' "$gomod"
}
T_START=$(date +%s)
HELM_MODULE="helm.sh/helm/v${HELM_MAJOR}"
K8S_GOMOD=$(mod_go_mod k8s.io/kubernetes "$K8S_VERSION")
ETCD_GOMOD=$(mod_go_mod go.etcd.io/etcd/server/v3 "$ETCD_VERSION")
HELM_GOMOD=$(mod_go_mod "$HELM_MODULE" "$HELM_VERSION")
log "resolved in $(elapsed "$T_START")"

missing etcd && build_etcd
missing helm && build_helm
need_k8s=0
for b in "${K8S_BINARIES[@]}"; do missing "$b" && need_k8s=1; done
[[ $need_k8s -eq 1 ]] && build_kubernetes

# ---------------------------------------------------------------- check + publish
log "checking the binaries"
# bin NAME: the new build in the staging dir, else the one already in the cache.
bin() { if [[ -x "$STAGE_DIR/$1" ]]; then printf '%s\n' "$STAGE_DIR/$1"; else printf '%s\n' "$CACHE_DIR/$1"; fi; }
for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
  v=$("$(bin "$b")" --version 2>&1) || die "'$b --version' failed: ${v}"
  [[ "$v" == "Kubernetes ${K8S_VERSION}" ]] || die "$b reports '${v}', expected 'Kubernetes ${K8S_VERSION}'"
done
v_kubectl=$("$(bin kubectl)" version --client 2>&1) || die "'kubectl version --client' failed: ${v_kubectl}"
grep -qx "Client Version: ${K8S_VERSION}" <<<"$v_kubectl" || die "kubectl reports '${v_kubectl}', expected 'Client Version: ${K8S_VERSION}'"
v_etcd=$("$(bin etcd)" --version 2>&1) || die "'etcd --version' failed: ${v_etcd}"
v_helm=$("$(bin helm)" version --short 2>&1) || die "'helm version --short' failed: ${v_helm}"
grep -q "etcd Version: ${ETCD_VERSION#v}" <<<"$v_etcd" || die "etcd reports '${v_etcd}', expected ${ETCD_VERSION#v}"
[[ "$v_helm" == "${HELM_VERSION}"* ]] || die "helm reports '${v_helm}', expected ${HELM_VERSION}"

write_marker() {  # write_marker FILE
  {
    echo "k8s.io/kubernetes ${K8S_VERSION}"
    echo "go.etcd.io/etcd/server/v3 ${ETCD_VERSION}"
    echo "${HELM_MODULE} ${HELM_VERSION}"
    echo "$("$GO" version)"
    for b in "${BINARIES[@]}"; do (cd "$(dirname "$(bin "$b")")" && sha256sum "$b"); done
  } > "$1"
}

if [[ $COMPLETING -eq 1 ]]; then
  # Add the new binaries next to the ones kept (each rename is atomic; a reader
  # of the old ones is not disturbed), then replace the marker.
  write_marker "$STAGE_DIR/$MARKER.tmp"
  for b in "${MISSING[@]}"; do mv -f "$STAGE_DIR/$b" "$CACHE_DIR/$b"; done
  mv -f "$STAGE_DIR/$MARKER.tmp" "$CACHE_DIR/$MARKER"
  is_complete || die "could not complete ${CACHE_DIR}"
  log "done in $(elapsed "$T_START"): ${CACHE_DIR} (added ${MISSING[*]})"
  printf '%s\n' "$CACHE_DIR"
  exit 0
fi

write_marker "$STAGE_DIR/$MARKER.tmp"
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
log "done in $(elapsed "$T_START"): ${CACHE_DIR}"
printf '%s\n' "$CACHE_DIR"

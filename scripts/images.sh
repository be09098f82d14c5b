#!/usr/bin/env bash
# Builds the images the local cluster runs, without Docker and without a registry, and imports
# them into containerd's k8s.io namespace (the containerd of scripts/local-cluster.sh).
# See scripts/local-cluster.md.
#
# stdout: the image references imported (or already there), one per line.
# stderr: progress and errors.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true

REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE="${SCHEMAGATE_IMAGE_CACHE:-$HOME/.cache/schemagate/images}"
CLUSTER_RUN="${SCHEMAGATE_CLUSTER_RUN:-/run/schemagate-cluster}"
ADDRESS="${SCHEMAGATE_CONTAINERD_ADDRESS:-$CLUSTER_RUN/containerd/containerd.sock}"
DEBIAN_MIRROR="${SCHEMAGATE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm

PAUSE_REF=localhost/schemagate/pause:3.10
BUSYBOX_REF=localhost/schemagate/busybox:1.35
SCHEMAGATE_REF=localhost/schemagate:dev
PROSAAS_REF=localhost/prosaas:2026.11.3
MINBASE_REF=localhost/schemagate-base/debian-minbase:$SUITE
JRE_REF=localhost/schemagate-base/debian-jre:17-$SUITE

usage() {
  cat <<EOF
Usage: scripts/images.sh [--help] [--no-import] [--jar PATH] [IMAGE...]

IMAGE is one of: pause, busybox, schemagate, prosaas (default: all).

  pause       ${PAUSE_REF}
              a static Go program (scripts/images/pause.go): containerd's sandbox image
  busybox     ${BUSYBOX_REF}
              Debian's busybox-static with its applet links (sh, wget, nc, ...) for test pods
  schemagate  ${SCHEMAGATE_REF}
              the project's Dockerfile, built by buildah with
                JRE_IMAGE=${JRE_REF}
                  (debootstrap --variant=minbase ${SUITE} + openjdk-17-jre-headless)
                JAR_SOURCE=an image holding the jar built on this machine
                  (operator/target/schemagate-all.jar; built with Maven when missing or older
                  than the sources, or --jar PATH)
  prosaas     ${PROSAAS_REF}
              the example application of examples/prosaas (examples/prosaas/app/Dockerfile:
              Debian's python3, psycopg2, redis and gunicorn), built by buildah with
                BASE_IMAGE=${MINBASE_REF}

Each image is rebuilt only when its inputs change (a hash of them is the cache key) and imported
only when containerd does not hold it with that key. Works as root; needs buildah, debootstrap
(installed with apt-get when missing) and, for pause, Go.

Options:
  --no-import  build only (into buildah's storage under the cache); no containerd needed
  --jar PATH   use this schemagate-all.jar instead of operator/target/schemagate-all.jar

Environment:
  SCHEMAGATE_IMAGE_CACHE         cache (default \$HOME/.cache/schemagate/images)
  SCHEMAGATE_CONTAINERD_ADDRESS  containerd socket (default ${CLUSTER_RUN}/containerd/containerd.sock,
                                 the one scripts/local-cluster.sh starts)
  SCHEMAGATE_DEBIAN_MIRROR       default ${DEBIAN_MIRROR}
  GO                             go binary (default 'go' on PATH, else /usr/local/go/bin/go)
EOF
}

log() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] ERROR: %s\n' "$*" >&2; exit 1; }
elapsed() { echo $(( $(date +%s) - $1 ))s; }

IMPORT=1
JAR=""
WANT=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --no-import) IMPORT=0 ;;
    --jar) JAR="${2:?--jar needs a path}"; shift ;;
    pause|busybox|schemagate|prosaas) WANT+=("$1") ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done
[[ ${#WANT[@]} -gt 0 ]] || WANT=(pause busybox schemagate prosaas)
wants() { local w; for w in "${WANT[@]}"; do [[ "$w" == "$1" ]] && return 0; done; return 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (buildah storage, chroot, containerd's socket)"
need_pkgs=()
command -v buildah >/dev/null 2>&1 || need_pkgs+=(buildah)
command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
if [[ $IMPORT -eq 1 ]] && ! command -v ctr >/dev/null 2>&1; then need_pkgs+=(containerd); fi
if [[ ${#need_pkgs[@]} -gt 0 ]]; then
  log "installing ${need_pkgs[*]} (apt-get)"
  apt-get install -y -q "${need_pkgs[@]}" >&2 || { apt-get update -q >&2 && apt-get install -y -q "${need_pkgs[@]}" >&2; } \
    || die "could not install ${need_pkgs[*]}"
fi
if [[ $IMPORT -eq 1 ]]; then
  [[ -S "$ADDRESS" ]] || die "no containerd at ${ADDRESS}: start the cluster first (scripts/local-cluster.sh up), or use --no-import"
fi

mkdir -p "$CACHE/archives" "$CACHE/keys"
exec 8>"$CACHE/.lock"
flock 8

# buildah with its own storage under the cache: nothing in /var/lib/containers.
B=(buildah --root "$CACHE/buildah/root" --runroot "$CLUSTER_RUN-buildah" --storage-driver overlay)
# buildah leaves the storage's overlay home (and any container still mounted) mounted: unmount
# all of it on exit, so nothing stays mounted once the script is done.
release_mounts() {
  "${B[@]}" unmount --all >/dev/null 2>&1 || true
  awk -v p="$CACHE/buildah" 'index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r | uniq |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
}
trap release_mounts EXIT
image_exists() { "${B[@]}" inspect --type image "$1" >/dev/null 2>&1; }
image_id() { "${B[@]}" inspect --type image --format '{{.FromImageID}}' "$1"; }
sha_of() { cat "$@" | sha256sum | cut -c1-16; }

# ---------------------------------------------------------------- base images
build_minbase() {
  image_exists "$MINBASE_REF" && return 0
  local t0 root c m
  t0=$(date +%s)
  root=$(mktemp -d "$CACHE/minbase.XXXXXX")
  log "debootstrap --variant=minbase ${SUITE} (about 30 s)"
  debootstrap --variant=minbase "$SUITE" "$root" "$DEBIAN_MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log" >&2; rm -rf "$root"; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb http://deb.debian.org/debian-security %s-security main\n' \
    "$DEBIAN_MIRROR" "$SUITE" "$DEBIAN_MIRROR" "$SUITE" "$SUITE" > "$root/etc/apt/sources.list"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  c=$("${B[@]}" from scratch)
  m=$("${B[@]}" mount "$c")
  tar -C "$root" --numeric-owner -cf - . | tar -C "$m" --numeric-owner -xpf -
  "${B[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd /bin/bash "$c"
  "${B[@]}" commit -q "$c" "$MINBASE_REF" >/dev/null
  "${B[@]}" rm "$c" >/dev/null
  rm -rf "$root"
  log "built ${MINBASE_REF} in $(elapsed "$t0")"
}

# derived_base REF PACKAGES...: the minbase image plus Debian packages (apt, in a buildah container).
derived_base() {
  local ref="$1"; shift
  image_exists "$ref" && return 0
  build_minbase
  local t0 c
  t0=$(date +%s)
  log "building ${ref}: apt-get install $*"
  c=$("${B[@]}" from --pull=never "$MINBASE_REF")
  "${B[@]}" run --network host "$c" -- sh -c \
    "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $* && apt-get clean && rm -rf /var/lib/apt/lists/*" \
    >"$CACHE/base-build.log" 2>&1 \
    || { tail -20 "$CACHE/base-build.log" >&2; "${B[@]}" rm "$c" >/dev/null; die "building ${ref} failed (log: $CACHE/base-build.log)"; }
  "${B[@]}" commit -q "$c" "$ref" >/dev/null
  "${B[@]}" rm "$c" >/dev/null
  log "built ${ref} in $(elapsed "$t0")"
}

# ---------------------------------------------------------------- import into containerd
# import_image REF KEY: docker-archive of REF (cached per key) imported into containerd's k8s.io
# namespace, unless containerd already holds REF labelled with KEY.
import_image() {
  local ref="$1" key="$2" tar t0
  tar="$CACHE/archives/$(tr '/:' '__' <<<"$ref")-${key}.tar"
  if [[ ! -s "$tar" ]]; then
    rm -f "$CACHE/archives/$(tr '/:' '__' <<<"$ref")"-*.tar
    "${B[@]}" push -q "$ref" "docker-archive:${tar}.tmp:${ref}" >&2
    mv "${tar}.tmp" "$tar"
  fi
  if [[ $IMPORT -eq 0 ]]; then printf '%s\n' "$ref"; return 0; fi
  local ctr=(ctr --address "$ADDRESS" --namespace k8s.io)
  if "${ctr[@]}" images ls "name==${ref}" 2>/dev/null | grep -q "schemagate.key=${key}"; then
    log "${ref}: already in containerd (key ${key})"
  else
    t0=$(date +%s)
    "${ctr[@]}" images import --snapshotter overlayfs "$tar" >&2
    "${ctr[@]}" images label "$ref" "schemagate.key=${key}" >/dev/null
    log "${ref}: imported in $(elapsed "$t0")"
  fi
  printf '%s\n' "$ref"
}

# ---------------------------------------------------------------- pause
build_pause() {
  local key go c dir
  if [[ -z "${GO:-}" ]]; then
    if command -v go >/dev/null 2>&1; then GO=$(command -v go)
    elif [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go
    else die "no Go toolchain for the pause image: put 'go' on PATH or set GO"
    fi
  fi
  key=$( { cat "$REPO/scripts/images/pause.go"; "$GO" version; } | sha256sum | cut -c1-16)
  if [[ "$(cat "$CACHE/keys/pause" 2>/dev/null)" != "$key" ]] || ! image_exists "$PAUSE_REF"; then
    dir=$(mktemp -d)
    (cd "$dir" && CGO_ENABLED=0 GOFLAGS="" GO111MODULE=on "$GO" build -trimpath -ldflags "-s -w" -o pause \
        "$REPO/scripts/images/pause.go") || die "building pause failed"
    c=$("${B[@]}" from scratch)
    "${B[@]}" copy "$c" "$dir/pause" /pause >/dev/null
    "${B[@]}" config --entrypoint '["/pause"]' --cmd '' --user 65535:65535 "$c"
    "${B[@]}" commit -q "$c" "$PAUSE_REF" >/dev/null
    "${B[@]}" rm "$c" >/dev/null
    rm -rf "$dir"
    echo "$key" > "$CACHE/keys/pause"
    log "built ${PAUSE_REF}"
  fi
  import_image "$PAUSE_REF" "$key"
}

# ---------------------------------------------------------------- busybox
build_busybox() {
  local key bb c
  bb=$(command -v busybox || true)
  if [[ -z "$bb" ]] || ! file -b "$bb" 2>/dev/null | grep -q static; then
    [[ -x /bin/busybox ]] && file -b /bin/busybox 2>/dev/null | grep -q static && bb=/bin/busybox
  fi
  if [[ -z "$bb" ]]; then
    log "installing busybox-static (apt-get)"
    apt-get install -y -q busybox-static >&2 || die "could not install busybox-static"
    bb=/bin/busybox
  fi
  key=$(sha256sum "$bb" | cut -c1-16)
  if [[ "$(cat "$CACHE/keys/busybox" 2>/dev/null)" != "$key" ]] || ! image_exists "$BUSYBOX_REF"; then
    c=$("${B[@]}" from scratch)
    "${B[@]}" copy "$c" "$bb" /bin/busybox >/dev/null
    "${B[@]}" run --network none "$c" -- /bin/busybox --install -s /bin >&2
    "${B[@]}" config --cmd '["sh"]' --env PATH=/bin "$c"
    "${B[@]}" commit -q "$c" "$BUSYBOX_REF" >/dev/null
    "${B[@]}" rm "$c" >/dev/null
    echo "$key" > "$CACHE/keys/busybox"
    log "built ${BUSYBOX_REF}"
  fi
  import_image "$BUSYBOX_REF" "$key"
}

# ---------------------------------------------------------------- schemagate (the Dockerfile)
find_jar() {
  if [[ -n "$JAR" ]]; then
    [[ -f "$JAR" ]] || die "--jar ${JAR}: no such file"
    return 0
  fi
  JAR="$REPO/operator/target/schemagate-all.jar"
  if [[ -f "$JAR" ]] && [[ -z $(find "$REPO/operator/src/main" "$REPO/operator/pom.xml" "$REPO/pom.xml" \
        "$REPO/crds" -newer "$JAR" -type f -print -quit) ]]; then
    return 0
  fi
  local t0; t0=$(date +%s)
  log "building ${JAR} with Maven (mvn -pl operator -am package -DskipTests)"
  (cd "$REPO" && nice -n 10 mvn -B -q -pl operator -am package -DskipTests >&2) || die "the Maven build failed"
  log "jar built in $(elapsed "$t0")"
}

build_schemagate() {
  local key jar_key jar_ref c t0
  derived_base "$JRE_REF" openjdk-17-jre-headless
  find_jar
  jar_key=$(sha256sum "$JAR" | cut -c1-16)
  jar_ref="localhost/schemagate-build/jar:${jar_key}"
  if ! image_exists "$jar_ref"; then
    c=$("${B[@]}" from scratch)
    "${B[@]}" copy "$c" "$JAR" /src/operator/target/schemagate-all.jar >/dev/null
    "${B[@]}" commit -q "$c" "$jar_ref" >/dev/null
    "${B[@]}" rm "$c" >/dev/null
  fi
  key=$( { cat "$REPO/Dockerfile" "$REPO/scripts/gate-cds-archive.sh" "$REPO/scripts/gate-classes.lst";
           echo "$jar_key"; image_id "$JRE_REF"; } | sha256sum | cut -c1-16)
  if [[ "$(cat "$CACHE/keys/schemagate" 2>/dev/null)" != "$key" ]] || ! image_exists "$SCHEMAGATE_REF"; then
    t0=$(date +%s)
    log "buildah bud ${REPO}/Dockerfile (JRE_IMAGE=${JRE_REF}, JAR_SOURCE=${jar_ref})"
    "${B[@]}" bud --pull=never --network host --layers=false \
        --build-arg "JRE_IMAGE=${JRE_REF}" --build-arg "JAR_SOURCE=${jar_ref}" \
        -f "$REPO/Dockerfile" -t "$SCHEMAGATE_REF" "$REPO" >"$CACHE/schemagate-build.log" 2>&1 \
      || { tail -30 "$CACHE/schemagate-build.log" >&2; die "buildah bud failed (log: $CACHE/schemagate-build.log)"; }
    grep -h "gate-cds-archive:" "$CACHE/schemagate-build.log" >&2 || true
    echo "$key" > "$CACHE/keys/schemagate"
    log "built ${SCHEMAGATE_REF} in $(elapsed "$t0")"
  fi
  import_image "$SCHEMAGATE_REF" "$key"
}

# ---------------------------------------------------------------- prosaas (examples/prosaas/app)
build_prosaas() {
  local key app="$REPO/examples/prosaas/app" t0
  build_minbase
  key=$( { (cd "$app" && find . -type f ! -path '*/__pycache__/*' | LC_ALL=C sort | xargs sha256sum);
           image_id "$MINBASE_REF"; } | sha256sum | cut -c1-16)
  if [[ "$(cat "$CACHE/keys/prosaas" 2>/dev/null)" != "$key" ]] || ! image_exists "$PROSAAS_REF"; then
    t0=$(date +%s)
    log "buildah bud ${app}/Dockerfile (BASE_IMAGE=${MINBASE_REF})"
    # --layers: a change to the Python sources reuses the apt-get layer.
    "${B[@]}" bud --pull=never --network host --layers \
        --build-arg "BASE_IMAGE=${MINBASE_REF}" \
        -f "$app/Dockerfile" -t "$PROSAAS_REF" "$app" >"$CACHE/prosaas-build.log" 2>&1 \
      || { tail -30 "$CACHE/prosaas-build.log" >&2; die "buildah bud failed (log: $CACHE/prosaas-build.log)"; }
    echo "$key" > "$CACHE/keys/prosaas"
    log "built ${PROSAAS_REF} in $(elapsed "$t0")"
  fi
  import_image "$PROSAAS_REF" "$key"
}

T0=$(date +%s)
wants pause && build_pause
wants busybox && build_busybox
wants schemagate && build_schemagate
wants prosaas && build_prosaas
log "done in $(elapsed "$T0")"

#!/usr/bin/env bash
# A single-node Kubernetes cluster on this Linux machine, without Docker or kind: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler (built by scripts/kube-binaries.sh),
# Debian's containerd + runc + CNI plugins, kubelet, kube-proxy, and a host PostgreSQL and Redis
# that pods reach on the bridge address. See scripts/local-cluster.md.
#
#   scripts/local-cluster.sh up | down [--purge] | status | kubeconfig
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true

REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR="${SCHEMAGATE_CLUSTER_DIR:-/var/lib/schemagate-cluster}"   # kept between runs (pki, data, images)
RUN="${SCHEMAGATE_CLUSTER_RUN:-/run/schemagate-cluster}"       # sockets, pids, containerd state
BRIDGE=sg-cni0
HOST_IP=10.244.0.1            # the bridge address: API server, PostgreSQL and Redis listen here
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/24
SERVICE_IP=10.96.0.1
API_PORT=16443
ETCD_PORT=12379
ETCD_PEER_PORT=12380
PG_PORT=15432
REDIS_PORT=16379
NODE=localhost
CGROUP_PARENT=schemagate      # pods' cgroups: <controller>/schemagate/kubepods/...
PAUSE_IMAGE=localhost/schemagate/pause:3.10
CONTAINERD_SOCK="$RUN/containerd/containerd.sock"
PKI="$DIR/pki"
LOGS="$DIR/logs"
PIDS="$RUN/pids"
HOST_STATE="$DIR/host-state"   # what `up` changed on the host, restored by `down`
PG_USER=schemagate
PG_DB=schemagate
# Components in start order; `down` stops them in reverse.
COMPONENTS=(postgres redis etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)
# sysctls the kubelet sets (setupKernelTunables) and the bridge plugin (ip_forward): restored on down
SYSCTLS=(vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys
         kernel/keys/root_maxbytes net/ipv4/ip_forward)

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { printf '[local-cluster] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

usage() {
  cat <<EOF
Usage: scripts/local-cluster.sh up | down [--purge] | status | kubeconfig

  up          start everything (idempotent; after a crash, cleans up first); prints the status
  down        stop everything and undo the host changes (processes, mounts, iptables chains,
              bridge, cgroups, sysctls); keeps ${DIR} (certificates, PostgreSQL/Redis data,
              containerd's image store). --purge also deletes ${DIR}.
  status      what runs, the API server, and the URLs at which pods reach PostgreSQL and Redis
  kubeconfig  print the path of the admin kubeconfig

Needs root, cgroups, overlayfs, iptables; installs missing Debian packages with apt-get.
Binaries from scripts/kube-binaries.sh (built on first use), images from scripts/images.sh.
Environment: SCHEMAGATE_CLUSTER_DIR (default /var/lib/schemagate-cluster),
SCHEMAGATE_CLUSTER_RUN (default /run/schemagate-cluster).
EOF
}

# ---------------------------------------------------------------- processes
pidfile() { echo "$PIDS/$1.pid"; }
# running NAME: the recorded pid is alive and still runs that component.
running() {
  local pid; pid=$(cat "$(pidfile "$1")" 2>/dev/null) || return 1
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$(component_pattern "$1")"
}
component_pattern() {
  case "$1" in
    postgres) echo "postgres" ;;
    redis) echo "redis-server" ;;
    *) echo "$1" ;;
  esac
}

# start NAME CMD...: in its own session, logging to $LOGS/NAME.log.
start() {
  local name="$1"; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null 9>&- &   # 9: the lock of this script
  echo $! > "$(pidfile "$name")"
}

stop() {
  local name="$1" pid i
  pid=$(cat "$(pidfile "$name")" 2>/dev/null) || return 0
  if running "$name"; then
    # PostgreSQL: SIGINT is the fast shutdown (SIGTERM would wait for its clients)
    if [[ "$name" == postgres ]]; then kill -INT "$pid" 2>/dev/null || true; else kill -TERM "$pid" 2>/dev/null || true; fi
    for i in $(seq 1 100); do running "$name" || break; sleep 0.1; done
    if running "$name"; then log "$name (pid $pid) did not stop in 10 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  rm -f "$(pidfile "$name")"
}

# wait_for WHAT TIMEOUT_S CMD...: polls CMD every 0.2 s.
wait_for() {
  local what="$1" timeout="$2" t0; shift 2
  t0=$(now)
  while ! "$@" >/dev/null 2>&1; do
    if awk -v a="$t0" -v b="$(now)" -v t="$timeout" 'BEGIN { exit !(b - a > t) }'; then
      return 1
    fi
    sleep 0.2
  done
}

fail_with_log() {  # fail_with_log NAME MESSAGE
  log "last lines of $LOGS/$1.log:"
  tail -n 25 "$LOGS/$1.log" >&2 2>/dev/null || true
  die "$2 (run 'scripts/local-cluster.sh down' to clean up)"
}

# ---------------------------------------------------------------- preflight
BIN=""
preflight() {
  local missing=()
  [[ $(id -u) -eq 0 ]] || die "must run as root: it starts containerd and the kubelet, mounts, and changes iptables (you are $(id -un))"
  [[ "$(uname -s)" == Linux ]] || die "Linux only"
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    grep -qw memory /sys/fs/cgroup/cgroup.controllers || missing+=("the cgroup v2 memory controller")
    grep -qw cpu /sys/fs/cgroup/cgroup.controllers || missing+=("the cgroup v2 cpu controller")
  else
    local c
    for c in cpu cpuacct memory pids cpuset; do
      [[ -d /sys/fs/cgroup/$c ]] || missing+=("cgroup v1 controller '$c' (/sys/fs/cgroup/$c)")
    done
  fi
  if ! grep -qw overlay /proc/filesystems; then
    modprobe overlay 2>/dev/null || true
    grep -qw overlay /proc/filesystems || missing+=("overlayfs (not in /proc/filesystems; modprobe overlay failed)")
  fi
  [[ -e /dev/net/tun || -d /proc/sys/net/ipv4 ]] || missing+=("IPv4 networking")
  if [[ ${#missing[@]} -gt 0 ]]; then
    printf '[local-cluster] this machine cannot run the cluster; missing:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 2
  fi
}

install_packages() {
  local pkgs=()
  command -v containerd >/dev/null || pkgs+=(containerd)
  command -v runc >/dev/null || pkgs+=(runc)
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] || pkgs+=(containernetworking-plugins)
  command -v iptables >/dev/null || pkgs+=(iptables)
  command -v conntrack >/dev/null || pkgs+=(conntrack)
  command -v openssl >/dev/null || pkgs+=(openssl)
  command -v redis-server >/dev/null || pkgs+=(redis-server)
  command -v ip >/dev/null || pkgs+=(iproute2)
  command -v flock >/dev/null || pkgs+=(util-linux)
  [[ -n "$(pg_bindir 2>/dev/null)" ]] || pkgs+=(postgresql)
  [[ ${#pkgs[@]} -eq 0 ]] && return 0
  log "installing ${pkgs[*]} (apt-get)"
  { apt-get install -y -q "${pkgs[@]}" || { apt-get update -q && apt-get install -y -q "${pkgs[@]}"; }; } >&2 \
    || die "apt-get install ${pkgs[*]} failed"
}

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [[ -n "$d" && -x "$d/initdb" ]] && echo "$d"
}

# ---------------------------------------------------------------- host state
record_host_state() {
  # Written once; after a crash the file of the first `up` still holds the original values.
  [[ -f "$HOST_STATE" ]] && return 0
  local s
  {
    for s in "${SYSCTLS[@]}"; do echo "sysctl $s $(cat "/proc/sys/$s" 2>/dev/null || echo -)"; done
    for s in /var/lib/kubelet /var/log/containers /var/log/pods /var/run/netns /etc/cni /opt/cni /var/lib/cni; do
      if [[ -e "$s" ]]; then echo "existed $s"; else echo "absent $s"; fi
    done
  } > "$HOST_STATE.tmp"
  mv "$HOST_STATE.tmp" "$HOST_STATE"
}

restore_host_state() {
  [[ -f "$HOST_STATE" ]] || return 0
  local kind a b
  while read -r kind a b; do
    case "$kind" in
      sysctl)
        [[ "$b" == "-" ]] && continue
        if [[ "$(cat "/proc/sys/$a" 2>/dev/null)" != "$b" ]]; then
          echo "$b" > "/proc/sys/$a" 2>/dev/null && log "restored sysctl ${a//\//.} = $b" || log "could not restore sysctl ${a//\//.} to $b"
        fi ;;
      absent)
        # Created by the kubelet or containerd during this run (e.g. /var/lib/kubelet/device-plugins).
        if [[ -e "$a" ]]; then rm -rf "$a" && log "removed $a (made during this run)"; fi ;;
    esac
  done < "$HOST_STATE"
  rm -f "$HOST_STATE"
}

# ---------------------------------------------------------------- certificates
# sign NAME SUBJECT EXT_USAGE [SANS]: key + certificate signed by the cluster CA.
sign() {
  local name="$1" subj="$2" usage="$3" sans="${4:-}"
  [[ -s "$PKI/$name.crt" ]] && return 0
  openssl req -newkey rsa:2048 -nodes -subj "$subj" -keyout "$PKI/$name.key" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [[ -n "$sans" ]] && echo "subjectAltName=$sans"
  } > "$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

kubeconfig_for() {  # kubeconfig_for NAME (uses $PKI/NAME.crt/.key)
  cat > "$DIR/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://${HOST_IP}:${API_PORT}
    certificate-authority: ${PKI}/ca.crt
users:
- name: $1
  user:
    client-certificate: ${PKI}/$1.crt
    client-key: ${PKI}/$1.key
contexts:
- name: local
  context: {cluster: local, user: $1}
current-context: local
EOF
  chmod 0600 "$DIR/$1.kubeconfig"
}

make_pki() {
  mkdir -p "$PKI"; chmod 0700 "$PKI"
  if [[ ! -s "$PKI/ca.crt" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=schemagate-local-cluster-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
  fi
  sign apiserver "/CN=kube-apiserver" serverAuth \
    "IP:${HOST_IP},IP:127.0.0.1,IP:${SERVICE_IP},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  sign kubelet "/CN=${NODE}" serverAuth "DNS:${NODE},IP:127.0.0.1,IP:${HOST_IP}"
  sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  sign admin "/O=system:masters/CN=admin" clientAuth
  sign node "/O=system:nodes/CN=system:node:${NODE}" clientAuth
  sign controller-manager "/CN=system:kube-controller-manager" clientAuth
  sign scheduler "/CN=system:kube-scheduler" clientAuth
  sign proxy "/CN=system:kube-proxy" clientAuth
  [[ -s "$PKI/sa.key" ]] || { openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null; openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null; }
  kubeconfig_for admin
  kubeconfig_for node
  kubeconfig_for controller-manager
  kubeconfig_for scheduler
  kubeconfig_for proxy
}

secret() {  # secret NAME: a random password kept in $DIR/secrets/NAME
  mkdir -p "$DIR/secrets"; chmod 0700 "$DIR/secrets"
  [[ -s "$DIR/secrets/$1" ]] || openssl rand -hex 16 > "$DIR/secrets/$1"
  cat "$DIR/secrets/$1"
}

# ---------------------------------------------------------------- network
make_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  ip addr show dev "$BRIDGE" | grep -q "inet ${HOST_IP}/" || ip addr add "${HOST_IP}/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  mkdir -p "$DIR/cni/net.d" "$DIR/cni/ipam"
  cat > "$DIR/cni/net.d/10-schemagate.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "schemagate",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "${BRIDGE}",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "${DIR}/cni/ipam",
        "ranges": [[{"subnet": "${POD_CIDR}", "gateway": "${HOST_IP}", "rangeStart": "10.244.0.10"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
EOF
}

# ---------------------------------------------------------------- PostgreSQL, Redis
start_postgres() {
  local bindir pw
  bindir=$(pg_bindir) || die "no PostgreSQL server binaries (apt-get install postgresql)"
  pw=$(secret postgres-password)
  mkdir -p "$RUN/postgres"; chown postgres:postgres "$RUN/postgres"
  if [[ ! -s "$DIR/postgres/PG_VERSION" ]]; then
    mkdir -p "$DIR/postgres"; chown postgres:postgres "$DIR/postgres"; chmod 0700 "$DIR/postgres"
    printf '%s\n' "$pw" > "$RUN/postgres/pwfile"; chown postgres "$RUN/postgres/pwfile"
    runuser -u postgres -- "$bindir/initdb" -D "$DIR/postgres" -U "$PG_USER" --pwfile="$RUN/postgres/pwfile" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$LOGS/postgres-initdb.log" 2>&1 \
      || { rm -f "$RUN/postgres/pwfile"; fail_with_log postgres-initdb "initdb failed"; }
    rm -f "$RUN/postgres/pwfile"
    echo "host all all ${POD_CIDR} scram-sha-256" >> "$DIR/postgres/pg_hba.conf"
  fi
  # setpriv execs (runuser would fork): the recorded pid is the postmaster itself.
  start postgres setpriv --reuid=postgres --regid=postgres --init-groups -- "$bindir/postgres" -D "$DIR/postgres" -p "$PG_PORT" \
    -c "listen_addresses=127.0.0.1,${HOST_IP}" -c "unix_socket_directories=$RUN/postgres" \
    -c max_connections=100 -c fsync=off
  wait_for "PostgreSQL" 30 bash -c "exec 3<>/dev/tcp/${HOST_IP}/${PG_PORT}" || fail_with_log postgres "PostgreSQL did not listen on ${HOST_IP}:${PG_PORT}"
  if ! PGPASSWORD="$pw" psql -h "$HOST_IP" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
      "select 1 from pg_database where datname='${PG_DB}'" 2>/dev/null | grep -q 1; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      PGPASSWORD="$pw" psql -h "$HOST_IP" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "create database ${PG_DB}" >/dev/null 2>&1 && break
      sleep 0.3
    done
  fi
}

start_redis() {
  local pw; pw=$(secret redis-password)
  mkdir -p "$DIR/redis"; chmod 0700 "$DIR/redis"
  printf 'port %s\nbind 127.0.0.1 %s\ndir %s\nrequirepass %s\nsave ""\nappendonly no\ndaemonize no\nprotected-mode yes\n' \
    "$REDIS_PORT" "$HOST_IP" "$DIR/redis" "$pw" > "$DIR/redis/redis.conf"
  chmod 0600 "$DIR/redis/redis.conf"
  start redis redis-server "$DIR/redis/redis.conf"
  wait_for "Redis" 15 bash -c "exec 3<>/dev/tcp/${HOST_IP}/${REDIS_PORT}" || fail_with_log redis "Redis did not listen on ${HOST_IP}:${REDIS_PORT}"
}

# ---------------------------------------------------------------- control plane
start_control_plane() {
  local t0
  start etcd "$BIN/etcd" --name=default --data-dir="$DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:${ETCD_PORT}" --advertise-client-urls="http://127.0.0.1:${ETCD_PORT}" \
    --listen-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" --initial-advertise-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-cluster="default=http://127.0.0.1:${ETCD_PEER_PORT}" --listen-metrics-urls="" \
    --unsafe-no-fsync=true --log-level=warn
  wait_for etcd 30 bash -c "curl -fsS http://127.0.0.1:${ETCD_PORT}/health | grep -q '\"health\":\"true\"'" \
    || fail_with_log etcd "etcd did not become healthy"
  t0=$(now)
  start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:${ETCD_PORT}" \
    --bind-address="${HOST_IP}" --secure-port="${API_PORT}" --advertise-address="${HOST_IP}" \
    --cert-dir="$DIR/apiserver-certs" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --authorization-mode=Node,RBAC \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" \
    --kubelet-preferred-address-types=Hostname,InternalIP \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range="${SERVICE_CIDR}" \
    --allow-privileged=true
  wait_for kube-apiserver 90 bash -c "curl -fsS --cacert '$PKI/ca.crt' https://${HOST_IP}:${API_PORT}/readyz | grep -qx ok" \
    || fail_with_log kube-apiserver "kube-apiserver not ready in 90 s"
  log "kube-apiserver ready in $(since "$t0")"
  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$DIR/controller-manager.kubeconfig" --authorization-kubeconfig="$DIR/controller-manager.kubeconfig" \
    --flex-volume-plugin-dir="$DIR/kcm-flexvolume" --secure-port=0 --leader-elect=false \
    --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range="${SERVICE_CIDR}" --controllers='*'
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig="$DIR/scheduler.kubeconfig" --authorization-kubeconfig="$DIR/scheduler.kubeconfig" \
    --secure-port=0 --leader-elect=false
}

# ---------------------------------------------------------------- node
start_containerd() {
  mkdir -p "$DIR/containerd" "$RUN/containerd"
  cat > "$DIR/containerd.toml" <<EOF
version = 2
root = "${DIR}/containerd"
state = "${RUN}/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "${CONTAINERD_SOCK}"

[ttrpc]
  address = "${CONTAINERD_SOCK}.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "${DIR}/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # The VM lacks CAP_SYS_RESOURCE: without this every sandbox fails with
  # "nsexec: failed to update /proc/self/oom_score_adj: Permission denied".
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${DIR}/cni/net.d"
EOF
  start containerd containerd --config "$DIR/containerd.toml"
  wait_for containerd 30 ctr --address "$CONTAINERD_SOCK" version || fail_with_log containerd "containerd did not answer on ${CONTAINERD_SOCK}"
}

# cgroup_dirs: the parent cgroup of the pods under every mounted controller (cgroup v1), or the
# one cgroup v2 directory.
cgroup_dirs() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    echo "/sys/fs/cgroup/${CGROUP_PARENT}"
  else
    local d
    for d in /sys/fs/cgroup/*/; do
      [[ -L "${d%/}" ]] && continue
      [[ -f "${d}cgroup.procs" ]] || continue
      echo "${d}${CGROUP_PARENT}"
    done
  fi
}

start_kubelet() {
  local d
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    mkdir -p "/sys/fs/cgroup/${CGROUP_PARENT}"
    echo "+cpu +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
  else
    for d in $(cgroup_dirs); do mkdir -p "$d"; done
    # cpuset children start empty: copy the parent's cpus and mems.
    if [[ -d /sys/fs/cgroup/cpuset/${CGROUP_PARENT} ]]; then
      cat /sys/fs/cgroup/cpuset/cpuset.cpus > "/sys/fs/cgroup/cpuset/${CGROUP_PARENT}/cpuset.cpus"
      cat /sys/fs/cgroup/cpuset/cpuset.mems > "/sys/fs/cgroup/cpuset/${CGROUP_PARENT}/cpuset.mems"
    fi
  fi
  mkdir -p "$DIR/kubelet" "$DIR/pod-logs"
  cat > "$DIR/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
containerRuntimeEndpoint: unix://${CONTAINERD_SOCK}
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: ${PKI}/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: ${PKI}/kubelet.crt
tlsPrivateKeyFile: ${PKI}/kubelet.key
cgroupDriver: cgroupfs
cgroupRoot: /${CGROUP_PARENT}
failSwapOn: false
failCgroupV1: false
podLogsDir: ${DIR}/pod-logs
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
serializeImagePulls: false
EOF
  start kubelet "$BIN/kubelet" --config="$DIR/kubelet-config.yaml" --kubeconfig="$DIR/node.kubeconfig" \
    --root-dir="$DIR/kubelet" --hostname-override="$NODE" --node-ip="$HOST_IP" --v=1
}

start_kube_proxy() {
  cat > "$DIR/kube-proxy-config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: ${DIR}/proxy.kubeconfig}
hostnameOverride: ${NODE}
mode: iptables
clusterCIDR: ${POD_CIDR}
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Pods on one bridge: without br_netfilter the reply of a Service backend would bypass the DNAT.
iptables: {masqueradeAll: true, localhostNodePorts: false}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  start kube-proxy "$BIN/kube-proxy" --config="$DIR/kube-proxy-config.yaml"
}

kubectl_admin() { "$BIN/kubectl" --kubeconfig "$DIR/admin.kubeconfig" "$@"; }

# ---------------------------------------------------------------- cleanup (down)
umount_under() {  # unmounts every mount point below the given directories, deepest first
  local p m
  for p in "$@"; do
    [[ -n "$p" ]] || continue
    awk -v p="$p" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r | uniq | while read -r m; do
      m=$(printf '%b' "$m")   # mountinfo escapes spaces as \040
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
    done
  done
}

remove_iptables_chains() {  # the KUBE-* chains of the kubelet and kube-proxy, in iptables and ip6tables
  local ipt table chain rule
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    for table in filter nat mangle raw; do
      "$ipt" -t "$table" -S >/dev/null 2>&1 || continue
      # rules in any chain that jump to a KUBE-* chain, then the KUBE-* chains
      { "$ipt" -t "$table" -S | grep -E '^-A [A-Z0-9_-]+ .*-j KUBE-' | grep -vE '^-A KUBE-' || true; } | sed 's/^-A /-D /' |
        while read -r rule; do eval "$ipt -t $table $rule" 2>/dev/null || true; done
      for chain in $("$ipt" -t "$table" -S | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }'); do
        "$ipt" -t "$table" -F "$chain" 2>/dev/null || true
      done
      for chain in $("$ipt" -t "$table" -S | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }'); do
        "$ipt" -t "$table" -X "$chain" 2>/dev/null || log "could not delete $ipt chain $table/$chain"
      done
    done
  done
}

remove_cgroups() {
  local d sub
  for d in $(cgroup_dirs); do
    [[ -d "$d" ]] || continue
    # Move any straggler out, then remove bottom-up.
    find "$d" -depth -type d | while read -r sub; do
      if [[ -s "$sub/cgroup.procs" ]]; then
        while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done < "$sub/cgroup.procs"
        sleep 0.2
      fi
      rmdir "$sub" 2>/dev/null || true
    done
    [[ -d "$d" ]] && log "could not remove cgroup $d"
  done
  return 0
}

shims() {  # pids of the containerd shims of this cluster's containerd (matched by its socket path)
  pgrep -f "containerd-shim.* -address ${CONTAINERD_SOCK}( |\$)" || true
}

down() {
  local t0 c n ctr=(ctr --address "$CONTAINERD_SOCK" --namespace k8s.io)
  t0=$(now)
  mkdir -p "$PIDS" "$LOGS"
  [[ -n "$BIN" ]] || BIN=$(bash "$REPO/scripts/kube-binaries.sh" --print-dir 2>/dev/null || true)
  # 1. No controller recreates pods; the kubelet tears down the pods it runs (CNI DEL, unmounts).
  stop kube-controller-manager
  stop kube-scheduler
  if running kubelet && running kube-apiserver && running containerd; then
    if kubectl_admin delete pods --all --all-namespaces --grace-period=1 --wait=false >/dev/null 2>&1; then
      for _ in $(seq 1 75); do
        n=$("${ctr[@]}" tasks ls -q 2>/dev/null | wc -l)
        [[ "$n" -eq 0 ]] && break
        sleep 0.2
      done
    fi
  fi
  stop kubelet
  stop kube-proxy
  [[ -x "$BIN/kube-proxy" ]] && "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  # 2. What the kubelet left: tasks and containers, straight through containerd.
  if running containerd; then
    for c in $("${ctr[@]}" tasks ls -q 2>/dev/null); do
      "${ctr[@]}" tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true
    done
    sleep 0.3
    for c in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks delete -f "$c" >/dev/null 2>&1 || true; done
    for c in $("${ctr[@]}" containers ls -q 2>/dev/null); do "${ctr[@]}" containers delete "$c" >/dev/null 2>&1 || true; done
  fi
  stop containerd
  for c in $(shims); do kill -KILL "$c" 2>/dev/null || true; done
  stop kube-apiserver
  stop etcd
  stop redis
  stop postgres
  # A postmaster that outlived its pid file (e.g. a crash of this script): its own pid file.
  c=$(head -n1 "$DIR/postgres/postmaster.pid" 2>/dev/null || true)
  if [[ -n "$c" ]] && tr '\0' ' ' < "/proc/$c/cmdline" 2>/dev/null | grep -q -- "-D $DIR/postgres "; then
    kill -INT "$c" 2>/dev/null || true
    for _ in $(seq 1 50); do [[ -d /proc/$c ]] || break; sleep 0.2; done
  fi
  # 3. Host state.
  umount_under "$RUN" "$DIR"
  remove_iptables_chains
  ip link show "$BRIDGE" >/dev/null 2>&1 && { ip link del "$BRIDGE" || log "could not delete the bridge $BRIDGE"; }
  # veths left by killed sandboxes go with their network namespaces; list any that remain
  if ip -o link show master "$BRIDGE" 2>/dev/null | grep -q .; then log "interfaces still on $BRIDGE"; fi
  remove_cgroups
  restore_host_state
  # 4. Per-run state (fresh cluster on the next `up`); kept: pki, secrets, PostgreSQL/Redis data,
  # containerd's content store and images.
  rm -rf "$RUN" "$DIR/etcd" "$DIR/kubelet" "$DIR/pod-logs" "$DIR/cni/ipam" "$DIR/apiserver-certs" "$DIR/kcm-flexvolume"
  if [[ -d "$DIR/containerd" ]]; then
    # Snapshots of containers that were removed are garbage-collected by containerd itself; the
    # overlay mounts are gone. Nothing else to do here.
    :
  fi
  log "down in $(since "$t0")"
}

# ---------------------------------------------------------------- status
status() {
  local name any=0 pw
  for name in "${COMPONENTS[@]}"; do
    if running "$name"; then printf '%-24s running (pid %s)\n' "$name" "$(cat "$(pidfile "$name")")"; any=1
    else printf '%-24s stopped\n' "$name"; fi
  done
  if [[ $any -eq 0 ]]; then echo "cluster: down"; return 3; fi
  echo "api server:              https://${HOST_IP}:${API_PORT}"
  echo "admin kubeconfig:        $DIR/admin.kubeconfig"
  echo "containerd socket:       ${CONTAINERD_SOCK} (namespace k8s.io)"
  if [[ -n "$BIN" && -x "$BIN/kubectl" ]] && running kube-apiserver; then
    echo "node:                    $(kubectl_admin get node "$NODE" --no-headers 2>/dev/null | awk '{print $1 " " $2}' || echo '?')"
  fi
  echo "PostgreSQL (from pods):  postgresql://${PG_USER}:***@${HOST_IP}:${PG_PORT}/${PG_DB}"
  echo "Redis (from pods):       redis://:***@${HOST_IP}:${REDIS_PORT}/0"
  echo "passwords:               $DIR/secrets/postgres-password, $DIR/secrets/redis-password"
  echo "logs:                    $LOGS/"
}

# ---------------------------------------------------------------- up
up() {
  local t_all t0 name all=1
  t_all=$(now)
  preflight
  install_packages
  BIN=$(bash "$REPO/scripts/kube-binaries.sh") || die "scripts/kube-binaries.sh failed"
  mkdir -p "$DIR" "$RUN" "$PIDS" "$LOGS"
  chmod 0711 "$DIR"   # postgres (its own user) reaches its data dir; pki/ and secrets/ are 0700
  for name in "${COMPONENTS[@]}"; do running "$name" || all=0; done
  if [[ $all -eq 1 ]] && kubectl_admin get --raw /readyz >/dev/null 2>&1; then
    log "already up"
    status
    return 0
  fi
  if [[ -f "$HOST_STATE" ]] || ls "$PIDS"/*.pid >/dev/null 2>&1 || ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "cleaning up what a previous run left"
    down
    mkdir -p "$DIR" "$RUN" "$PIDS" "$LOGS"
  fi
  record_host_state
  t0=$(now); make_pki; log "certificates in $(since "$t0")"
  make_bridge
  t0=$(now); start_postgres; start_redis; log "PostgreSQL and Redis in $(since "$t0")"
  t0=$(now); start_control_plane; log "control plane in $(since "$t0")"
  t0=$(now); start_containerd
  SCHEMAGATE_CONTAINERD_ADDRESS="$CONTAINERD_SOCK" bash "$REPO/scripts/images.sh" pause >/dev/null \
    || die "importing the pause image failed (scripts/images.sh pause)"
  log "containerd + pause image in $(since "$t0")"
  t0=$(now); start_kubelet
  wait_for "node Ready" 90 bash -c "'$BIN/kubectl' --kubeconfig '$DIR/admin.kubeconfig' get node '$NODE' -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True" \
    || fail_with_log kubelet "node ${NODE} not Ready within 90 s"
  log "kubelet: node Ready in $(since "$t0")"
  start_kube_proxy
  # Pods are refused until the namespace's default ServiceAccount exists.
  wait_for "default ServiceAccount" 30 kubectl_admin -n default get serviceaccount default \
    || fail_with_log kube-controller-manager "no default ServiceAccount within 30 s"
  log "up in $(since "$t_all")"
  status
}

# ---------------------------------------------------------------- main
cmd="${1:-}"; shift || true
case "$cmd" in
  up)
    preflight   # before the lock: a user who is not root gets the explanation, not EACCES
    exec 9>"/run/schemagate-cluster.lock"; flock 9
    up ;;
  down)
    [[ $(id -u) -eq 0 ]] || die "must run as root"
    exec 9>"/run/schemagate-cluster.lock"; flock 9
    down
    if [[ "${1:-}" == "--purge" ]]; then rm -rf "$DIR"; log "deleted $DIR"; fi ;;
  status)
    BIN=$(bash "$REPO/scripts/kube-binaries.sh" --print-dir 2>/dev/null || true)
    status ;;
  kubeconfig)
    [[ -f "$DIR/admin.kubeconfig" ]] || die "no admin kubeconfig yet: run 'scripts/local-cluster.sh up'"
    echo "$DIR/admin.kubeconfig" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac

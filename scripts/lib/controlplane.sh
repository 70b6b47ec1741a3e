# The testbed's Kubernetes control plane: etcd, kube-apiserver, kube-scheduler and
# kube-controller-manager as plain processes on 127.0.0.1. Sourced by scripts/testbed.
#
# No registry serves Kubernetes server binaries, so they are built once from Debian's source
# package (bookworm's 1.20 line) with Debian's Go, and cached outside the checkout.

VKS_CACHE_DIR="${VKS_CACHE_DIR:-/var/cache/vks-testbed}"
K8S_BIN_DIR="$VKS_CACHE_DIR/kubernetes/bin"
K8S_BINARIES=(kube-apiserver kube-scheduler kube-controller-manager)
# Names how the binaries are built; a cache made by another recipe is rebuilt.
K8S_BUILD_RECIPE="debian-1.20-source+reflect2-1.0.2"

control_plane_cached() {
  local b
  for b in "${K8S_BINARIES[@]}"; do [ -x "$K8S_BIN_DIR/$b" ] || return 1; done
  [ "$(cat "$K8S_BIN_DIR/RECIPE" 2>/dev/null)" = "$K8S_BUILD_RECIPE" ]
}

# The Debian archive this host already uses, so no mirror is hard-coded here.
debian_archive_uri() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822 stanzas: the first one whose Suites name plain "bookworm" (not -security/-updates).
    uri=$(awk 'BEGIN{RS=""; FS="\n"}
      { u=""; s="";
        for (i=1;i<=NF;i++) { if ($i ~ /^URIs:/) u=$i; if ($i ~ /^Suites:/) s=$i }
        if (s ~ /(^|[ \t])bookworm([ \t]|$)/) { sub(/^URIs:[ \t]*/, "", u); split(u, a, /[ \t]+/); print a[1]; exit } }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk '$1 ~ /^deb/ && $3 == "bookworm" { for (i=2;i<=NF;i++) if ($i !~ /^\[/) { print $i; exit } }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  return 1
}

build_control_plane() {
  if control_plane_cached; then
    log "control plane binaries cached in $K8S_BIN_DIR"
    return 0
  fi
  [ -d "$K8S_BIN_DIR" ] && log "cached control plane binaries are from another build recipe; rebuilding"
  local uri work started
  uri=$(debian_archive_uri) || die "cannot find a Debian bookworm archive in the host's apt sources"
  work="$VKS_CACHE_DIR/build"
  rm -rf "$work"
  mkdir -p "$work/lists/partial"
  started=$(date +%s)
  log "fetching Debian's kubernetes source package (once; later runs use the cache)"
  # A private sources list and list dir: the host's apt configuration stays untouched.
  printf 'deb-src %s bookworm main\ndeb %s bookworm main\n' "$uri" "$uri" >"$work/sources.list"
  local apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
                  -o "Dir::State::Lists=$work/lists" -o "APT::Sandbox::User=root")
  (cd "$work" && apt-get "${apt_opts[@]}" update -qq && apt-get "${apt_opts[@]}" source --download-only kubernetes &&
    apt-get "${apt_opts[@]}" download golang-github-modern-go-reflect2-dev) \
    >"$work/fetch.log" 2>&1 || { tail -20 "$work/fetch.log" >&2; die "fetching the kubernetes source package failed"; }
  (cd "$work" && dpkg-source -x kubernetes_*.dsc src && dpkg-deb -x golang-github-modern-go-reflect2-dev_*.deb reflect2) \
    >"$work/unpack.log" 2>&1 || { tail -20 "$work/unpack.log" >&2; die "unpacking the kubernetes sources failed"; }
  # The vendored reflect2 1.0.1 breaks under Go >= 1.18: every JSON request body holding a map (a Node,
  # a Lease, an Event, labels) and every pretty-printed response crashes in the apiserver. kubectl
  # speaks protobuf and never notices; vks (KubernetesClient) speaks JSON. Debian's 1.0.2 fixes it.
  rm -rf "$work/src/vendor/github.com/modern-go/reflect2"
  cp -r "$work/reflect2/usr/share/gocode/src/github.com/modern-go/reflect2" "$work/src/vendor/github.com/modern-go/reflect2"
  rm -f "$work/src/vendor/github.com/modern-go/reflect2/"*_test.go
  mkdir -p "$work/src/.go/src/k8s.io"
  ln -sfn "$work/src" "$work/src/.go/src/k8s.io/kubernetes"
  log "building ${K8S_BINARIES[*]} (about 6 minutes on 2 cores; log: $work/build.log)"
  (cd "$work/src/.go/src/k8s.io/kubernetes" &&
    GOPATH="$work/src/.go" GOCACHE="$work/gocache" CGO_ENABLED=0 \
      make WHAT="cmd/kube-apiserver cmd/kube-scheduler cmd/kube-controller-manager") >"$work/build.log" 2>&1 \
    || { tail -30 "$work/build.log" >&2; die "building the control plane failed"; }
  mkdir -p "$K8S_BIN_DIR.new"
  local b
  for b in "${K8S_BINARIES[@]}"; do install -m 0755 "$work/src/_output/bin/$b" "$K8S_BIN_DIR.new/$b"; done
  basename "$work"/kubernetes_*.dsc .dsc >"$K8S_BIN_DIR.new/SOURCE"
  echo "$K8S_BUILD_RECIPE" >"$K8S_BIN_DIR.new/RECIPE"
  rm -rf "$K8S_BIN_DIR" && mv "$K8S_BIN_DIR.new" "$K8S_BIN_DIR"
  rm -rf "$work"
  log "control plane built in $(( $(date +%s) - started )) s: $(cat "$K8S_BIN_DIR/SOURCE")"
}

# --- PKI -------------------------------------------------------------------------------------

pki_key() { openssl genrsa -out "$1" 2048 2>/dev/null && chmod 600 "$1"; }

# pki_cert NAME SUBJECT EXTENSIONS: a key and a CA-signed certificate in $PKI.
pki_cert() {
  local name=$1 subject=$2 ext=$3
  pki_key "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  printf '%b\n' "$ext" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null \
    || die "signing the $name certificate failed"
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

generate_pki() {
  local node=$1
  mkdir -p "$PKI" && chmod 700 "$PKI"
  pki_key "$PKI/ca.key"
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=vks-testbed-ca-$node" -days 3650 -sha256 \
    -out "$PKI/ca.crt" 2>/dev/null || die "creating the testbed CA failed"
  local client='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
  local server='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth'
  pki_cert apiserver "/CN=kube-apiserver" \
    "$server\nsubjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  pki_cert admin "/O=system:masters/CN=admin" "$client"
  pki_cert node "/O=system:nodes/CN=system:node:$node" "$client"
  pki_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  pki_cert scheduler "/CN=system:kube-scheduler" "$client"
  pki_cert controller-manager "/CN=system:kube-controller-manager" "$client"
  pki_key "$PKI/sa.key"
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
}

# write_kubeconfig FILE USER: a self-contained kubeconfig (certificates embedded) for $PKI/USER.*
write_kubeconfig() {
  local file=$1 user=$2
  ( umask 077
    cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: testbed
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$user.crt")
    client-key-data: $(base64 -w0 "$PKI/$user.key")
contexts:
- name: testbed
  context:
    cluster: testbed
    user: $user
current-context: testbed
EOF
  )
}

# --- processes -------------------------------------------------------------------------------

# free_port: an unused TCP port on 127.0.0.1 that this testbed has not taken yet.
free_port() {
  local port used
  used=$(ss -Htan | awk '{ n=split($4, a, ":"); print a[n] }')
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 12000 ))
    grep -qx "$port" <<<"$used" && continue
    grep -q "_PORT=$port\$" "$STATE/state.env" 2>/dev/null && continue
    echo "$port"
    return 0
  done
  die "no free port found on 127.0.0.1"
}

# spawn NAME CMD...: start CMD in its own session, log to $STATE/logs/NAME.log, record its pid.
spawn() {
  local name=$1; shift
  setsid "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null 9>&- &
  record "${name//-/_}_PID" $!
}

start_control_plane() {
  local node=$1
  local etcd_port etcd_peer_port
  etcd_port=$(free_port); record ETCD_PORT "$etcd_port"
  etcd_peer_port=$(free_port); record ETCD_PEER_PORT "$etcd_peer_port"
  API_PORT=$(free_port); record API_PORT "$API_PORT"
  record SCHEDULER_PORT "$(free_port)"
  record CONTROLLER_MANAGER_PORT "$(free_port)"

  generate_pki "$node"
  write_kubeconfig "$STATE/admin.kubeconfig" admin
  write_kubeconfig "$STATE/node.kubeconfig" node
  write_kubeconfig "$STATE/scheduler.kubeconfig" scheduler
  write_kubeconfig "$STATE/controller-manager.kubeconfig" controller-manager
  install -m 0600 "$STATE/admin.kubeconfig" "$STATE/node.kubeconfig" "$STATE/share/"

  # etcd keeps its data on the testbed's tmpfs: fast, and gone with the testbed.
  spawn etcd etcd --name testbed --data-dir "$STATE/tmpfs/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "testbed=http://127.0.0.1:$etcd_peer_port" --logger zap --log-level warn

  # --endpoint-reconciler-type=none: the apiserver advertises 127.0.0.1, which an Endpoints
  # object may not hold; without this it logs that error every few seconds.
  spawn kube-apiserver "$K8S_BIN_DIR/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" --insecure-port 0 \
    --endpoint-reconciler-type none \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP,Hostname \
    --service-cluster-ip-range 10.0.0.0/24 \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key"
}

# The scheduler and the controller-manager exit if they start before the apiserver has created
# its bootstrap RBAC roles, so they start only once /readyz says so.
start_controllers() {
  spawn kube-scheduler "$K8S_BIN_DIR/kube-scheduler" \
    --kubeconfig "$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig "$STATE/scheduler.kubeconfig" --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$(state_get SCHEDULER_PORT)" --port 0 --leader-elect=false

  # --use-service-account-credentials: each controller gets its own RBAC identity (otherwise
  # RBAC denies them). nodeipam is off: there is no pod network to carve up.
  spawn kube-controller-manager "$K8S_BIN_DIR/kube-controller-manager" \
    --kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$(state_get CONTROLLER_MANAGER_PORT)" --port 0 --leader-elect=false \
    --use-service-account-credentials=true --controllers '*,-nodeipam' \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key"
}

wait_apiserver_ready() {
  local deadline=$(( $(date +%s) + 120 )) pid
  until kubectl --kubeconfig "$STATE/admin.kubeconfig" get --raw /readyz >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { tail -20 "$STATE/logs/kube-apiserver.log" >&2; die "kube-apiserver did not become ready"; }
    for pid in "$(state_get etcd_PID)" "$(state_get kube_apiserver_PID)"; do
      kill -0 "$pid" 2>/dev/null || die "etcd or kube-apiserver died; see $STATE/logs/"
    done
    sleep 0.3
  done
}

wait_controllers_ready() {
  local deadline=$(( $(date +%s) + 120 ))
  # Pods need the default ServiceAccount; the controller-manager creates it shortly after start.
  until kubectl --kubeconfig "$STATE/admin.kubeconfig" -n default get serviceaccount default >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "the default ServiceAccount never appeared; see $STATE/logs/kube-controller-manager.log"
    control_plane_alive || die "a control plane process died; see $STATE/logs/"
    sleep 0.5
  done
}

control_plane_alive() {
  local v pid
  for v in etcd_PID kube_apiserver_PID kube_scheduler_PID kube_controller_manager_PID; do
    pid=$(state_get "$v")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  done
}

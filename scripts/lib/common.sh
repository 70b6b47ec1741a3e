# Shared shell helpers for scripts/test, scripts/demo and scripts/testbed.
# Sourced, never executed. Every install step of the project lives here, so a fresh machine
# needs nothing but this checkout.

VKS_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Host packages the build, the tests and the testbed need. kubectl is not here: it is on every
# machine of our kind already and no Debian suite we use ships it.
VKS_HOST_PACKAGES=(
  systemd-container   # systemd-nspawn boots the throwaway systemd machine
  etcd-server         # the control plane's store
  golang-go           # builds kube-apiserver & co from Debian's source package
  rsync               # needed by the Kubernetes build
  dpkg-dev            # dpkg-source unpacks the Kubernetes source package
  openssl             # the testbed PKI
  dbus                # dbus-daemon for the D-Bus client tests
  iproute2            # ss, to find free loopback ports
  procps              # pgrep, pkill
  util-linux          # nsenter, setpriv, mount
)

log() { printf '%s: %s\n' "${VKS_LOG_TAG:-vks}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${VKS_LOG_TAG:-vks}" "$*" >&2; exit 1; }

require_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (try: sudo $0 $*)"
}

# Installs whichever of the given Debian packages are missing; apt-get update runs first, once.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

ensure_host_prerequisites() {
  ensure_packages "${VKS_HOST_PACKAGES[@]}"
  command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not on PATH"
  command -v kubectl >/dev/null || die "kubectl is not on PATH"
}

# The testbed's throwaway systemd machine. Sourced by scripts/testbed.
#
# Our machines do not run systemd as PID 1, so the host's own OS is booted as a container:
# a tmpfs holds the upper and work dirs of an overlay whose lower dir is /, and systemd-nspawn
# boots that overlay. Writes (apt installs, unit files) land on the tmpfs and vanish with it.

# The host image enables services of its own (postgresql, etcd, timers such as apt-daily). In
# the machine they would bind ports on the shared network, collide with a second testbed, take
# the dpkg lock under vks or fail and leave the machine "degraded": the machine starts none of
# them. Units from /lib (systemd's own base, dbus, journald) are untouched.
MACHINE_DISABLED_WANTS=(multi-user.target.wants timers.target.wants)

machine_preflight() {
  if ! grep -qw overlay /proc/filesystems; then
    modprobe overlay 2>/dev/null
    grep -qw overlay /proc/filesystems || die "overlayfs is not available in this kernel (needed for the machine's root)"
  fi
  command -v systemd-nspawn >/dev/null || die "systemd-nspawn is not on PATH after installing systemd-container"
  command -v nsenter >/dev/null || die "nsenter is not on PATH after installing util-linux"
}

machine_prepare_root() {
  local name=$1
  mkdir -p "$STATE/tmpfs" "$STATE/root"
  mount -t tmpfs -o "size=${VKS_TESTBED_TMPFS_SIZE:-8G},mode=0755" "vks-testbed-$name" "$STATE/tmpfs" \
    || die "mounting the machine's tmpfs failed"
  record MOUNT_TMPFS "$STATE/tmpfs"
  mkdir -p "$STATE/tmpfs/upper" "$STATE/tmpfs/work"
  mount -t overlay "vks-testbed-$name" -o "lowerdir=/,upperdir=$STATE/tmpfs/upper,workdir=$STATE/tmpfs/work" "$STATE/root" \
    || die "mounting the machine's overlay root failed"
  record MOUNT_ROOT "$STATE/root"

  local root=$STATE/root wants
  # Everything below writes into the overlay; never into the host's own /.
  mountpoint -q "$root" || die "$root is not mounted"
  echo "$name" >"$root/etc/hostname"
  # A machine id of its own: two testbeds (and the host) must not look like one node.
  tr -d '-' </proc/sys/kernel/random/uuid >"$root/etc/machine-id"
  for wants in "${MACHINE_DISABLED_WANTS[@]}"; do
    # Removing in the overlay leaves a whiteout on the tmpfs; the host's links stay.
    rm -rf "${root:?}/etc/systemd/system/$wants"
  done
  mkdir -p "$root/opt/vks-testbed"
}

machine_boot() {
  local name=$1
  # --register=no/--keep-unit: the host has no machined or systemd to register with.
  # The host network is shared, so 127.0.0.1 means the same on both sides.
  spawn machine systemd-nspawn -D "$STATE/root" --register=no --keep-unit --machine="$name" \
    --console=read-only --bind-ro="$STATE/share:/opt/vks-testbed" \
    -b systemd.firstboot=off

  local nspawn_pid leader="" deadline=$(( $(date +%s) + 30 ))
  nspawn_pid=$(state_get machine_PID)
  while [ -z "$leader" ]; do
    kill -0 "$nspawn_pid" 2>/dev/null || { tail -20 "$STATE/logs/machine.log" >&2; die "systemd-nspawn exited during boot"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "the machine's init did not start"
    # The machine's PID 1 is the child of systemd-nspawn.
    leader=$(pgrep -P "$nspawn_pid" -x systemd | head -1 || true)
    [ -n "$leader" ] || sleep 0.1
  done
  record LEADER_PID "$leader"
}

machine_wait_running() {
  local leader state
  leader=$(state_get LEADER_PID)
  state=$(timeout 120 nsenter -t "$leader" -a systemctl is-system-running --wait 2>/dev/null)
  if [ "$state" != running ]; then
    nsenter -t "$leader" -a systemctl --failed --no-legend >&2
    die "the machine did not reach 'running' (it says '${state:-nothing}')"
  fi
}

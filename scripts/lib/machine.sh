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

# The cgroup v1 controllers the machine's systemd must be able to write for its accounting: cpuacct (CPUUsageNSec),
# memory (MemoryCurrent) and pids (TasksCurrent). systemd-nspawn mounts every v1 controller read-only, and a systemd
# that cannot write a controller's hierarchy does not use it: every counter of every unit is then "not set".
# See docs/stats.md.
MACHINE_ACCOUNTING_CONTROLLERS=(cpuacct memory pids)

# machine_cgroups NAME: prints "HIERARCHY DIR" for each cgroup hierarchy the machine gets a cgroup of its own in: the
# v2 one ("unified"), name=systemd and the accounting controllers'. DIR is
# /sys/fs/cgroup/<hierarchy><our cgroup>/vks-testbed-NAME: below the caller's cgroup, so that whatever limits the
# caller runs under still apply to the machine.
machine_cgroups() {
  local name=$1 hierarchy path controller
  # /proc/self/cgroup lines are ID:CONTROLLERS:PATH; the cgroup v2 line has no controllers.
  while IFS=: read -r _ hierarchy path; do
    [[ "$path" =~ ^/[A-Za-z0-9._@/-]*$ ]] || die "cannot place the machine below the cgroup '$path' (${hierarchy:-v2})"
    path=${path%/}
    # On a hybrid host nspawn takes its cgroup from the v2 hierarchy (mounted at unified/) and mirrors it into
    # name=systemd. A pure v2 host has neither, and no controllers nspawn would mount read-only.
    if [ -z "$hierarchy" ]; then
      [ -d /sys/fs/cgroup/unified ] && echo "unified /sys/fs/cgroup/unified$path/vks-testbed-$name"
      continue
    fi
    if [ "$hierarchy" = name=systemd ]; then
      echo "$hierarchy /sys/fs/cgroup/systemd$path/vks-testbed-$name"
      continue
    fi
    # Co-mounted controllers (cpu,cpuacct) share one hierarchy, mounted under their joined names.
    for controller in "${MACHINE_ACCOUNTING_CONTROLLERS[@]}"; do
      if [[ ",$hierarchy," == *",$controller,"* ]] && [ -d "/sys/fs/cgroup/$hierarchy" ]; then
        echo "$hierarchy /sys/fs/cgroup/$hierarchy$path/vks-testbed-$name"
        break
      fi
    done
  done </proc/self/cgroup
}

# The machine's cgroup directories, as recorded by machine_boot (one CGROUP= line each).
machine_cgroup_dirs() { [ -f "$STATE/state.env" ] && sed -n 's/^CGROUP=//p' "$STATE/state.env"; return 0; }

# machine_release_cgroups: removes the machine's cgroups (and what its systemd made below them) once no process is
# left in them. cgroup directories are removed with rmdir, deepest first; rm cannot delete their files.
machine_release_cgroups() {
  local dir
  for dir in $(machine_cgroup_dirs); do
    [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [ -d "$dir" ] && log "the machine's cgroup $dir is still in use; leaving it"
  done
  return 0
}

machine_boot() {
  local name=$1 hierarchy dir binds=()
  # Each testbed gets a cgroup of its own in every hierarchy nspawn or the machine's systemd writes to. Without it,
  # nspawn --keep-unit puts every testbed's machine in the same /payload cgroup of name=systemd, and two testbeds'
  # systemds share (and fight over) system.slice/dbus.service & co. nspawn's cgroup namespace makes this cgroup the
  # machine's root.
  while read -r hierarchy dir; do
    mkdir -p "$dir" || die "cannot create the machine's cgroup $dir"
    record CGROUP "$dir"
    # name=systemd and v2 are writable in the machine anyway; the controllers are bound in read-write over nspawn's
    # read-only mounts, which it then leaves alone (it skips a hierarchy that is mounted already).
    if [ "$hierarchy" != name=systemd ] && [ "$hierarchy" != unified ]; then
      binds+=(--bind="$dir:/sys/fs/cgroup/$hierarchy")
    fi
    # systemd assumes cpu and cpuacct are mounted together: it makes a unit's cgroup in the cpu hierarchy only and
    # reads its cpuacct.usage from there. On a host that mounts cpuacct alone, the machine therefore sees the cpuacct
    # hierarchy in cpu's place too. Its systemd then cannot apply CPUWeight=/CPUQuota= (the cpu controller's files
    # are missing), which vks does not set; CPU accounting is what the stats need.
    if [ "$hierarchy" = cpuacct ]; then
      binds+=(--bind="$dir:/sys/fs/cgroup/cpu")
    fi
  done < <(machine_cgroups "$name")

  # --register=no/--keep-unit: the host has no machined or systemd to register with.
  # The host network is shared, so 127.0.0.1 means the same on both sides.
  # --tmpfs=/sys/fs/cgroup: the binds need a writable place for their mount points below /sys.
  (
    # A subshell moves itself into the machine's cgroups, so nspawn starts there and the script stays put.
    for dir in $(machine_cgroup_dirs); do
      echo "$BASHPID" >"$dir/cgroup.procs" || die "cannot join the cgroup $dir"
    done
    spawn machine systemd-nspawn -D "$STATE/root" --register=no --keep-unit --machine="$name" \
      --console=read-only --bind-ro="$STATE/share:/opt/vks-testbed" \
      ${binds[@]:+--tmpfs=/sys/fs/cgroup:mode=0755} "${binds[@]}" \
      -b systemd.firstboot=off
  ) || exit 1

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

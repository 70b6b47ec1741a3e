namespace Vks.Node.Nodes;

/// <summary>What the Node object says about the host; read once at start (<see cref="HostFactsReader"/>).</summary>
/// <param name="Hostname">The host name, lower case (as kubelet reports it).</param>
/// <param name="DefaultRouteAddress">The IPv4 address of the default-route interface, or null when there is none.</param>
/// <param name="CpuCount">Online CPUs.</param>
/// <param name="MemoryBytes">MemTotal.</param>
/// <param name="EphemeralStorageBytes">The size of the filesystem holding /var.</param>
/// <param name="MachineId">/etc/machine-id.</param>
/// <param name="BootId">/proc/sys/kernel/random/boot_id.</param>
/// <param name="KernelVersion">The kernel release (uname -r).</param>
/// <param name="OsImage">PRETTY_NAME from os-release.</param>
/// <param name="Architecture">The architecture as Kubernetes names it (GOARCH: amd64, arm64, ...).</param>
public sealed record HostFacts(
    string Hostname,
    string? DefaultRouteAddress,
    int CpuCount,
    long MemoryBytes,
    long EphemeralStorageBytes,
    string MachineId,
    string BootId,
    string KernelVersion,
    string OsImage,
    string Architecture);

/// <summary>The host's current load, sampled for the pressure conditions (<see cref="HostFactsReader.ReadUsage"/>).</summary>
/// <param name="MemoryAvailableBytes">MemAvailable.</param>
/// <param name="VarAvailableBytes">Space available to unprivileged users on the filesystem holding /var.</param>
/// <param name="VarTotalBytes">Its size.</param>
/// <param name="VarInodesFree">Free inodes on it.</param>
/// <param name="VarInodesTotal">Its inodes (0 on filesystems without a fixed inode table, such as btrfs).</param>
/// <param name="RunningTasks">Processes and threads on the host (the total in /proc/loadavg).</param>
/// <param name="PidMax">/proc/sys/kernel/pid_max.</param>
public sealed record HostUsage(
    long MemoryAvailableBytes,
    long VarAvailableBytes,
    long VarTotalBytes,
    long VarInodesFree,
    long VarInodesTotal,
    long RunningTasks,
    long PidMax);

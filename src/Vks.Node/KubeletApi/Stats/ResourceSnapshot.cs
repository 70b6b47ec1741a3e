// The raw readings of one stats request: the node from /proc, each running container from its unit's accounting.
// The summary and the resource metrics are both rendered from one snapshot.
using Vks.Systemd.Manager;

namespace Vks.Node.KubeletApi.Stats;

internal sealed record NodeReading(DateTimeOffset Time, HostCpu Cpu, HostMemory Memory)
{
    /// <summary>Memory in use, page cache included (what a root cgroup's usage counts).</summary>
    public ulong UsageBytes => Memory.Total - Memory.Free;

    /// <summary>The kubelet's working set: usage minus the inactive file pages.</summary>
    public ulong WorkingSetBytes => UsageBytes > Memory.InactiveFile ? UsageBytes - Memory.InactiveFile : 0;
}

/// <param name="UnitName">The container's unit, the key of its CPU samples.</param>
/// <param name="Time">When its counters were read.</param>
/// <param name="MemoryStat">Its cgroup's memory.stat; null when it could not be read.</param>
internal sealed record ContainerReading(string Name, string UnitName, DateTimeOffset Time, ServiceResources Resources, CgroupMemoryStat? MemoryStat)
{
    public ulong? CpuUsageNanoseconds => Resources.Usage.CpuUsageNSec;

    public ulong? UsageBytes => Resources.Usage.MemoryCurrent;

    /// <summary>The kubelet's working set: usage minus the inactive file pages; unknown without memory.stat.</summary>
    public ulong? WorkingSetBytes => (UsageBytes, MemoryStat) switch
    {
        ({ } usage, { } stat) => usage > stat.InactiveFile ? usage - stat.InactiveFile : 0,
        _ => null,
    };
}

/// <param name="Containers">The pod's containers whose units are running; a container that is not has no stats.</param>
internal sealed record PodReading(string Namespace, string Name, string Uid, DateTimeOffset? StartTime, IReadOnlyList<ContainerReading> Containers);

/// <param name="FailedReads">Containers whose accounting could not be read (a D-Bus error): /metrics/resource reports
/// them as scrape_error.</param>
internal sealed record ResourceSnapshot(NodeReading Node, IReadOnlyList<PodReading> Pods, int FailedReads);

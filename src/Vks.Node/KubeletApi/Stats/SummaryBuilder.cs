// Turns a ResourceSnapshot and the CPU rates into the Summary JSON model. A pod has no cgroup of its own (each
// container is a unit of its own), so a pod's numbers are the sums of its running containers'; a sum is only given
// when every container has the number, never a partial sum that would look smaller than the truth.
namespace Vks.Node.KubeletApi.Stats;

internal static class SummaryBuilder
{
    /// <summary>The key of the node's CPU samples; unit names are never empty.</summary>
    public const string NodeKey = "";

    /// <summary>One CPU sample per cgroup in the snapshot that has a CPU counter: the node and the containers.</summary>
    public static IReadOnlyDictionary<string, CpuSample> CpuSamples(ResourceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var samples = new Dictionary<string, CpuSample>(StringComparer.Ordinal)
        {
            [NodeKey] = new CpuSample(snapshot.Node.Time, snapshot.Node.Cpu.CpuUsageNanoseconds, snapshot.Node.Cpu.BootTime),
        };
        foreach (ContainerReading container in snapshot.Pods.SelectMany(pod => pod.Containers))
        {
            if (container.CpuUsageNanoseconds is { } usage)
            {
                samples[container.UnitName] = new CpuSample(container.Time, usage, container.Resources.StartedAt);
            }
        }

        return samples;
    }

    public static StatsSummary Build(string nodeName, ResourceSnapshot snapshot, IReadOnlyDictionary<string, ulong> rates)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(rates);
        NodeReading node = snapshot.Node;
        var nodeStats = new NodeStats(
            nodeName,
            node.Cpu.BootTime,
            new CpuStats(node.Time, Rate(rates, NodeKey), node.Cpu.CpuUsageNanoseconds),
            new MemoryStats(
                node.Time,
                AvailableBytes: node.Memory.Total - node.WorkingSetBytes,
                UsageBytes: node.UsageBytes,
                WorkingSetBytes: node.WorkingSetBytes,
                RssBytes: node.Memory.Anon,
                PageFaults: node.Memory.PageFaults,
                MajorPageFaults: node.Memory.MajorPageFaults));
        return new StatsSummary(nodeStats, [.. snapshot.Pods.Select(pod => PodStatsOf(pod, rates))]);
    }

    private static PodStats PodStatsOf(PodReading pod, IReadOnlyDictionary<string, ulong> rates)
    {
        ContainerStats[] containers = [.. pod.Containers.Select(container => ContainerStatsOf(container, rates))];
        CpuStats?[] cpu = [.. containers.Select(container => container.Cpu)];
        MemoryStats?[] memory = [.. containers.Select(container => container.Memory)];
        CpuStats? podCpu = containers.Length > 0 && cpu.All(stats => stats is not null)
            ? new CpuStats(
                cpu.Max(stats => stats!.Time),
                Sum(cpu.Select(stats => stats!.UsageNanoCores)),
                Sum(cpu.Select(stats => stats!.UsageCoreNanoSeconds)))
            : null;
        MemoryStats? podMemory = containers.Length > 0 && memory.All(stats => stats is not null)
            ? new MemoryStats(
                memory.Max(stats => stats!.Time),
                AvailableBytes: null,
                UsageBytes: Sum(memory.Select(stats => stats!.UsageBytes)),
                WorkingSetBytes: Sum(memory.Select(stats => stats!.WorkingSetBytes)),
                RssBytes: Sum(memory.Select(stats => stats!.RssBytes)),
                PageFaults: Sum(memory.Select(stats => stats!.PageFaults)),
                MajorPageFaults: Sum(memory.Select(stats => stats!.MajorPageFaults)))
            : null;
        return new PodStats(new PodReference(pod.Name, pod.Namespace, pod.Uid), pod.StartTime, containers, podCpu, podMemory);
    }

    private static ContainerStats ContainerStatsOf(ContainerReading container, IReadOnlyDictionary<string, ulong> rates)
    {
        CpuStats? cpu = container.CpuUsageNanoseconds is { } usage
            ? new CpuStats(container.Time, Rate(rates, container.UnitName), usage)
            : null;
        // No availableBytes: the kubelet gives it only for a container with a memory limit, and vks sets none.
        MemoryStats? memory = container.UsageBytes is { } usageBytes
            ? new MemoryStats(
                container.Time,
                AvailableBytes: null,
                UsageBytes: usageBytes,
                WorkingSetBytes: container.WorkingSetBytes,
                RssBytes: container.MemoryStat?.Rss,
                PageFaults: container.MemoryStat?.PageFaults,
                MajorPageFaults: container.MemoryStat?.MajorPageFaults)
            : null;
        return new ContainerStats(container.Name, container.Resources.StartedAt, cpu, memory);
    }

    private static ulong? Rate(IReadOnlyDictionary<string, ulong> rates, string key) => rates.TryGetValue(key, out ulong rate) ? rate : null;

    /// <summary>The sum, or null if any part is unknown.</summary>
    private static ulong? Sum(IEnumerable<ulong?> values)
    {
        ulong sum = 0;
        foreach (ulong? value in values)
        {
            if (value is not { } known)
            {
                return null;
            }

            sum += known;
        }

        return sum;
    }
}

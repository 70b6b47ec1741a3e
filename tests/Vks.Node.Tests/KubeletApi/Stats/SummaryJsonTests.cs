// The Summary JSON as kubectl, metrics-server and the kubelet's own types read it: v1alpha1 field names, times as
// metav1.Time, absent numbers left out, and pod numbers as sums of complete container numbers.
using System.Text.Json;
using Vks.Node.KubeletApi.Stats;
using Vks.Systemd.Manager;

namespace Vks.Node.Tests.KubeletApi.Stats;

public sealed class SummaryJsonTests
{
    private static readonly CgroupMemoryStat MemoryStat = new(InactiveFile: 100, Rss: 600, PageFaults: 50, MajorPageFaults: 2);

    [Fact]
    public void The_node_has_the_v1alpha1_fields()
    {
        JsonElement node = Render(Snapshot(), new Dictionary<string, ulong> { [SummaryBuilder.NodeKey] = 250_000_000 }).GetProperty("node");

        Assert.Equal("node-a", node.GetProperty("nodeName").GetString());
        Assert.Equal("2026-01-01T00:00:00Z", node.GetProperty("startTime").GetString());
        JsonElement cpu = node.GetProperty("cpu");
        Assert.Equal("2026-03-04T05:06:07Z", cpu.GetProperty("time").GetString());
        Assert.Equal(250_000_000UL, cpu.GetProperty("usageNanoCores").GetUInt64());
        Assert.Equal(1_470_000_000UL, cpu.GetProperty("usageCoreNanoSeconds").GetUInt64());
        JsonElement memory = node.GetProperty("memory");
        // usage = total 8000 - free 3000 KiB; working set = usage - inactive file 1000 KiB; available = total - working set.
        Assert.Equal(5_000 * 1024UL, memory.GetProperty("usageBytes").GetUInt64());
        Assert.Equal(4_000 * 1024UL, memory.GetProperty("workingSetBytes").GetUInt64());
        Assert.Equal(4_000 * 1024UL, memory.GetProperty("availableBytes").GetUInt64());
        Assert.Equal(2_500 * 1024UL, memory.GetProperty("rssBytes").GetUInt64());
        Assert.Equal(123_456UL, memory.GetProperty("pageFaults").GetUInt64());
        Assert.Equal(78UL, memory.GetProperty("majorPageFaults").GetUInt64());
    }

    [Fact]
    public void A_container_has_cpu_and_memory_and_no_available_bytes_without_a_limit()
    {
        var rates = new Dictionary<string, ulong> { ["vks.default.web.app.service"] = 999_000_000 };
        JsonElement pod = Render(Snapshot(), rates).GetProperty("pods")[0];

        JsonElement podRef = pod.GetProperty("podRef");
        Assert.Equal(("web", "default", "uid-1"), (podRef.GetProperty("name").GetString(), podRef.GetProperty("namespace").GetString(), podRef.GetProperty("uid").GetString()));
        Assert.Equal("2026-03-04T04:00:00Z", pod.GetProperty("startTime").GetString());
        JsonElement app = pod.GetProperty("containers")[0];
        Assert.Equal("app", app.GetProperty("name").GetString());
        Assert.Equal("2026-03-04T04:56:07Z", app.GetProperty("startTime").GetString());
        Assert.Equal(999_000_000UL, app.GetProperty("cpu").GetProperty("usageNanoCores").GetUInt64());
        Assert.Equal(5_000_000_000UL, app.GetProperty("cpu").GetProperty("usageCoreNanoSeconds").GetUInt64());
        JsonElement memory = app.GetProperty("memory");
        Assert.Equal(1_000UL, memory.GetProperty("usageBytes").GetUInt64());
        Assert.Equal(900UL, memory.GetProperty("workingSetBytes").GetUInt64());
        Assert.Equal(600UL, memory.GetProperty("rssBytes").GetUInt64());
        Assert.False(memory.TryGetProperty("availableBytes", out _));
    }

    [Fact]
    public void What_systemd_does_not_have_is_left_out_not_zero()
    {
        // The sidecar's unit has no CPU accounting (CPUUsageNSec "not set") and no readable memory.stat.
        JsonElement pod = Render(Snapshot(), new Dictionary<string, ulong>()).GetProperty("pods")[0];

        JsonElement sidecar = pod.GetProperty("containers")[1];
        Assert.False(sidecar.TryGetProperty("cpu", out _));
        Assert.False(sidecar.GetProperty("memory").TryGetProperty("workingSetBytes", out _));
        Assert.Equal(2_000UL, sidecar.GetProperty("memory").GetProperty("usageBytes").GetUInt64());
        Assert.False(pod.GetProperty("containers")[0].GetProperty("cpu").TryGetProperty("usageNanoCores", out _));

        // So the pod has no CPU at all, and of its memory only the usage both containers have.
        Assert.False(pod.TryGetProperty("cpu", out _));
        Assert.Equal(3_000UL, pod.GetProperty("memory").GetProperty("usageBytes").GetUInt64());
        Assert.False(pod.GetProperty("memory").TryGetProperty("workingSetBytes", out _));
    }

    [Fact]
    public void A_pod_whose_containers_all_report_sums_them()
    {
        ContainerReading a = StatsSamples.Container("a", StatsSamples.Now, cpu: 1_000, memory: 500, MemoryStat with { InactiveFile = 0 });
        ContainerReading b = StatsSamples.Container("b", StatsSamples.Now.AddSeconds(1), cpu: 2_000, memory: 700, MemoryStat);
        var snapshot = new ResourceSnapshot(StatsSamples.Node(StatsSamples.Now), [new PodReading("ns", "p", "u", null, [a, b])], FailedReads: 0);
        var rates = new Dictionary<string, ulong> { [a.UnitName] = 10, [b.UnitName] = 20 };

        JsonElement pod = Render(snapshot, rates).GetProperty("pods")[0];

        Assert.False(pod.TryGetProperty("startTime", out _));
        Assert.Equal("2026-03-04T05:06:08Z", pod.GetProperty("cpu").GetProperty("time").GetString());
        Assert.Equal(30UL, pod.GetProperty("cpu").GetProperty("usageNanoCores").GetUInt64());
        Assert.Equal(3_000UL, pod.GetProperty("cpu").GetProperty("usageCoreNanoSeconds").GetUInt64());
        Assert.Equal(500UL + 600UL, pod.GetProperty("memory").GetProperty("workingSetBytes").GetUInt64());
        Assert.Equal(4UL, pod.GetProperty("memory").GetProperty("majorPageFaults").GetUInt64());
    }

    [Fact]
    public void A_pod_without_running_containers_has_an_empty_list_and_no_numbers()
    {
        var snapshot = new ResourceSnapshot(StatsSamples.Node(StatsSamples.Now), [new PodReading("ns", "p", "u", null, [])], FailedReads: 0);

        JsonElement pod = Render(snapshot, new Dictionary<string, ulong>()).GetProperty("pods")[0];

        Assert.Equal(0, pod.GetProperty("containers").GetArrayLength());
        Assert.False(pod.TryGetProperty("cpu", out _));
        Assert.False(pod.TryGetProperty("memory", out _));
    }

    [Fact]
    public void The_working_set_is_never_negative()
    {
        ContainerReading cached = StatsSamples.Container("c", StatsSamples.Now, cpu: 1, memory: 100, MemoryStat with { InactiveFile = 4_096 });

        Assert.Equal(0UL, cached.WorkingSetBytes);
    }

    private static ResourceSnapshot Snapshot()
    {
        ContainerReading app = StatsSamples.Container("app", StatsSamples.Now, cpu: 5_000_000_000, memory: 1_000, MemoryStat);
        ContainerReading sidecar = StatsSamples.Container("sidecar", StatsSamples.Now, cpu: null, memory: 2_000, stat: null);
        return new ResourceSnapshot(
            StatsSamples.Node(StatsSamples.Now),
            [new PodReading("default", "web", "uid-1", StatsSamples.Now.AddHours(-1).AddMinutes(-6).AddSeconds(-7), [app, sidecar])],
            FailedReads: 0);
    }

    private static JsonElement Render(ResourceSnapshot snapshot, IReadOnlyDictionary<string, ulong> rates)
    {
        StatsSummary summary = SummaryBuilder.Build("node-a", snapshot, rates);
        return JsonDocument.Parse(JsonSerializer.Serialize(summary, StatsSummaryJson.Default.StatsSummary)).RootElement;
    }
}

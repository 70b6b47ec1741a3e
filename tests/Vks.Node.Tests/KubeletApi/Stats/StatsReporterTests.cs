// StatsReporter over fake pods and units, a fake /proc and cgroup tree, and a clock the test moves: the first summary
// takes a second sample after a short wait, later ones measure against the previous summary, and containers that
// are not running, or whose unit systemd refuses to describe, are handled as the kubelet would.
using System.Collections.Concurrent;
using k8s.Models;
using Vks.Node.KubeletApi;
using Vks.Node.KubeletApi.Stats;
using Vks.Node.Pods;
using Vks.Node.Tests.Kubernetes;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;

namespace Vks.Node.Tests.KubeletApi.Stats;

public sealed class StatsReporterTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private readonly TemporaryDirectory _root = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly FakeUnits _units = new();
    private readonly List<V1Pod> _pods = [Pod("default", "web", "uid-1", "app", "sidecar")];
    private readonly StatsReporter _reporter;

    public StatsReporterTests()
    {
        string proc = Directory.CreateDirectory(Path.Combine(_root.Path, "proc")).FullName;
        File.WriteAllText(Path.Combine(proc, "stat"), StatsSamples.ProcStat);
        File.WriteAllText(Path.Combine(proc, "meminfo"), StatsSamples.ProcMeminfo);
        File.WriteAllText(Path.Combine(proc, "vmstat"), StatsSamples.ProcVmstat);
        string cgroup = Directory.CreateDirectory(Path.Combine(_root.Path, "cgroup")).FullName;
        string app = Directory.CreateDirectory(Path.Combine(cgroup, "memory", "system.slice", AppUnit)).FullName;
        File.WriteAllText(Path.Combine(app, "memory.stat"), "total_inactive_file 1000\ntotal_rss 3000\ntotal_pgfault 5\ntotal_pgmajfault 1\n");
        _reporter = new StatsReporter("node-a", new FakePodDirectory(_pods), _units, new CgroupMemoryStatReader(cgroup), new HostResourceReader(proc), _clock, Delay);
    }

    private static string AppUnit => ContainerUnitName.For("default", "web", "uid-1", "app");

    private static string SidecarUnit => ContainerUnitName.For("default", "web", "uid-1", "sidecar");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task The_first_summary_measures_the_rate_over_a_second_sample()
    {
        _units.Cpu[AppUnit] = new Queue<ulong>([1_000_000_000, 1_500_000_000]);

        Task<StatsSummary> first = _reporter.GetSummaryAsync(CancellationToken.None);
        await _clock.AdvanceWhenDueAsync(Delay);
        StatsSummary summary = await first.WaitAsync(HangGuard);

        ContainerStats app = Assert.Single(Assert.Single(summary.Pods).Containers);
        Assert.Equal("app", app.Name);
        Assert.Equal(500_000_000UL, app.Cpu!.UsageNanoCores);
        Assert.Equal(1_500_000_000UL, app.Cpu.UsageCoreNanoSeconds);
        Assert.Equal(0UL, summary.Node.Cpu.UsageNanoCores); // the fake /proc/stat does not move
        Assert.Equal(2, _units.Reads[AppUnit]);
    }

    [Fact]
    public async Task A_later_summary_measures_against_the_previous_one_without_waiting()
    {
        _units.Cpu[AppUnit] = new Queue<ulong>([1_000_000_000, 1_500_000_000, 2_500_000_000]);
        Task<StatsSummary> first = _reporter.GetSummaryAsync(CancellationToken.None);
        await _clock.AdvanceWhenDueAsync(Delay);
        await first.WaitAsync(HangGuard);
        _clock.Advance(TimeSpan.FromSeconds(10));

        StatsSummary second = await _reporter.GetSummaryAsync(CancellationToken.None).WaitAsync(HangGuard);

        Assert.Equal(100_000_000UL, second.Pods[0].Containers[0].Cpu!.UsageNanoCores);
        Assert.Equal(3, _units.Reads[AppUnit]);
    }

    [Fact]
    public async Task Memory_comes_from_MemoryCurrent_and_the_cgroup_memory_stat()
    {
        _units.Cpu[AppUnit] = new Queue<ulong>([1, 2, 3]);

        Task<StatsSummary> first = _reporter.GetSummaryAsync(CancellationToken.None);
        await _clock.AdvanceWhenDueAsync(Delay);
        MemoryStats memory = (await first.WaitAsync(HangGuard)).Pods[0].Containers[0].Memory!;

        Assert.Equal((8_000UL, 7_000UL, 3_000UL, 5UL, 1UL), (memory.UsageBytes!.Value, memory.WorkingSetBytes!.Value, memory.RssBytes!.Value, memory.PageFaults!.Value, memory.MajorPageFaults!.Value));
    }

    [Fact]
    public async Task A_container_whose_unit_is_not_loaded_has_no_stats_and_no_error()
    {
        _units.Cpu[AppUnit] = new Queue<ulong>([1, 2, 3]);

        string metrics = await _reporter.GetResourceMetricsAsync(CancellationToken.None).WaitAsync(HangGuard);

        Assert.Contains("container=\"app\"", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("sidecar", metrics, StringComparison.Ordinal);
        Assert.EndsWith("scrape_error 0\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_unit_systemd_refuses_to_describe_is_left_out_and_reported_as_a_scrape_error()
    {
        _units.Cpu[AppUnit] = new Queue<ulong>([1, 2, 3]);
        _units.Refused.Add(SidecarUnit);

        string metrics = await _reporter.GetResourceMetricsAsync(CancellationToken.None).WaitAsync(HangGuard);

        Assert.Contains("container=\"app\"", metrics, StringComparison.Ordinal);
        Assert.EndsWith("scrape_error 1\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_need_no_second_sample()
    {
        _units.Cpu[AppUnit] = new Queue<ulong>([2_000_000_000]);

        string metrics = await _reporter.GetResourceMetricsAsync(CancellationToken.None).WaitAsync(HangGuard);

        Assert.Contains("container_cpu_usage_seconds_total{container=\"app\",namespace=\"default\",pod=\"web\"} 2 ", metrics, StringComparison.Ordinal);
        Assert.Equal(1, _units.Reads[AppUnit]);
    }

    [Fact]
    public async Task A_pod_without_namespace_name_or_uid_is_skipped()
    {
        _pods.Add(new V1Pod { Metadata = new V1ObjectMeta { Name = "half" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c" }] } });
        _units.Cpu[AppUnit] = new Queue<ulong>([1, 2]);

        string metrics = await _reporter.GetResourceMetricsAsync(CancellationToken.None).WaitAsync(HangGuard);

        Assert.DoesNotContain("half", metrics, StringComparison.Ordinal);
    }

    private static V1Pod Pod(string ns, string name, string uid, params string[] containers) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, Uid = uid },
        Spec = new V1PodSpec { Containers = [.. containers.Select(container => new V1Container { Name = container })] },
        Status = new V1PodStatus { StartTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
    };

    private sealed class FakePodDirectory(List<V1Pod> pods) : IKubeletPodDirectory
    {
        public Task<IReadOnlyList<V1Pod>> ListPodsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<V1Pod>>([.. pods]);
    }

    /// <summary>Units with a CPU counter that takes the next queued value at each read; any other unit is not loaded.</summary>
    private sealed class FakeUnits : IServiceResourceReader
    {
        public ConcurrentDictionary<string, Queue<ulong>> Cpu { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, int> Reads { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Refused { get; } = new(StringComparer.Ordinal);

        public Task<ServiceResources?> ReadAsync(string serviceName, CancellationToken cancellationToken = default)
        {
            if (Refused.Contains(serviceName))
            {
                throw new DBusErrorException("org.freedesktop.DBus.Error.AccessDenied", "no");
            }

            if (!Cpu.TryGetValue(serviceName, out Queue<ulong>? counters))
            {
                return Task.FromResult<ServiceResources?>(null);
            }

            Reads.AddOrUpdate(serviceName, 1, (_, reads) => reads + 1);
            var usage = new UnitResourceUsage(MemoryCurrent: 8_000, CpuUsageNSec: counters.Dequeue(), TasksCurrent: 1, IOReadBytes: null, IOWriteBytes: null);
            return Task.FromResult<ServiceResources?>(new ServiceResources(usage, $"/system.slice/{serviceName}", new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero)));
        }
    }
}

using k8s.Models;
using Vks.Node.Nodes;

namespace Vks.Node.Tests.Nodes;

public sealed class NodeConditionsBuilderTests
{
    private const long Mi = 1024 * 1024;
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, 500, TimeSpan.Zero);

    private static readonly HostUsage Healthy = new(
        MemoryAvailableBytes: 4096 * Mi,
        VarAvailableBytes: 50_000,
        VarTotalBytes: 100_000,
        VarInodesFree: 500,
        VarInodesTotal: 1000,
        RunningTasks: 300,
        PidMax: 32768);

    private static Dictionary<string, string> Statuses(IList<V1NodeCondition> conditions) =>
        conditions.ToDictionary(c => c.Type, c => c.Status);

    public static TheoryData<HostUsage, string, string> Pressures() => new()
    {
        { Healthy with { MemoryAvailableBytes = (100 * Mi) - 1 }, "MemoryPressure", "True" },
        { Healthy with { MemoryAvailableBytes = 100 * Mi }, "MemoryPressure", "False" },
        { Healthy with { VarAvailableBytes = 9_999 }, "DiskPressure", "True" },
        { Healthy with { VarAvailableBytes = 10_000 }, "DiskPressure", "False" },
        { Healthy with { VarInodesFree = 49 }, "DiskPressure", "True" },
        { Healthy with { VarInodesFree = 50 }, "DiskPressure", "False" },
        { Healthy with { VarInodesFree = 0, VarInodesTotal = 0 }, "DiskPressure", "False" },
        { Healthy with { RunningTasks = 29_492 }, "PIDPressure", "True" },
        { Healthy with { RunningTasks = 29_491 }, "PIDPressure", "False" },
    };

    [Theory]
    [MemberData(nameof(Pressures))]
    public void Uses_kubelet_like_thresholds(HostUsage usage, string type, string status) =>
        Assert.Equal(status, Statuses(NodeConditionsBuilder.Build(null, usage, synced: true, null, Now))[type]);

    [Fact]
    public void Ready_only_once_synced()
    {
        var notSynced = NodeConditionsBuilder.Build(null, Healthy, synced: false, "waiting for systemd", Now);
        var ready = Assert.Single(notSynced, c => c.Type == "Ready");
        Assert.Equal(("False", "KubeletNotReady", "waiting for systemd"), (ready.Status, ready.Reason, ready.Message));

        Assert.Equal(
            new Dictionary<string, string> { ["Ready"] = "True", ["MemoryPressure"] = "False", ["DiskPressure"] = "False", ["PIDPressure"] = "False" },
            Statuses(NodeConditionsBuilder.Build(notSynced, Healthy, synced: true, null, Now)));
    }

    [Fact]
    public void Transition_times_move_only_with_the_status_and_heartbeats_do_not_count_as_change()
    {
        var first = NodeConditionsBuilder.Build(null, Healthy, synced: false, null, Now);
        var later = Now.AddMinutes(1);

        var same = NodeConditionsBuilder.Build(first, Healthy, synced: false, null, later);
        Assert.All(same, c => Assert.Equal(new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc), c.LastTransitionTime));
        Assert.All(same, c => Assert.Equal(new DateTime(2025, 3, 1, 12, 1, 0, DateTimeKind.Utc), c.LastHeartbeatTime));
        Assert.False(NodeConditionsBuilder.Differs(first, same));

        var synced = NodeConditionsBuilder.Build(first, Healthy, synced: true, null, later);
        Assert.Equal(new DateTime(2025, 3, 1, 12, 1, 0, DateTimeKind.Utc), synced.Single(c => c.Type == "Ready").LastTransitionTime);
        Assert.Equal(new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc), synced.Single(c => c.Type == "MemoryPressure").LastTransitionTime);
        Assert.True(NodeConditionsBuilder.Differs(first, synced));
        Assert.True(NodeConditionsBuilder.Differs(null, first));
    }
}

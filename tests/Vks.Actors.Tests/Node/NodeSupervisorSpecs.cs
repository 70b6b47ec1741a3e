using Akka.Actor;
using k8s.Models;
using Vks.Actors.Debug;
using Vks.Actors.Node;
using Vks.Actors.Ports;
using Vks.Actors.Tests.Fakes;
using Vks.Node.Nodes;
using Xunit.Abstractions;
using static Vks.Actors.Tests.TestPods;

namespace Vks.Actors.Tests.Node;

public sealed class NodeSupervisorSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    private static readonly NodeSettings Node = new("node-1", null, Taint: true, MaxPods: 110, KubeletPort: 10250, VksVersion: "v0.1.0", SystemdVersion: "252");

    private readonly ManualPodFeed _feed = new();

    [Fact]
    public async Task At_start_running_units_are_adopted_not_restarted_and_units_of_vanished_pods_are_removed()
    {
        var kept = Pod([Shell("app")], name: "kept", uid: "aaaaaaaa-0000-0000-0000-000000000001");
        var vanished = Pod([Shell("app")], name: "vanished", uid: "bbbbbbbb-0000-0000-0000-000000000002");
        var (keptUnit, vanishedUnit) = (UnitName(kept, "app"), UnitName(vanished, "app"));
        WriteRunningUnit(kept, "app");
        WriteRunningUnit(vanished, "app");
        var synced = CreateTestProbe();
        Sys.EventStream.Subscribe(synced, typeof(NodeProtocol.NodeSynced));

        var node = StartNode();
        await _feed.EmitAsync(new PodFeedSnapshot([kept], "100"));

        synced.ExpectMsg<NodeProtocol.NodeSynced>(m => m.NodeName == "node-1");
        AwaitAssert(() => Assert.False(UnitFileExists(vanishedUnit)));
        Assert.Contains("stop " + vanishedUnit, Systemd.Calls);
        Assert.Contains("list vks.*", Systemd.Calls);
        var dump = AwaitDump(node, d => d.Pods.SingleOrDefault()?.Units.SingleOrDefault()?.State == "Running");
        Assert.Equal("kept", dump.Pods.Single().Name);
        Assert.True(UnitFileExists(keptUnit));
        Assert.DoesNotContain(Systemd.Calls, c => c.StartsWith("start ", StringComparison.Ordinal) || c == "stop " + keptUnit);
        Assert.Equal(1u, Systemd.StateOf(keptUnit)!.NRestarts);
        Assert.Empty(Kubernetes.Deletes);
    }

    [Fact]
    public async Task The_node_is_registered_not_ready_and_turns_ready_once_synced()
    {
        var node = StartNode();
        AwaitAssert(() => Assert.Single(Kubernetes.Registrations));
        Assert.Equal("False", Ready(Kubernetes.Registrations.Single().Status.Conditions));
        AwaitAssert(() => Assert.NotEmpty(Kubernetes.NodeStatusPatches));
        Assert.Equal("False", Ready(Kubernetes.NodeStatusPatches.Last().Conditions));
        Assert.Equal("Syncing", DumpOf<DumpProtocol.NodeDump>(node).State);

        await _feed.EmitAsync(new PodFeedSnapshot([], "1"));

        AwaitAssert(() => Assert.Equal("True", Ready(Kubernetes.NodeStatusPatches.Last().Conditions)));
        var status = Kubernetes.NodeStatusPatches.Last();
        Assert.Equal(NodeIp, status.Addresses.Single(a => a.Type == "InternalIP").Address);
        Assert.Equal("systemd://252", status.NodeInfo.ContainerRuntimeVersion);
        Assert.Equal("Ready", DumpOf<DumpProtocol.NodeDump>(node).State);
    }

    [Fact]
    public void The_lease_is_renewed_every_10_seconds()
    {
        var node = StartNode();
        AwaitAssert(() => Assert.Single(Kubernetes.LeaseRenewals));
        Assert.Equal(FakeKubernetes.NodeUid, Kubernetes.LeaseRenewals.Single());

        for (var renewals = 2; renewals <= 4; renewals++)
        {
            Advance(NodeLeaseBuilder.RenewInterval - TimeSpan.FromMilliseconds(1));
            DumpOf<DumpProtocol.NodeDump>(node);
            Assert.Equal(renewals - 1, Kubernetes.LeaseRenewals.Count);
            Advance(TimeSpan.FromMilliseconds(1));
            AwaitAssert(() => Assert.Equal(renewals, Kubernetes.LeaseRenewals.Count));
        }

        // The fake counts a renewal when it is sent; the supervisor notes it as renewed when the answer comes back,
        // a moment later (one run of CI dumped in between and saw the previous renewal's age, 10 s).
        AwaitAssert(() =>
        {
            var dump = DumpOf<DumpProtocol.NodeDump>(node);
            Assert.Equal(FakeKubernetes.NodeUid, dump.NodeUid);
            Assert.Equal(TimeSpan.Zero, dump.LeaseAge);
        });
    }

    [Fact]
    public void A_deleted_Node_is_registered_again_with_back_off()
    {
        var node = StartNode();
        AwaitAssert(() => Assert.Single(Kubernetes.LeaseRenewals));
        Kubernetes.LeaseOutcome = ApiWriteOutcome.Gone;

        Advance(NodeLeaseBuilder.RenewInterval);
        AwaitAssert(() => Assert.Null(DumpOf<DumpProtocol.NodeDump>(node).NodeUid));
        Assert.Single(Kubernetes.Registrations);
        Advance(NodeSupervisor.RetryDelay);
        AwaitAssert(() => Assert.Equal(2, Kubernetes.Registrations.Count));

        // Still gone right after registering: the next attempt waits twice as long, instead of spinning.
        AwaitAssert(() =>
        {
            Assert.Equal(3, Kubernetes.LeaseRenewals.Count); // at the start, the 10 s renewal, after registering again
            Assert.Null(DumpOf<DumpProtocol.NodeDump>(node).NodeUid);
        });
        Advance(NodeSupervisor.RetryDelay);
        DumpOf<DumpProtocol.NodeDump>(node);
        Assert.Equal(2, Kubernetes.Registrations.Count);
        Advance(NodeSupervisor.RetryDelay);
        AwaitAssert(() => Assert.Equal(3, Kubernetes.Registrations.Count));
    }

    [Fact]
    public async Task The_node_status_is_written_when_a_condition_changes_and_otherwise_once_a_minute()
    {
        var node = StartNode();
        await _feed.EmitAsync(new PodFeedSnapshot([], "1"));
        AwaitAssert(() => Assert.Equal("True", Ready(Kubernetes.NodeStatusPatches.LastOrDefault()?.Conditions)));
        var patches = Kubernetes.NodeStatusPatches.Count;

        for (var i = 0; i < 5; i++)
        {
            Advance(NodeSupervisor.StatusCheckInterval);
            DumpOf<DumpProtocol.NodeDump>(node);
            DumpOf<DumpProtocol.NodeDump>(node);
        }

        Assert.Equal(patches, Kubernetes.NodeStatusPatches.Count);
        Advance(NodeSupervisor.StatusCheckInterval);
        AwaitAssert(() => Assert.Equal(patches + 1, Kubernetes.NodeStatusPatches.Count));

        Host.Usage = Host.Usage with { MemoryAvailableBytes = 10 << 20 };
        Advance(NodeSupervisor.StatusCheckInterval);
        AwaitAssert(() => Assert.Equal("True", Kubernetes.NodeStatusPatches.Last().Conditions.Single(c => c.Type == "MemoryPressure").Status));
        Assert.Equal(patches + 2, Kubernetes.NodeStatusPatches.Count);
    }

    [Fact]
    public async Task Pods_from_the_watch_get_their_containers_and_a_force_deleted_pod_loses_them()
    {
        var pod = Pod([Shell("app")]);
        var unitName = UnitName(pod, "app");
        var node = StartNode();
        await _feed.EmitAsync(new PodFeedSnapshot([], "1"));
        await _feed.EmitAsync(new PodFeedChange(pod));
        AwaitAssert(() => Assert.Equal(1, Systemd.CountOf("start " + unitName)));
        AwaitAssert(() => Assert.Equal("Running", Kubernetes.StatusesOf(Uid).LastOrDefault()?.Phase));
        node.Tell(NodeProtocol.ListPods.Instance);
        Assert.Equal(Uid, Assert.Single(ExpectMsg<NodeProtocol.PodsHeld>().Pods).Metadata.Uid);

        await _feed.EmitAsync(new PodFeedRemoval(Deleted(pod, 0)));

        AwaitAssert(() => Assert.False(UnitFileExists(unitName)));
        AwaitAssert(() => Assert.Empty(DumpOf<DumpProtocol.NodeDump>(node).Pods));
        node.Tell(NodeProtocol.ListPods.Instance);
        Assert.Empty(ExpectMsg<NodeProtocol.PodsHeld>().Pods);
        Assert.Empty(Kubernetes.Deletes);

        // A late event for the finished pod does not bring it back.
        await _feed.EmitAsync(new PodFeedChange(Deleted(pod, 0)));
        Assert.Empty(DumpOf<DumpProtocol.NodeDump>(node).Pods);
        Assert.Equal(1, Systemd.CountOf("start " + unitName));
    }

    [Fact]
    public async Task A_pod_missing_from_a_later_list_is_treated_as_gone()
    {
        var pod = Pod([Shell("app")]);
        var unitName = UnitName(pod, "app");
        StartNode();
        await _feed.EmitAsync(new PodFeedSnapshot([pod], "1"));
        AwaitAssert(() => Assert.Equal(1, Systemd.CountOf("start " + unitName)));

        await _feed.EmitAsync(new PodFeedSnapshot([], "2"));

        AwaitAssert(() => Assert.False(UnitFileExists(unitName)));
        Assert.Empty(Kubernetes.Deletes);
    }

    [Fact]
    public async Task The_dump_is_the_whole_tree()
    {
        Installer.Available("uptimed", "1:0.4.6-3").WithUnit("uptimed", UptimedUnit);
        var pod = Pod([Shell("app"), Package("daemon")]);
        var node = StartNode();
        await _feed.EmitAsync(new PodFeedSnapshot([pod], "42"));

        // The node's registration and the pod's start run side by side; the dump is a snapshot, so wait for both.
        var dump = AwaitDump(node, d => d.NodeUid is not null && d.Pods.SingleOrDefault()?.Units.Count(u => u.State == "Running") == 2);

        Assert.Equal(("node-1", "Ready", FakeKubernetes.NodeUid, "42"), (dump.NodeName, dump.State, dump.NodeUid, dump.WatchResourceVersion));
        var podDump = Assert.Single(dump.Pods);
        Assert.Equal(["app", "daemon"], podDump.Units.Select(u => u.Container));
        Assert.Equal(["/bin/sh", "uptimed"], podDump.Units.Select(u => u.Image));
        Assert.NotNull(dump.Packages);
        Assert.Null(dump.Packages.Current);
        Assert.Empty(dump.Unanswered);
    }

    private IActorRef StartNode()
    {
        var ports = new NodePorts(Systemd, Store, Installer, Kubernetes, _feed, Kubernetes, Kubernetes, Host);
        var settings = new NodeSupervisorSettings(Node, "10.96.0.1", 6443) { ResolveExecutable = ResolveExecutable };
        return Sys.ActorOf(VksActors.NodeSupervisorProps(settings, ports), VksActors.NodeSupervisorName);
    }

    private void WriteRunningUnit(V1Pod pod, string container)
    {
        var unitName = WriteUnitAsVksWould(pod, container);
        Systemd.Set(unitName, Systemd.Running(unitName, TimeSpan.FromHours(1), restarts: 1));
    }

    private DumpProtocol.NodeDump AwaitDump(IActorRef node, Func<DumpProtocol.NodeDump, bool> matches)
    {
        DumpProtocol.NodeDump? dump = null;
        AwaitCondition(() => matches(dump = DumpOf<DumpProtocol.NodeDump>(node)), TimeSpan.FromSeconds(10));
        return dump!;
    }

    private static string? Ready(IList<V1NodeCondition>? conditions) => conditions?.SingleOrDefault(c => c.Type == "Ready")?.Status;
}

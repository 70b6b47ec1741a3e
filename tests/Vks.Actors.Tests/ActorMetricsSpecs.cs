// The actor tree's state on /metrics: the gauges report the dump the scrape took (pods by phase, units by
// ActiveState, mailbox depths, actors that did not answer), and nothing once no dump is at hand. The mailbox depth
// every dump carries is what ActorCell counts behind the message being handled.
using Akka.Actor;
using Vks.Actors.Debug;
using Vks.Node.KubeletApi.Metrics;
using Xunit.Abstractions;

namespace Vks.Actors.Tests;

[Collection(MetricsCollection.Name)]
public sealed class ActorMetricsSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    [Fact]
    public async Task The_gauges_report_the_dump_the_supervisor_answers_and_nothing_without_one()
    {
        using var exporter = new VksMetricsExporter();
        var supervisor = CreateTestProbe();

        var observing = ActorMetrics.ObserveNodeAsync(supervisor.Ref, CancellationToken.None);
        supervisor.ExpectMsg<DumpProtocol.DumpState>();
        supervisor.Reply(SampleNode());
        await observing.WaitAsync(TimeSpan.FromSeconds(10));
        var lines = exporter.Collect().Split('\n');

        Assert.Equal(
            [
                "vks_actor_mailbox_depth{actor=\"node\"} 4",
                "vks_actor_mailbox_depth{actor=\"packages\"} 7",
                "vks_actor_mailbox_depth{actor=\"pod\",namespace=\"default\",pod=\"web\"} 1",
                "vks_actor_mailbox_depth{actor=\"pod\",namespace=\"kube-system\",pod=\"new\"} 0",
                "vks_actor_mailbox_depth{actor=\"unit\",container=\"app\",namespace=\"kube-system\",pod=\"new\"} 0",
                "vks_actor_mailbox_depth{actor=\"unit\",container=\"setup\",namespace=\"default\",pod=\"web\"} 0",
                "vks_actor_mailbox_depth{actor=\"unit\",container=\"sidecar\",namespace=\"default\",pod=\"web\"} 0",
                "vks_actor_mailbox_depth{actor=\"unit\",container=\"web\",namespace=\"default\",pod=\"web\"} 2",
                "vks_actors_unanswered 2",
                "vks_pods{phase=\"Failed\"} 0",
                "vks_pods{phase=\"Pending\"} 1",
                "vks_pods{phase=\"Running\"} 1",
                "vks_pods{phase=\"Succeeded\"} 0",
                "vks_pods{phase=\"Unknown\"} 0",
                "vks_units{active_state=\"activating\"} 1",
                "vks_units{active_state=\"active\"} 1",
                "vks_units{active_state=\"deactivating\"} 0",
                "vks_units{active_state=\"failed\"} 0",
                "vks_units{active_state=\"inactive\"} 1",
                "vks_units{active_state=\"maintenance\"} 0",
                "vks_units{active_state=\"none\"} 1",
                "vks_units{active_state=\"refreshing\"} 0",
                "vks_units{active_state=\"reloading\"} 0",
            ],
            lines.Where(l => l.StartsWith("vks_actor", StringComparison.Ordinal) || l.StartsWith("vks_pods", StringComparison.Ordinal) || l.StartsWith("vks_units", StringComparison.Ordinal)));

        ActorMetrics.Observe(null);
        var after = exporter.Collect();
        Assert.DoesNotContain("vks_pods", after, StringComparison.Ordinal);
        Assert.DoesNotContain("vks_units", after, StringComparison.Ordinal);
        Assert.DoesNotContain("vks_actor", after, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mailbox_depth_counts_the_messages_queued_behind_the_one_being_handled()
    {
        using var gate = new ManualResetEventSlim();
        var actor = Sys.ActorOf(Props.Create(() => new GatedActor(gate)));

        actor.Tell(GatedActor.Block.Instance);
        actor.Tell(GatedActor.Depth.Instance, TestActor);
        for (var i = 0; i < 3; i++)
        {
            actor.Tell(GatedActor.Filler.Instance);
        }

        gate.Set();
        Assert.Equal(3, ExpectMsg<int>());
        actor.Tell(GatedActor.Depth.Instance, TestActor);
        Assert.Equal(0, ExpectMsg<int>());
    }

    protected override void AfterAll()
    {
        ActorMetrics.Observe(null);
        base.AfterAll();
    }

    private static DumpProtocol.NodeDump SampleNode() =>
        new("node-1", "Ready", "uid", null, null, null, "1", null,
            [
                new DumpProtocol.PodDump("default", "web", "uid-1", "Running", "Running", 1,
                    [
                        new DumpProtocol.UnitDump("setup", true, "/usr/bin/true", "Running", "a.service", "Inactive", "dead", 0, null, null),
                        new DumpProtocol.UnitDump("web", false, "uptimed", "Running", "b.service", "Active", "running", 0, null, null) { MailboxDepth = 2 },
                        new DumpProtocol.UnitDump("sidecar", false, "nginx", "Running", "c.service", "Activating", "start", 0, null, null),
                    ],
                    ["unit-stuck"]) { MailboxDepth = 1 },
                new DumpProtocol.PodDump("kube-system", "new", "uid-2", "Discovering", null, null,
                    [new DumpProtocol.UnitDump("app", false, "redis-server", "PullingImage", "d.service", null, null, 0, null, null)],
                    []),
            ],
            new DumpProtocol.PackageQueueDump(null, [], null) { MailboxDepth = 7 },
            ["pod-stuck"]) { MailboxDepth = 4 };

    /// <summary>Handles Block by waiting at the gate, so the test can queue messages behind it.</summary>
    private sealed class GatedActor : ReceiveActor
    {
        public GatedActor(ManualResetEventSlim gate)
        {
            Receive<Block>(_ => gate.Wait(TimeSpan.FromSeconds(30)));
            Receive<Depth>(_ => Sender.Tell(DumpProtocol.MailboxDepthOf(Context)));
            Receive<Filler>(_ => { });
        }

        public sealed record Block
        {
            public static readonly Block Instance = new();
        }

        public sealed record Depth
        {
            public static readonly Depth Instance = new();
        }

        public sealed record Filler
        {
            public static readonly Filler Instance = new();
        }
    }
}

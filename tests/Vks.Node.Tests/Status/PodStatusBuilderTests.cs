// Pod phase (kubelet's rules), conditions and their transition times, IPs, and the change detection that keeps
// the PodActor from patching a status that says nothing new.
using k8s;
using k8s.Models;
using Vks.Node.Status;
using Vks.Systemd.Manager;

namespace Vks.Node.Tests.Status;

public sealed class PodStatusBuilderTests
{
    private const string NodeIp = "192.168.1.20";

    private static V1Pod Pod(string? restartPolicy, string[] apps, string[]? inits = null, V1PodStatus? status = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = TestPods.Uid },
        Spec = new V1PodSpec
        {
            RestartPolicy = restartPolicy,
            Containers = apps.Select(n => new V1Container { Name = n, Image = "uptimed" }).ToList(),
            InitContainers = inits?.Select(n => new V1Container { Name = n, Image = "/usr/bin/env" }).ToList(),
        },
        Status = status,
    };

    private static ContainerObservation Observe(string name, UnitState? unit) => new()
    {
        Name = name,
        UnitName = unit is null ? null : $"vks.default.web.{name}.service",
        Unit = unit,
        Image = ImagePhase.Pulled,
    };

    private static V1PodStatus Build(V1Pod pod, params ContainerObservation[] observations) =>
        PodStatusBuilder.Build(pod, observations, NodeIp, Units.Now);

    public static TheoryData<string?, UnitState?[], UnitState?[], string> Phases() => new()
    {
        // restartPolicy, init container units, app container units, phase
        { null, [], [null], PodStatusBuilder.Pending },
        { null, [], [Units.Running(), null], PodStatusBuilder.Pending },
        { null, [], [Units.Running(), Units.Running()], PodStatusBuilder.Running },
        { null, [], [Units.Running(), Units.AutoRestart(1, 1)], PodStatusBuilder.Running },
        { "Always", [], [Units.AutoRestart(1, 1)], PodStatusBuilder.Running },
        { "Never", [], [Units.Exited0()], PodStatusBuilder.Succeeded },
        { "Never", [], [Units.Exited0(), Units.Failed(3)], PodStatusBuilder.Failed },
        { "Never", [], [Units.Running(), Units.Failed(3)], PodStatusBuilder.Running },
        { "OnFailure", [], [Units.Exited0()], PodStatusBuilder.Succeeded },
        { "OnFailure", [], [Units.AutoRestart(1, 1)], PodStatusBuilder.Running },
        { null, [null], [null], PodStatusBuilder.Pending },
        { null, [Units.Running()], [null], PodStatusBuilder.Pending },
        { null, [Units.Failed(1)], [null], PodStatusBuilder.Pending },
        { "Never", [Units.Failed(1)], [null], PodStatusBuilder.Failed },
        { null, [Units.Exited0()], [Units.Running()], PodStatusBuilder.Running },
    };

    [Theory]
    [MemberData(nameof(Phases))]
    public void Computes_the_phase_like_kubelet(string? restartPolicy, UnitState?[] inits, UnitState?[] apps, string phase)
    {
        var initNames = inits.Select((_, i) => $"init{i}").ToArray();
        var appNames = apps.Select((_, i) => $"app{i}").ToArray();
        var pod = Pod(restartPolicy, appNames, initNames);

        var status = Build(pod, [.. inits.Select((u, i) => Observe(initNames[i], u)), .. apps.Select((u, i) => Observe(appNames[i], u))]);

        Assert.Equal(phase, status.Phase);
    }

    [Fact]
    public void A_terminal_phase_is_final()
    {
        var pod = Pod("Never", ["app"], status: new V1PodStatus { Phase = PodStatusBuilder.Succeeded });

        Assert.Equal(PodStatusBuilder.Succeeded, Build(pod, Observe("app", null)).Phase);
    }

    [Fact]
    public void Reports_conditions_and_the_node_address()
    {
        var pod = Pod(null, ["app", "side"], ["init"]);

        var status = Build(pod, Observe("init", Units.Exited0()), Observe("app", Units.Running()), Observe("side", Units.AutoRestart(1, 2)));

        Assert.Equal<(string, string, string?, string?)>(
            [
                ("Initialized", "True", null, null),
                ("Ready", "False", "ContainersNotReady", "containers with unready status: [side]"),
                ("ContainersReady", "False", "ContainersNotReady", "containers with unready status: [side]"),
                ("PodScheduled", "True", null, null),
            ],
            status.Conditions.Select(c => (c.Type, c.Status, (string?)c.Reason, (string?)c.Message)));
        Assert.All(status.Conditions, c => Assert.Equal(new DateTime(2025, 3, 1, 12, 6, 0, DateTimeKind.Utc), c.LastTransitionTime));
        Assert.Equal((NodeIp, NodeIp), (status.HostIP, status.PodIP));
        Assert.Equal([NodeIp], status.HostIPs.Select(h => h.Ip));
        Assert.Equal([NodeIp], status.PodIPs.Select(p => p.Ip));
        Assert.Equal(["init"], status.InitContainerStatuses.Select(s => s.Name));
        Assert.Equal(["app", "side"], status.ContainerStatuses.Select(s => s.Name));
    }

    [Fact]
    public void Initialized_names_the_init_containers_that_have_not_completed()
    {
        var status = Build(Pod(null, ["app"], ["first", "second"]), Observe("first", Units.Exited0()), Observe("second", Units.Running()));

        var initialized = status.Conditions.Single(c => c.Type == "Initialized");
        Assert.Equal(("False", "ContainersNotInitialized", "containers with incomplete status: [second]"), (initialized.Status, initialized.Reason, initialized.Message));
    }

    [Fact]
    public void A_succeeded_pod_is_not_ready_because_it_completed()
    {
        var status = Build(Pod("Never", ["app"]), Observe("app", Units.Exited0()));

        Assert.All(status.Conditions.Where(c => c.Type is "Ready" or "ContainersReady"), c => Assert.Equal(("False", "PodCompleted"), (c.Status, c.Reason)));
    }

    [Fact]
    public void Keeps_transition_times_start_time_qos_class_and_foreign_conditions_from_the_written_status()
    {
        var earlier = new DateTime(2025, 3, 1, 11, 0, 0, DateTimeKind.Utc);
        var written = new V1PodStatus
        {
            StartTime = earlier,
            QosClass = "BestEffort",
            Conditions =
            [
                new V1PodCondition { Type = "Ready", Status = "False", LastTransitionTime = earlier },
                new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = earlier },
                new V1PodCondition { Type = "example.com/gate", Status = "True", LastTransitionTime = earlier },
            ],
        };

        var status = Build(Pod(null, ["app"], status: written), Observe("app", Units.Running()));

        Assert.Equal(earlier, status.StartTime);
        Assert.Equal("BestEffort", status.QosClass);
        Assert.Equal(ApiTime.From(Units.Now), status.Conditions.Single(c => c.Type == "Ready").LastTransitionTime);
        Assert.Equal(earlier, status.Conditions.Single(c => c.Type == "PodScheduled").LastTransitionTime);
        Assert.Equal(earlier, status.Conditions.Single(c => c.Type == "example.com/gate").LastTransitionTime);
    }

    [Fact]
    public void A_status_rebuilt_later_from_the_same_facts_does_not_differ()
    {
        var first = Build(Pod(null, ["app"]), Observe("app", Units.Running(restarts: 1)));
        // What the API server hands back: the status after a JSON round trip.
        var written = KubernetesJson.Deserialize<V1PodStatus>(KubernetesJson.Serialize(first));

        var later = PodStatusBuilder.Build(Pod(null, ["app"], status: written), [Observe("app", Units.Running(restarts: 1))], NodeIp, Units.Now.AddMinutes(5));

        Assert.False(PodStatusComparer.Differs(written, later));
    }

    [Fact]
    public void A_status_with_new_facts_differs()
    {
        var first = Build(Pod(null, ["app"]), Observe("app", Units.Running(restarts: 1)));
        var written = KubernetesJson.Deserialize<V1PodStatus>(KubernetesJson.Serialize(first));

        var restarted = Build(Pod(null, ["app"], status: written), Observe("app", Units.Running(restarts: 2)));
        var crashed = Build(Pod(null, ["app"], status: written), Observe("app", Units.AutoRestart(1, 1)));

        Assert.True(PodStatusComparer.Differs(written, restarted));
        Assert.True(PodStatusComparer.Differs(written, crashed));
        Assert.True(PodStatusComparer.Differs(null, first));
    }

    [Fact]
    public void Sub_second_times_and_fields_other_writers_own_do_not_count_as_changes()
    {
        var built = Build(Pod(null, ["app"]), Observe("app", Units.Running()));
        var written = KubernetesJson.Deserialize<V1PodStatus>(KubernetesJson.Serialize(built));
        written.StartTime = written.StartTime!.Value.AddMilliseconds(400);
        written.NominatedNodeName = "elsewhere";
        written.ContainerStatuses[0].AllocatedResources = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") };

        Assert.False(PodStatusComparer.Differs(written, built));
    }
}

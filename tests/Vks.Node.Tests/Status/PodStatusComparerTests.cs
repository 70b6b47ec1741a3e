// Change detection field by field: every field vks writes counts as a change, and what the API server's round trip
// does to a status (whole seconds, empty strings and lists dropped) does not.
using k8s;
using k8s.Models;
using Vks.Node.Status;

namespace Vks.Node.Tests.Status;

public sealed class PodStatusComparerTests
{
    private static readonly DateTime Started = new(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private static V1ContainerStatus Container(string name) => new()
    {
        Name = name,
        Image = "uptimed",
        ImageID = "deb://uptimed=1",
        ContainerID = $"systemd://vks.default.web.{name}.service",
        Ready = true,
        Started = true,
        RestartCount = 1,
        State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Started } },
        LastState = new V1ContainerState
        {
            Terminated = new V1ContainerStateTerminated
            {
                ExitCode = 1,
                Signal = null,
                Reason = "Error",
                Message = "bad",
                StartedAt = Started.AddMinutes(-2),
                FinishedAt = Started.AddMinutes(-1),
                ContainerID = $"systemd://vks.default.web.{name}.service",
            },
        },
    };

    private static V1PodStatus Status() => new()
    {
        Phase = "Running",
        Conditions =
        [
            new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = Started },
            new V1PodCondition { Type = "Initialized", Status = "False", Reason = "ContainersNotInitialized", Message = "init", LastTransitionTime = Started },
        ],
        HostIP = "192.168.1.20",
        HostIPs = [new V1HostIP { Ip = "192.168.1.20" }],
        PodIP = "192.168.1.20",
        PodIPs = [new V1PodIP { Ip = "192.168.1.20" }],
        StartTime = Started,
        QosClass = "BestEffort",
        InitContainerStatuses = [Container("init")],
        ContainerStatuses = [Container("app")],
    };

    public static TheoryData<string, Action<V1PodStatus>> Changes() => new()
    {
        { "phase", s => s.Phase = "Succeeded" },
        { "hostIP", s => s.HostIP = "10.0.0.1" },
        { "hostIPs", s => s.HostIPs[0].Ip = "10.0.0.1" },
        { "podIP", s => s.PodIP = "10.0.0.1" },
        { "podIPs", s => s.PodIPs.Add(new V1PodIP { Ip = "fd00::1" }) },
        { "startTime", s => s.StartTime = Started.AddSeconds(1) },
        { "qosClass", s => s.QosClass = "Burstable" },
        { "condition type", s => s.Conditions[0].Type = "ContainersReady" },
        { "condition status", s => s.Conditions[0].Status = "False" },
        { "condition reason", s => s.Conditions[1].Reason = "Other" },
        { "condition message", s => s.Conditions[1].Message = "other" },
        { "condition time", s => s.Conditions[0].LastTransitionTime = Started.AddSeconds(1) },
        { "condition added", s => s.Conditions.Add(new V1PodCondition { Type = "PodScheduled", Status = "True" }) },
        { "condition order", s => s.Conditions = [s.Conditions[1], s.Conditions[0]] },
        { "container name", s => s.ContainerStatuses[0].Name = "other" },
        { "image", s => s.ContainerStatuses[0].Image = "bash" },
        { "imageID", s => s.ContainerStatuses[0].ImageID = "deb://uptimed=2" },
        { "containerID", s => s.ContainerStatuses[0].ContainerID = null },
        { "ready", s => s.ContainerStatuses[0].Ready = false },
        { "started", s => s.ContainerStatuses[0].Started = false },
        { "restartCount", s => s.ContainerStatuses[0].RestartCount = 2 },
        { "running startedAt", s => s.ContainerStatuses[0].State.Running.StartedAt = Started.AddSeconds(1) },
        { "running to waiting", s => s.ContainerStatuses[0].State = new V1ContainerState { Waiting = new V1ContainerStateWaiting() } },
        { "waiting reason", s => s.InitContainerStatuses[0].State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } } },
        { "no state at all", s => s.ContainerStatuses[0].State = new V1ContainerState() },
        { "terminated exitCode", s => s.ContainerStatuses[0].LastState.Terminated.ExitCode = 2 },
        { "terminated signal", s => s.ContainerStatuses[0].LastState.Terminated.Signal = 9 },
        { "terminated reason", s => s.ContainerStatuses[0].LastState.Terminated.Reason = "OOMKilled" },
        { "terminated message", s => s.ContainerStatuses[0].LastState.Terminated.Message = "worse" },
        { "terminated startedAt", s => s.ContainerStatuses[0].LastState.Terminated.StartedAt = Started },
        { "terminated finishedAt", s => s.ContainerStatuses[0].LastState.Terminated.FinishedAt = Started },
        { "terminated containerID", s => s.ContainerStatuses[0].LastState.Terminated.ContainerID = "systemd://x.service" },
        { "lastState cleared", s => s.ContainerStatuses[0].LastState = new V1ContainerState() },
        { "init container", s => s.InitContainerStatuses[0].RestartCount = 5 },
        { "container added", s => s.ContainerStatuses.Add(Container("sidecar")) },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Each_field_vks_writes_counts_as_a_change(string field, Action<V1PodStatus> change)
    {
        var written = Status();
        var next = Status();
        change(next);

        Assert.True(PodStatusComparer.Differs(written, next), field);
        Assert.True(PodStatusComparer.Differs(next, written), field);
    }

    [Fact]
    public void The_same_facts_after_the_API_servers_round_trip_do_not_differ()
    {
        var built = Status();
        built.StartTime = Started.AddMilliseconds(700);
        built.ContainerStatuses[0].State.Running.StartedAt = Started.AddMilliseconds(300);
        built.InitContainerStatuses[0].ImageID = "deb://uptimed=1";
        var written = KubernetesJson.Deserialize<V1PodStatus>(KubernetesJson.Serialize(Status()));

        Assert.False(PodStatusComparer.Differs(written, built));
    }

    [Fact]
    public void Empty_and_absent_are_the_same()
    {
        var built = Status();
        built.Conditions[0].Reason = "";
        built.ContainerStatuses[0].Started = null;
        built.ContainerStatuses[0].ImageID = "";
        var written = Status();
        written.Conditions[0].Reason = null;
        written.ContainerStatuses[0].Started = false;
        written.ContainerStatuses[0].ImageID = null;
        built.PodIPs = null;
        written.PodIPs = [];
        built.InitContainerStatuses = null;
        written.InitContainerStatuses = [];

        Assert.False(PodStatusComparer.Differs(written, built));
    }

    [Fact]
    public void Fields_other_writers_own_do_not_count()
    {
        var written = Status();
        written.NominatedNodeName = "elsewhere";
        written.Message = "evicted elsewhere";
        written.ContainerStatuses[0].AllocatedResources = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") };

        Assert.False(PodStatusComparer.Differs(written, Status()));
    }
}

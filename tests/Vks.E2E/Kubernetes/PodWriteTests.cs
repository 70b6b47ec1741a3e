using System.Text.Json;
using k8s;
using k8s.Models;
using Vks.E2E.Testbed;
using Vks.Node.Kubernetes;

namespace Vks.E2E.Kubernetes;

/// <summary>What the node writes about its pods (status, deletion, events), checked through kubectl.</summary>
[Collection(TestbedCollection.Name)]
public sealed class PodWriteTests(TestbedFixture fixture)
{
    private readonly Testbed.Testbed _testbed = fixture.Testbed;

    [Fact]
    public async Task A_status_patch_shows_in_kubectl_and_keeps_what_the_api_server_set()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        await context.RegisterNodeAsync();
        var pod = PodReference.From(await context.CreatePodAsync("web"));
        var started = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

        var result = await new PodStatusWriter(context.NodeClient).PatchStatusAsync(pod, RunningStatus(started), CancellationToken.None);

        Assert.Equal(PodStatusOutcome.Patched, result.Outcome);
        var listed = (await _testbed.KubectlAsync("-n", context.Namespace, "get", "pod", "web", "--no-headers")).EnsureSuccess("get pod");
        Assert.Matches(@"^web\s+1/1\s+Running\s+0\s", listed.Stdout);
        using var json = JsonDocument.Parse((await _testbed.KubectlAsync("-n", context.Namespace, "get", "pod", "web", "-o", "json")).EnsureSuccess("get pod").Stdout);
        var status = json.RootElement.GetProperty("status");
        Assert.Equal("127.0.0.1", status.GetProperty("podIP").GetString());
        Assert.Equal("2026-11-23T12:00:00Z", status.GetProperty("containerStatuses")[0].GetProperty("state").GetProperty("running").GetProperty("startedAt").GetString());
        Assert.Equal("BestEffort", status.GetProperty("qosClass").GetString()); // set at creation, left alone by the merge patch
    }

    [Fact]
    public async Task A_status_patch_never_lands_on_a_pod_that_is_gone_or_on_its_successor()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        await context.RegisterNodeAsync();
        var writer = new PodStatusWriter(context.NodeClient);
        var old = PodReference.From(await context.CreatePodAsync("web"));
        await context.AdminClient.CoreV1.DeleteNamespacedPodAsync("web", context.Namespace, gracePeriodSeconds: 0);

        var gone = await writer.PatchStatusAsync(old, RunningStatus(DateTime.UtcNow), CancellationToken.None);
        Assert.Equal(PodStatusOutcome.PodGone, gone.Outcome);

        // The same name, a new pod: on this node (UID check) and on another node (NodeRestriction).
        await context.CreatePodAsync("web");
        var successor = await writer.PatchStatusAsync(old, RunningStatus(DateTime.UtcNow), CancellationToken.None);
        await context.CreatePodAsync("db", nodeName: "some-other-node");
        var onOtherNode = await writer.PatchStatusAsync(old with { Name = "db" }, RunningStatus(DateTime.UtcNow), CancellationToken.None);

        Assert.Equal(PodStatusOutcome.PodGone, successor.Outcome);
        Assert.Equal(PodStatusOutcome.PodGone, onOtherNode.Outcome);
        Assert.Equal("Pending", (await context.ReadPodOrNullAsync("web"))!.Status.Phase);
        Assert.Equal("Pending", (await context.ReadPodOrNullAsync("db"))!.Status.Phase);
    }

    [Fact]
    public async Task A_delete_with_another_pods_uid_is_refused_and_the_right_uid_deletes_at_once()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        await context.RegisterNodeAsync();
        var deleter = new PodDeleter(context.NodeClient);
        var pod = PodReference.From(await context.CreatePodAsync("web"));

        var wrong = await deleter.DeleteAsync(pod with { Uid = Guid.NewGuid().ToString() }, CancellationToken.None);
        Assert.Equal(PodDeleteOutcome.UidMismatch, wrong.Outcome);
        Assert.NotNull(await context.ReadPodOrNullAsync("web"));

        var right = await deleter.DeleteAsync(pod, CancellationToken.None);
        Assert.Equal(PodDeleteOutcome.Deleted, right.Outcome);
        Assert.Null(await context.ReadPodOrNullAsync("web")); // grace 0: gone now, not terminating

        Assert.Equal(PodDeleteOutcome.NotFound, (await deleter.DeleteAsync(pod, CancellationToken.None)).Outcome);

        await context.CreatePodAsync("db", nodeName: "some-other-node");
        var other = await deleter.DeleteAsync(pod with { Name = "db" }, CancellationToken.None);
        Assert.Equal(PodDeleteOutcome.UidMismatch, other.Outcome);
        Assert.NotNull(await context.ReadPodOrNullAsync("db"));
    }

    [Fact]
    public async Task Events_show_in_kubectl_describe_and_a_repeat_raises_the_count()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        await context.RegisterNodeAsync();
        var pod = PodReference.From(await context.CreatePodAsync("web"));
        var clock = new SettableTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var recorder = new EventRecorder(context.NodeClient, context.NodeName, clock);

        var pulling = await recorder.RecordAsync(pod, PodEventType.Normal, "Pulling", "Installing package \"uptimed\"", "spec.containers{main}", CancellationToken.None);
        var failed = await recorder.RecordAsync(pod, PodEventType.Warning, "Failed", "E: Unable to locate package nope", "spec.containers{main}", CancellationToken.None);
        clock.Now += TimeSpan.FromSeconds(30);
        var repeated = await recorder.RecordAsync(pod, PodEventType.Warning, "Failed", "E: Unable to locate package nope", "spec.containers{main}", CancellationToken.None);

        Assert.Equal([EventOutcome.Created, EventOutcome.Created, EventOutcome.Aggregated], new[] { pulling.Outcome, failed.Outcome, repeated.Outcome });
        var describe = (await _testbed.KubectlAsync("-n", context.Namespace, "describe", "pod", "web")).EnsureSuccess("describe pod").Stdout;
        Assert.Matches(@"Normal\s+Pulling\s+.*vks.*Installing package ""uptimed""", describe);
        Assert.Matches(@"Warning\s+Failed\s+.*\(x2 over .*vks.*E: Unable to locate package nope", describe);

        using var events = JsonDocument.Parse((await _testbed.KubectlAsync("-n", context.Namespace, "get", "events", "-o", "json",
            "--field-selector", "reason=Failed")).EnsureSuccess("get events").Stdout);
        var stored = Assert.Single(events.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(2, stored.GetProperty("count").GetInt32());
        Assert.Equal("2026-11-23T12:00:00Z", stored.GetProperty("firstTimestamp").GetString());
        Assert.Equal("2026-11-23T12:00:30Z", stored.GetProperty("lastTimestamp").GetString());
        Assert.Equal(pod.Uid, stored.GetProperty("involvedObject").GetProperty("uid").GetString());
        Assert.Matches(@"^web\.[0-9a-f]{16}$", stored.GetProperty("metadata").GetProperty("name").GetString());

        // Recorded in the same second (the clock stood still): listed by name, they still come in recording order.
        using var all = JsonDocument.Parse((await _testbed.KubectlAsync("-n", context.Namespace, "get", "events", "-o", "json",
            "--field-selector", "involvedObject.name=web")).EnsureSuccess("get events").Stdout);
        Assert.Equal(["Pulling", "Failed"], all.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("reason").GetString()));
        Assert.Equal("spec.containers{main}", stored.GetProperty("involvedObject").GetProperty("fieldPath").GetString());
        Assert.Equal(context.NodeName, stored.GetProperty("source").GetProperty("host").GetString());

        // After the aggregation window the same event is a new object.
        clock.Now += EventRecorder.AggregationWindow + TimeSpan.FromSeconds(1);
        var later = await recorder.RecordAsync(pod, PodEventType.Warning, "Failed", "E: Unable to locate package nope", "spec.containers{main}", CancellationToken.None);
        Assert.Equal(EventOutcome.Created, later.Outcome);
    }

    [Fact]
    public async Task An_event_for_a_pod_in_a_deleted_namespace_is_dropped()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        var recorder = new EventRecorder(context.NodeClient, context.NodeName);
        var pod = new PodReference("no-such-namespace", "web", Guid.NewGuid().ToString());

        var result = await recorder.RecordAsync(pod, PodEventType.Normal, "Started", "Started container main", null, CancellationToken.None);

        Assert.Equal(EventOutcome.Dropped, result.Outcome);
    }

    private static V1PodStatus RunningStatus(DateTime started) => new()
    {
        Phase = "Running",
        HostIP = "127.0.0.1",
        PodIP = "127.0.0.1",
        StartTime = started,
        Conditions =
        [
            new V1PodCondition { Type = "Initialized", Status = "True", LastTransitionTime = started },
            new V1PodCondition { Type = "ContainersReady", Status = "True", LastTransitionTime = started },
            new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = started },
        ],
        ContainerStatuses =
        [
            new V1ContainerStatus
            {
                Name = "main", Image = "uptimed", ImageID = "", Ready = true, Started = true, RestartCount = 0,
                State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = started } },
            },
        ],
    };
}
